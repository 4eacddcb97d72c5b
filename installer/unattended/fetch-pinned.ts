import { request } from 'node:https';
import { connect, type TLSSocket } from 'node:tls';
import { DebvisorError } from '../../core/errors.js';

/** Largest profile (and signature) an answer server may send: profiles are a few KiB. */
export const MAX_ANSWER_BYTES = 1024 * 1024;
export const FETCH_TIMEOUT_MS = 30_000;
/** The response header that carries the profile's detached SSH signature (base64 of the armored .sig). */
export const SIGNATURE_HEADER = 'debvisor-profile-signature';

export interface Answer {
  /** The profile YAML the server returned. */
  body: string;
  /** The armored signature, when the server sent one. */
  signature: string | undefined;
}

export interface FetchOptions {
  /** 64 lowercase hex digits: the SHA-256 of the server's certificate (DER). Without it the system's CAs decide. */
  pin: string | undefined;
  timeoutMs?: number;
  /** Extra CA certificates (tests); the pin does not need them. */
  ca?: string;
}

/** `AB:CD:..` as Node prints a fingerprint, to plain lowercase hex. */
const hexOf = (fp: string) => fp.replace(/:/g, '').toLowerCase();

function fail(url: string, message: string, hint: string, cause?: unknown): DebvisorError {
  return new DebvisorError('E_PROFILE_FETCH', `profile from ${url}: ${message}`, { hint, cause });
}

/**
 * The TLS connection, with the pin checked before the caller writes anything: a socket whose
 * certificate does not match is closed right after the handshake, so not a byte of the facts
 * reaches a server that is not the pinned one.
 */
function connectPinned(url: URL, opts: FetchOptions): Promise<TLSSocket> {
  const port = Number(url.port || 443);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port,
      servername: /^[0-9.:]+$/.test(host) ? undefined : host,
      // With a pin, the pin is the trust: a self-signed certificate is expected.
      rejectUnauthorized: opts.pin === undefined,
      ...(opts.ca ? { ca: opts.ca } : {}),
      ALPNProtocols: ['http/1.1'],
    });
    socket.setTimeout(opts.timeoutMs ?? FETCH_TIMEOUT_MS, () =>
      socket.destroy(fail(url.href, 'no answer in time', 'is the answer server running and reachable?')),
    );
    socket.once('error', (err) =>
      reject(
        err instanceof DebvisorError ? err : fail(url.href, `cannot connect: ${err.message}`, 'check the address, the port and that the server is up', err),
      ),
    );
    socket.once('secureConnect', () => {
      if (opts.pin !== undefined) {
        const got = hexOf(socket.getPeerCertificate().fingerprint256 ?? '');
        if (got !== opts.pin) {
          socket.destroy();
          reject(
            fail(
              url.href,
              `the server's certificate (sha256:${got}) is not the pinned one (sha256:${opts.pin}); nothing was sent`,
              'check debvisor.profile.pin= against `openssl x509 -noout -fingerprint -sha256 -in CERT`',
            ),
          );
          return;
        }
      }
      resolve(socket);
    });
  });
}

/**
 * POSTs the facts (JSON) to an answer server over HTTPS and returns the profile it answers
 * with. The certificate pin is checked on the TLS handshake, before the request is written.
 */
export async function fetchProfile(urlText: string, factsJson: string, opts: FetchOptions): Promise<Answer> {
  const url = new URL(urlText);
  if (url.protocol !== 'https:') throw fail(urlText, 'only https:// is accepted', 'serve the profile over HTTPS with a pinned certificate');
  const socket = await connectPinned(url, opts);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        createConnection: () => socket,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(factsJson), accept: 'application/yaml' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER_BYTES) {
            req.destroy(fail(urlText, `the answer is larger than ${MAX_ANSWER_BYTES} bytes`, 'a profile is a few KiB: is this the answer server?'));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) {
            reject(fail(urlText, `the server answered ${res.statusCode}: ${body.slice(0, 200)}`, 'see the answer server’s log for why it chose no profile'));
            return;
          }
          const sigHeader = res.headers[SIGNATURE_HEADER];
          const signature = typeof sigHeader === 'string' ? Buffer.from(sigHeader, 'base64').toString('utf8') : undefined;
          resolve({ body, signature });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(opts.timeoutMs ?? FETCH_TIMEOUT_MS, () => req.destroy(fail(urlText, 'no answer in time', 'is the answer server overloaded?')));
    req.on('error', (err) => reject(err instanceof DebvisorError ? err : fail(urlText, err.message, 'check the answer server', err)));
    req.end(factsJson);
  });
}

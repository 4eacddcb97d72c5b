import { X509Certificate, createHash, randomBytes } from 'node:crypto';
import { connect, checkServerIdentity, type PeerCertificate, type DetailedPeerCertificate } from 'node:tls';
import { DebvisorError } from '../core/errors.js';
import { StepError } from '../firstboot/step.js';
import { csrPublicKey, ensureNodeKeyAndCsr, samePin, type NodeIdentity } from './ca.js';
import { writeNodeFiles, readNode } from './files.js';
import type { ClusterHost } from './host.js';
import { applyMembership } from './membership.js';
import { postJson, MTLS_TIMEOUT_MS } from './mtls.js';
import { JOIN_SERVICE, renderJoinService } from './units.js';
import { CLUSTER_FILES, nodeFile } from './paths.js';
import { writeFileSync } from 'node:fs';
import { ensureHostKey, writeHostCert } from './ssh-certs.js';
import type { JoinReply, JoinRequest } from './join-server.js';
import { readState } from './state.js';
import { keyHash } from './tokens.js';

export interface JoinOptions {
  endpoint: string;
  token: string;
  caPin: string;
  node: NodeIdentity;
}

const pinOf = (der: Buffer) => `sha256:${createHash('sha256').update(der).digest('hex')}`;

/**
 * Connects to the endpoint and completes only the TLS handshake: nothing is sent. The chain the
 * server shows must contain a CA certificate with the pinned fingerprint that issued the
 * server's certificate; that CA is then the only trust anchor for the request.
 */
export function fetchPinnedCa(endpoint: string, pin: string): Promise<string> {
  const url = new URL(endpoint);
  const remote = `cluster:${url.origin}`;
  return new Promise((resolve, reject) => {
    const sock = connect({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 443),
      // Verified by hand below, against the pin: there is no trust anchor yet.
      rejectUnauthorized: false,
      timeout: MTLS_TIMEOUT_MS,
    });
    const done = (err: Error | undefined, ca?: string) => {
      sock.destroy();
      if (err) reject(err);
      else resolve(ca!);
    };
    sock.on('secureConnect', () => {
      const leaf = sock.getPeerCertificate(true) as DetailedPeerCertificate;
      const chain: DetailedPeerCertificate[] = [];
      for (let c: DetailedPeerCertificate | undefined = leaf; c?.raw && !chain.includes(c); c = c.issuerCertificate) chain.push(c);
      const pinned = chain.find((c) => samePin(pinOf(c.raw), pin));
      const leafX = leaf?.raw ? new X509Certificate(leaf.raw) : undefined;
      const caX = pinned ? new X509Certificate(pinned.raw) : undefined;
      if (!leafX || !caX?.ca || !leafX.checkIssued(caX) || !leafX.verify(caX.publicKey)) {
        done(
          new StepError('E_JOIN_PIN', `the join endpoint ${url.origin} is not signed by the cluster CA with pin ${pin.slice(0, 15)}…; nothing was sent`, {
            retryable: false,
            remote,
            hint: 'check cluster.join.caPin against `debvisor cluster ca-pin` on a member, and the endpoint',
          }),
        );
        return;
      }
      done(undefined, caX.toString());
    });
    sock.on('timeout', () =>
      done(new StepError('E_JOIN_UNREACHABLE', `no TLS answer from ${url.origin} within ${MTLS_TIMEOUT_MS} ms`, { retryable: true, remote })),
    );
    sock.on('error', (e) =>
      done(new StepError('E_JOIN_UNREACHABLE', `cannot reach the join endpoint ${url.origin}: ${e.message}`, { retryable: true, remote })),
    );
  });
}

/** Token and request errors the member answers with: none of them gets better by retrying. */
const FINAL = new Set([
  'E_TOKEN_UNKNOWN',
  'E_TOKEN_EXPIRED',
  'E_TOKEN_USED',
  'E_TOKEN_REVOKED',
  'E_JOIN_NAME_CLASH',
  'E_JOIN_REQUEST',
  'E_JOIN_NOT_CA',
  'E_CLUSTER_CSR',
  'E_JOIN_REPLAY',
]);

/** True when this node already finished joining (its certificate is there and it is in its own member list). */
export function alreadyJoined(root: string, name: string): boolean {
  const s = readState(root);
  return !!s && !!readNode(root, CLUSTER_FILES.nodeCert) && s.members.some((m) => m.name === name);
}

/**
 * Joins a cluster: pin check (nothing sent before it passes), then token + CSR + SSH host key +
 * a fresh nonce, then the reply's files and corosync. Rerunning after a crash at any point ends
 * in the same state: the node key is kept, and the member treats the same node and key again as
 * the same join.
 */
export async function joinCluster(host: ClusterHost, opts: JoinOptions): Promise<JoinReply['state']> {
  const root = host.root;
  if (alreadyJoined(root, opts.node.name)) {
    await host.startCorosync();
    await host.startJoinApi();
    return readState(root)!;
  }
  const ca = await fetchPinnedCa(opts.endpoint, opts.caPin);
  const url = new URL(opts.endpoint);
  const remote = `cluster:${url.origin}`;
  const csr = await ensureNodeKeyAndCsr(root, opts.node.name);
  const sshHostKey = await ensureHostKey(root);
  const request: JoinRequest = {
    ...opts.node,
    token: opts.token,
    csr,
    sshHostKey,
    nonce: randomBytes(32).toString('hex'),
    time: new Date().toISOString(),
  };
  let reply: Awaited<ReturnType<typeof postJson>>;
  try {
    reply = await postJson(opts.endpoint, '/v1/join', request, {
      ca,
      checkServerIdentity: (host: string, cert: PeerCertificate) => checkServerIdentity(host, cert),
    });
  } catch (err) {
    throw new StepError('E_JOIN_UNREACHABLE', `the join request to ${url.origin} failed: ${(err as Error).message}`, { retryable: true, remote });
  }
  if (reply.status !== 200) {
    const code = String(reply.body.code ?? 'E_JOIN_FAILED');
    throw new StepError(code, `the cluster refused the join: ${String(reply.body.message ?? reply.status)}`, {
      retryable: !FINAL.has(code),
      remote,
      hint: typeof reply.body.hint === 'string' ? reply.body.hint : undefined,
    });
  }
  const r = reply.body as unknown as JoinReply;
  const mine = new X509Certificate(r.cert);
  if (
    !mine.verify(new X509Certificate(ca).publicKey) ||
    keyHash(mine.publicKey.export({ type: 'spki', format: 'pem' }).toString()) !== keyHash(await csrPublicKey(csr))
  )
    throw new DebvisorError('E_JOIN_REPLY', "the member returned a certificate that is not for this node's key or not from the pinned CA");
  await writeNodeFiles(root, [
    [CLUSTER_FILES.caCert, ca, 0o644],
    [CLUSTER_FILES.nodeCert, r.cert, 0o644],
    [CLUSTER_FILES.sshCaPub, r.sshCaPub, 0o644],
  ]);
  // The authkey is binary: the one-way write creates the file with its mode, then the bytes go in.
  await writeNodeFiles(root, [[CLUSTER_FILES.authkey, '', 0o400]]);
  writeFileSync(nodeFile(root, CLUSTER_FILES.authkey), Buffer.from(r.authkey, 'base64'));
  await writeHostCert(root, r.sshHostCert);
  await host.reloadSsh();
  await applyMembership(host, { ...r.state, endpoint: opts.endpoint });
  await writeNodeFiles(host.root, [[JOIN_SERVICE, renderJoinService(), 0o644]]);
  await host.startCorosync();
  await host.startJoinApi();
  host.events.info(`joined cluster ${r.state.name} as ${opts.node.name}`, { step: 'join' });
  return readState(root)!;
}

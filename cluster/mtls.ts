import { request } from 'node:https';
import { DebvisorError } from '../core/errors.js';
import { readNode } from './files.js';
import { CLUSTER_FILES, JOIN_PORT } from './paths.js';

/** Bound on one member-to-member call. */
export const MTLS_TIMEOUT_MS = 10_000;
export const MAX_BODY_BYTES = 256 * 1024;

export function memberUrl(address: string): string {
  return `https://${address.includes(':') ? `[${address}]` : address}:${JOIN_PORT}`;
}

/** This node's TLS identity: its key, its certificate followed by the CA, and the CA alone as the only trust anchor. */
export function tlsIdentity(root: string): { key: string; cert: string; ca: string } {
  const key = readNode(root, CLUSTER_FILES.nodeKey);
  const cert = readNode(root, CLUSTER_FILES.nodeCert);
  const ca = readNode(root, CLUSTER_FILES.caCert);
  if (!key || !cert || !ca) throw new DebvisorError('E_CLUSTER_NONE', 'this node has no cluster certificate', { hint: 'init or join a cluster first' });
  return { key, cert: `${cert.trim()}\n${ca.trim()}\n`, ca };
}

/** Reads a JSON body, refusing more than MAX_BODY_BYTES. */
export function readBody(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new DebvisorError('E_BODY_TOO_LARGE', 'request body too large'));
        (stream as unknown as { destroy(): void }).destroy();
      } else chunks.push(c);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}

export interface JsonReply {
  status: number;
  body: Record<string, unknown>;
}

/** POSTs JSON to another member over mutual TLS: only the cluster CA is trusted, and this node shows its own certificate. */
export function mtlsPost(root: string, baseUrl: string, path: string, body: unknown, tls = tlsIdentity(root)): Promise<JsonReply> {
  return postJson(baseUrl, path, body, { key: tls.key, cert: tls.cert, ca: tls.ca });
}

export function postJson(
  baseUrl: string,
  path: string,
  body: unknown,
  tls: { ca: string; key?: string; cert?: string; checkServerIdentity?: (host: string, cert: import('node:tls').PeerCertificate) => Error | undefined },
): Promise<JsonReply> {
  const url = new URL(path, baseUrl);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        ...tls,
        agent: false,
        timeout: MTLS_TIMEOUT_MS,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        readBody(res)
          .then((text) => {
            let parsed: Record<string, unknown> = {};
            try {
              parsed = JSON.parse(text) as Record<string, unknown>;
            } catch {
              parsed = { message: text.slice(0, 200) };
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          })
          .catch(reject);
      },
    );
    req.on('timeout', () => req.destroy(new DebvisorError('E_TIMEOUT', `no answer from ${url.origin} within ${MTLS_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(data);
  });
}

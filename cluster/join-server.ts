import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { DebvisorError } from '../core/errors.js';
import { readNode, readNodeJson, writeNodeFiles } from './files.js';
import type { ClusterHost } from './host.js';
import { applyMembership } from './membership.js';
import { mtlsPost, memberUrl, readBody, tlsIdentity } from './mtls.js';
import { CLUSTER_FILES, nodeFile } from './paths.js';
import { certInfo, csrPublicKey, signNodeCsr } from './ca.js';
import { signHostKey } from './ssh-certs.js';
import { identityProblem, nextNodeId, requireState, type ClusterState, type Member } from './state.js';
import { consumeToken, keyHash, tokenId, TokenError } from './tokens.js';

/** Join attempts per source address per window; more are answered 429 without looking at the token. */
export const JOIN_RATE = { attempts: 5, windowMs: 60_000 } as const;
/** Source addresses the rate limiter tracks before it forgets the quiet ones. */
const MAX_TRACKED_SOURCES = 10_000;
/** A join request's timestamp may differ this much from the member's clock; older nonces are forgotten. */
export const JOIN_SKEW_MS = 5 * 60_000;

export interface JoinRequest {
  token: string;
  csr: string;
  name: string;
  fqdn: string;
  address: string;
  sshHostKey: string;
  /** 32 random hex bytes and the sender's time: a captured exchange cannot be replayed. */
  nonce: string;
  time: string;
}

export interface JoinReply {
  cert: string;
  ca: string;
  authkey: string;
  sshCaPub: string;
  sshHostCert: string;
  state: ClusterState;
}

type Reply = { status: number; body: Record<string, unknown> };
const fail = (status: number, code: string, message: string, hint?: string): Reply => ({ status, body: { code, message, hint } });

function logAttempt(root: string, entry: Record<string, unknown>): void {
  const file = nodeFile(root, CLUSTER_FILES.joinLog);
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`, { mode: 0o600 });
}

/** Remembers nonces for JOIN_SKEW_MS; false when this one was seen. */
async function freshNonce(root: string, nonce: string, now: number): Promise<boolean> {
  const seen = readNodeJson<Record<string, number>>(root, CLUSTER_FILES.nonces, {});
  for (const [n, t] of Object.entries(seen)) if (now - t > 2 * JOIN_SKEW_MS) delete seen[n];
  if (seen[nonce] !== undefined) return false;
  seen[nonce] = now;
  await writeNodeFiles(root, [[CLUSTER_FILES.nonces, JSON.stringify(seen), 0o600]]);
  return true;
}

/** Tells every other member the new membership over mTLS; a member that is down catches up from the next change. */
export async function notifyMembers(host: ClusterHost, state: ClusterState, skip: string[], also: Member[] = []): Promise<void> {
  const tls = tlsIdentity(host.root);
  for (const m of [...state.members, ...also]) {
    if (skip.includes(m.name)) continue;
    try {
      const r = await mtlsPost(host.root, memberUrl(m.address), '/v1/members', state, tls);
      if (r.status !== 200) host.events.warn(`member ${m.name} refused the membership update: ${String(r.body.message)}`, { step: 'notify' });
    } catch (err) {
      host.events.warn(`member ${m.name} (${m.address}) did not take the membership update: ${(err as Error).message}`, { step: 'notify' });
    }
  }
}

/** The CA holder's side of a join: every check before any change, then sign, record, tell the others. */
export async function handleJoin(host: ClusterHost, raw: unknown, source: string, now = new Date()): Promise<Reply> {
  const root = host.root;
  const req = (raw ?? {}) as Partial<JoinRequest>;
  const log = (result: string, extra: Record<string, unknown> = {}) => {
    logAttempt(root, { source, name: req.name, token: typeof req.token === 'string' ? tokenId(req.token) : undefined, result, ...extra });
    host.events.info(`join attempt from ${source} (${String(req.name)}): ${result}`, { step: 'join' });
  };
  if (!readNode(root, CLUSTER_FILES.caKey)) {
    log('refused: not the CA holder');
    return fail(409, 'E_JOIN_NOT_CA', 'this member does not hold the cluster CA', 'use the join endpoint of the node that founded the cluster');
  }
  const bad =
    identityProblem(req) ??
    (typeof req.csr !== 'string' || typeof req.token !== 'string' || typeof req.sshHostKey !== 'string' ? 'token, csr and sshHostKey are required' : undefined);
  if (bad) {
    log(`refused: ${bad}`);
    return fail(400, 'E_JOIN_REQUEST', bad);
  }
  const sent = Date.parse(String(req.time));
  if (
    typeof req.nonce !== 'string' ||
    !/^[0-9a-f]{64}$/.test(req.nonce) ||
    !(Math.abs(now.getTime() - sent) <= JOIN_SKEW_MS) ||
    !(await freshNonce(root, req.nonce, now.getTime()))
  ) {
    log('refused: replayed or stale request');
    return fail(400, 'E_JOIN_REPLAY', 'the join request was replayed or is too old', "each join sends a fresh nonce; check the joining node's clock");
  }
  const id = { name: req.name!, fqdn: req.fqdn!, address: req.address! };
  let key: string;
  try {
    key = keyHash(await csrPublicKey(req.csr!));
  } catch {
    log('refused: bad CSR');
    return fail(400, 'E_CLUSTER_CSR', 'the certificate request is not valid');
  }
  const state = requireState(root);
  const same = state.members.find((m) => m.name === id.name);
  const clash = state.members.find((m) => (m.name === id.name && m.key !== key) || (m.name !== id.name && (m.address === id.address || m.fqdn === id.fqdn)));
  if (clash) {
    log(`refused: name clash with ${clash.name}`);
    return fail(
      409,
      'E_JOIN_NAME_CLASH',
      `a member named ${clash.name} (${clash.address}) already uses this name or address`,
      'give the node another hostname or address, or remove the old member: debvisor cluster remove NODE',
    );
  }
  try {
    await consumeToken(root, req.token!, { name: id.name, key }, now);
  } catch (err) {
    if (!(err instanceof TokenError)) throw err;
    log(`refused: ${err.code}`);
    return fail(403, err.code, err.message, err.hint);
  }
  const cert = await signNodeCsr(root, req.csr!, id);
  const sshHostCert = await signHostKey(root, req.sshHostKey!, id);
  const member: Member = { ...id, nodeid: same?.nodeid ?? nextNodeId(state), serial: certInfo(cert).serial, key };
  const next: ClusterState = {
    ...state,
    configVersion: state.configVersion + 1,
    members: [...state.members.filter((m) => m.name !== id.name), member].sort((a, b) => a.nodeid - b.nodeid),
  };
  await applyMembership(host, next);
  const self = certInfo(readNode(root, CLUSTER_FILES.nodeCert)!).subject.replace(/^CN=/, '');
  // The joining node gets the membership in the reply; the others hear it now.
  await notifyMembers(host, next, [self, id.name]);
  log(same ? 'accepted (resumed)' : 'accepted', { nodeid: member.nodeid });
  const reply: JoinReply = {
    cert,
    ca: readNode(root, CLUSTER_FILES.caCert)!,
    authkey: readNodeBytes(root, CLUSTER_FILES.authkey).toString('base64'),
    sshCaPub: readNode(root, CLUSTER_FILES.sshCaPub)!,
    sshHostCert,
    state: { ...next, endpoint: undefined },
  };
  return { status: 200, body: reply as unknown as Record<string, unknown> };
}

function readNodeBytes(root: string, path: string): Buffer {
  return readFileSync(nodeFile(root, path));
}

/** Removes a member (remove or leave): revokes its certificate, updates every remaining member. Only the CA holder does this. */
export async function removeMember(host: ClusterHost, name: string): Promise<ClusterState> {
  const state = requireState(host.root);
  const gone = state.members.find((m) => m.name === name);
  if (!gone) throw new DebvisorError('E_CLUSTER_NO_MEMBER', `${name} is not a member of cluster ${state.name}`, { hint: 'see debvisor cluster nodes' });
  if (!readNode(host.root, CLUSTER_FILES.caKey))
    throw new DebvisorError('E_JOIN_NOT_CA', 'only the node that holds the cluster CA can remove members (it revokes the certificate)', {
      hint: 'run it there',
    });
  const self = certInfo(readNode(host.root, CLUSTER_FILES.nodeCert)!).subject.replace(/^CN=/, '');
  if (name === self) throw new DebvisorError('E_CLUSTER_REMOVE_SELF', 'the CA holder cannot remove itself', { hint: 'remove the other members first' });
  const next: ClusterState = {
    ...state,
    configVersion: state.configVersion + 1,
    members: state.members.filter((m) => m.name !== name),
    revoked: [...new Set([...state.revoked, gone.serial])],
  };
  await applyMembership(host, next);
  // The removed node hears it too, so it can stop on its own; the others close corosync and the firewall to it.
  await notifyMembers(host, next, [self], [gone]);
  return next;
}

/** The member calling over mTLS: its certificate chains to the cluster CA, is not revoked, and names a member. */
function peerMember(req: IncomingMessage, state: ClusterState): Member | undefined {
  const sock = req.socket as TLSSocket;
  if (!sock.authorized) return undefined;
  const peer = sock.getPeerCertificate();
  const serial = String(peer.serialNumber ?? '').toUpperCase();
  if (!serial || state.revoked.includes(serial)) return undefined;
  return state.members.find((m) => m.serial === serial && peer.subject?.CN === m.name);
}

export interface JoinServerOptions {
  host: ClusterHost;
}

/** The join API (debvisor-join.service): token joins for new nodes, mTLS calls between members. */
export function createJoinServer(opts: JoinServerOptions): Server {
  const { host } = opts;
  const attempts = new Map<string, number[]>();
  // Joins, removals and membership updates read and write cluster.json: one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };
  const tls = tlsIdentity(host.root);
  const server = createServer({ key: tls.key, cert: tls.cert, ca: tls.ca, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' }, (req, res) => {
    void route(req, res).catch((err: unknown) => {
      host.events.error(`join API: ${(err as Error).message}`, { step: 'serve' });
      send(res, err instanceof DebvisorError ? { status: 400, body: { code: err.code, message: err.message } } : fail(500, 'E_INTERNAL', 'internal error'));
    });
  });
  const send = (res: ServerResponse, r: Reply) => {
    res.writeHead(r.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(r.body));
  };
  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const source = (req.socket.remoteAddress ?? 'unknown').replace(/^::ffff:(?=\d+\.)/, '');
    if (req.method !== 'POST') return send(res, fail(405, 'E_METHOD', 'POST only'));
    if (req.url === '/v1/join') {
      const now = Date.now();
      // Forget quiet sources now and then, so many senders cannot grow the table without end.
      if (attempts.size > MAX_TRACKED_SOURCES) for (const [k, v] of attempts) if (v.every((t) => now - t >= JOIN_RATE.windowMs)) attempts.delete(k);
      const recent = (attempts.get(source) ?? []).filter((t) => now - t < JOIN_RATE.windowMs);
      recent.push(now);
      attempts.set(source, recent);
      if (recent.length > JOIN_RATE.attempts) {
        logAttempt(host.root, { source, result: 'refused: rate limited' });
        return send(res, fail(429, 'E_JOIN_RATE', 'too many join attempts from this address', `wait ${JOIN_RATE.windowMs / 1000}s`));
      }
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        logAttempt(host.root, { source, result: 'refused: unreadable body' });
        return send(res, fail(400, 'E_JOIN_REQUEST', 'the request is not JSON'));
      }
      return send(res, await serial(() => handleJoin(host, body, source)));
    }
    const state = requireState(host.root);
    const peer = peerMember(req, state);
    if (!peer) {
      logAttempt(host.root, { source, path: req.url, result: 'refused: no valid member certificate' });
      return send(res, fail(401, 'E_MTLS', 'a valid, unrevoked member certificate of this cluster is required'));
    }
    if (req.url === '/v1/members') {
      // Membership changes come from the CA holder only: it is the one that signs and revokes.
      if (peer.name !== state.caHolder) return send(res, fail(403, 'E_MTLS', 'membership updates come from the CA holder only'));
      const next = JSON.parse(await readBody(req)) as ClusterState;
      const applied = await serial(() => applyMembership(host, next));
      if (
        !next.members.some((m) => readNode(host.root, CLUSTER_FILES.nodeCert) && certInfo(readNode(host.root, CLUSTER_FILES.nodeCert)!).serial === m.serial)
      ) {
        host.events.warn('this node was removed from the cluster; stopping corosync', { step: 'membership' });
        await host.stopCorosync();
      }
      return send(res, { status: 200, body: { applied } });
    }
    if (req.url === '/v1/leave') {
      const next = await serial(() => removeMember(host, peer.name));
      return send(res, { status: 200, body: { configVersion: next.configVersion } });
    }
    if (req.url === '/v1/status') return send(res, { status: 200, body: state as unknown as Record<string, unknown> });
    return send(res, fail(404, 'E_NOT_FOUND', 'no such endpoint'));
  }
  return server;
}

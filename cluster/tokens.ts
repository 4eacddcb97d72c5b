import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DebvisorError } from '../core/errors.js';
import { readNodeJson, writeNodeFiles } from './files.js';
import { CLUSTER_FILES } from './paths.js';

/** A token is `dvj1.<id>.<secret>`; only the SHA-256 of the secret is stored (the secret has 256 random bits, so a plain hash is enough). */
const TOKEN_RE = /^dvj1\.([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;
export const MAX_TOKEN_USES = 100;
export const MAX_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

export interface TokenRecord {
  id: string;
  hash: string;
  created: string;
  expires: string;
  uses: number;
  /** Who used it: node name and the SHA-256 of the node's public key (a resumed join by the same node is not a second use). */
  usedBy: { name: string; key: string }[];
  revoked: boolean;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function readTokens(root: string): TokenRecord[] {
  return readNodeJson<TokenRecord[]>(root, CLUSTER_FILES.tokens, []);
}

async function writeTokens(root: string, tokens: TokenRecord[]): Promise<void> {
  await writeNodeFiles(root, [[CLUSTER_FILES.tokens, `${JSON.stringify(tokens, null, 2)}\n`, 0o600]]);
}

export async function createToken(root: string, ttlSeconds: number, uses: number, now = new Date()): Promise<{ token: string; record: TokenRecord }> {
  if (!(ttlSeconds > 0 && ttlSeconds <= MAX_TOKEN_TTL_SECONDS)) throw new DebvisorError('E_USAGE', `--ttl must be between 1s and 7d`);
  if (!(Number.isInteger(uses) && uses >= 1 && uses <= MAX_TOKEN_USES)) throw new DebvisorError('E_USAGE', `--uses must be 1..${MAX_TOKEN_USES}`);
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const record: TokenRecord = {
    id,
    hash: sha256(secret),
    created: now.toISOString(),
    expires: new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
    uses,
    usedBy: [],
    revoked: false,
  };
  await writeTokens(root, [...readTokens(root).filter((t) => new Date(t.expires) > now), record]);
  return { token: `dvj1.${id}.${secret}`, record };
}

export async function revokeToken(root: string, id: string): Promise<boolean> {
  const tokens = readTokens(root);
  const t = tokens.find((x) => x.id === id);
  if (!t) return false;
  t.revoked = true;
  await writeTokens(root, tokens);
  return true;
}

/** The id part of a token, for logs (never the secret). */
export function tokenId(token: string): string | undefined {
  return TOKEN_RE.exec(token)?.[1];
}

/** Why a token was refused; the joining node shows the message. */
export class TokenError extends DebvisorError {
  constructor(code: string, message: string, hint: string) {
    super(code, message, { hint });
    this.name = 'TokenError';
  }
}

/**
 * Checks a token and records its use by `node` (name + key hash). The same node presenting the
 * same key again (a join resumed after a crash) does not count as a second use.
 */
export async function consumeToken(root: string, token: string, node: { name: string; key: string }, now = new Date()): Promise<TokenRecord> {
  const m = TOKEN_RE.exec(token);
  const tokens = readTokens(root);
  const t = m ? tokens.find((x) => x.id === m[1]) : undefined;
  const ok = t !== undefined && m !== null && timingSafeEqual(Buffer.from(t.hash, 'hex'), Buffer.from(sha256(m[2]!), 'hex'));
  if (!t || !ok)
    throw new TokenError('E_TOKEN_UNKNOWN', 'the join token is not valid for this cluster', 'issue a new one on a member: debvisor cluster token create');
  if (t.revoked) throw new TokenError('E_TOKEN_REVOKED', `the join token ${t.id} was revoked`, 'issue a new one on a member: debvisor cluster token create');
  if (new Date(t.expires) <= now)
    throw new TokenError('E_TOKEN_EXPIRED', `the join token ${t.id} expired at ${t.expires}`, 'issue a new one on a member: debvisor cluster token create');
  const again = t.usedBy.some((u) => u.name === node.name && u.key === node.key);
  if (!again) {
    if (t.usedBy.length >= t.uses)
      throw new TokenError('E_TOKEN_USED', `the join token ${t.id} was already used`, 'tokens are single-use unless created with --uses N; issue a new one');
    t.usedBy.push(node);
    await writeTokens(root, tokens);
  }
  return t;
}

export function keyHash(publicKeyPem: string): string {
  return sha256(publicKeyPem.trim());
}

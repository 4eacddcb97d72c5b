import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consumeToken, createToken, readTokens, revokeToken } from './tokens.js';
import { identityProblem } from './state.js';
import { renderKnownHosts } from './ssh-certs.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'debvisor-tokens-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const node = { name: 'node2', key: 'a'.repeat(64) };
const t0 = new Date('2026-01-01T00:00:00Z');

describe('join tokens', () => {
  it('are stored hashed (0600), never in clear', async () => {
    const { token, record } = await createToken(root, 3600, 1, t0);
    expect(token).toMatch(/^dvj1\.[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$/);
    const file = join(root, 'etc/debvisor/cluster/tokens.json');
    expect(readFileSync(file, 'utf8')).not.toContain(token.split('.')[2]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
  });
  it('are single-use unless told; the same node and key again is a resumed join, not a second use', async () => {
    const { token } = await createToken(root, 3600, 1, t0);
    await consumeToken(root, token, node, t0);
    await consumeToken(root, token, node, t0);
    await expect(consumeToken(root, token, { name: 'node3', key: 'b'.repeat(64) }, t0)).rejects.toMatchObject({ code: 'E_TOKEN_USED' });
    await expect(consumeToken(root, token, { name: 'node2', key: 'c'.repeat(64) }, t0)).rejects.toMatchObject({ code: 'E_TOKEN_USED' });
    const two = await createToken(root, 3600, 2, t0);
    await consumeToken(root, two.token, node, t0);
    await consumeToken(root, two.token, { name: 'node3', key: 'b'.repeat(64) }, t0);
    expect(
      readTokens(root)
        .find((t) => t.id === two.record.id)!
        .usedBy.map((u) => u.name),
    ).toEqual(['node2', 'node3']);
  });
  it('expire, can be revoked, and a wrong secret is unknown', async () => {
    const { token, record } = await createToken(root, 60, 1, t0);
    await expect(consumeToken(root, token, node, new Date(t0.getTime() + 61_000))).rejects.toMatchObject({ code: 'E_TOKEN_EXPIRED' });
    const forged = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    await expect(consumeToken(root, forged, node, t0)).rejects.toMatchObject({ code: 'E_TOKEN_UNKNOWN' });
    await expect(consumeToken(root, 'not-a-token', node, t0)).rejects.toMatchObject({ code: 'E_TOKEN_UNKNOWN' });
    expect(await revokeToken(root, record.id)).toBe(true);
    await expect(consumeToken(root, token, node, t0)).rejects.toMatchObject({ code: 'E_TOKEN_REVOKED' });
    expect(await revokeToken(root, 'ffffffffffffffff')).toBe(false);
  });
  it('have bounded lifetimes and use counts', async () => {
    await expect(createToken(root, 0, 1)).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(createToken(root, 3600, 0)).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(createToken(root, 30 * 86400, 1)).rejects.toMatchObject({ code: 'E_USAGE' });
  });
});

describe('node identity (it reaches certificates, corosync.conf and known_hosts)', () => {
  it('refuses what those readers would misread', () => {
    expect(identityProblem({ name: 'node1', fqdn: 'node1.lab.test', address: '10.0.0.1' })).toBeUndefined();
    expect(identityProblem({ name: 'node1', fqdn: 'node1.lab.test', address: 'fd00::1' })).toBeUndefined();
    expect(identityProblem({ name: 'Node 1', fqdn: 'n.test', address: '10.0.0.1' })).toMatch(/one DNS label/);
    expect(identityProblem({ name: 'n1\n}', fqdn: 'n.test', address: '10.0.0.1' })).toMatch(/one DNS label/);
    expect(identityProblem({ name: 'n1', fqdn: 'n,*.test', address: '10.0.0.1' })).toMatch(/FQDN/);
    expect(identityProblem({ name: 'n1', fqdn: 'n.test', address: '10.0.0.1/24' })).toMatch(/IP address/);
    expect(identityProblem({})).toBeDefined();
  });
  it('known_hosts trusts the SSH CA for exactly the members', () => {
    const text = renderKnownHosts('ssh-ed25519 AAAA ca', [{ name: 'node1', fqdn: 'node1.lab.test', address: '10.0.0.1', nodeid: 1, serial: 'A', key: 'k' }]);
    expect(text).toContain('@cert-authority node1,node1.lab.test,10.0.0.1 ssh-ed25519 AAAA ca\n');
  });
});

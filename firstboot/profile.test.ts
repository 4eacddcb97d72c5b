import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from '../profiles/redact.js';
import { validateProfile } from '../profiles/validate.js';
import { checkedNodeProfileCache, loadNodeProfile } from './profile.js';
import { NODE_PROFILE_CACHE } from './paths.js';
import { renderSecretFiles } from './secrets.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'fb-profile-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const full = () => {
  const r = validateProfile(new URL('../test/fixtures/profiles/e2e-install.yaml', import.meta.url).pathname);
  if (!r.ok) throw new Error('fixture invalid');
  return r.profile;
};

describe('the node profile first boot reads', () => {
  it('accepts the installed copy with its secrets redacted (they live in root-only files)', async () => {
    mkdirSync(join(root, 'etc/debvisor'), { recursive: true });
    writeFileSync(join(root, 'etc/debvisor/installed-profile.yaml'), stringify(redactSecrets(full())));
    const p = await loadNodeProfile(root);
    expect(p.dns.tsig?.secret).toBe(REDACTED);
    expect(p.node.hostname).toBe('e2e-node1');
  });
  it('still refuses any other problem', async () => {
    mkdirSync(join(root, 'etc/debvisor'), { recursive: true });
    writeFileSync(join(root, 'etc/debvisor/installed-profile.yaml'), stringify({ ...redactSecrets(full()), dns: { server: 'not a host!' } }));
    await expect(loadNodeProfile(root)).rejects.toThrow(/cannot be used/);
  });
  it('the installer writes the secrets as root-only files, and nothing for redacted ones', () => {
    const files = renderSecretFiles(full());
    expect(files.map((f) => [f.path, f.mode])).toEqual([['/etc/debvisor/dns/tsig.key', 0o600]]);
    expect(files[0]!.content).toContain('key "e2e-node1.lab.example.com." {');
    expect(renderSecretFiles(redactSecrets(full()))).toEqual([]);
  });
  it('keeps the checked form of the installed copy; an unchanged file is read from it, an edited one checked again in full', async () => {
    mkdirSync(join(root, 'etc/debvisor'), { recursive: true });
    const yamlPath = join(root, 'etc/debvisor/installed-profile.yaml');
    const cachePath = join(root, NODE_PROFILE_CACHE);
    writeFileSync(yamlPath, stringify(redactSecrets(full())));
    mkdirSync(join(root, 'var/lib/debvisor/firstboot'), { recursive: true });
    writeFileSync(cachePath, await checkedNodeProfileCache(yamlPath), { mode: 0o600 });
    const checked = await loadNodeProfile(root);
    // The cache is what is read: a marker put into it shows up (the file it was made from unchanged).
    const c = JSON.parse(readFileSync(cachePath, 'utf8'));
    c.profile.node.hostname = 'from-the-cache';
    writeFileSync(cachePath, JSON.stringify(c));
    expect((await loadNodeProfile(root)).node.hostname).toBe('from-the-cache');
    // Edited: checked again in full (an error in the new text is found), and not kept unless asked.
    writeFileSync(yamlPath, stringify({ ...redactSecrets(full()), dns: { server: 'not a host!' } }));
    await expect(loadNodeProfile(root)).rejects.toThrow(/cannot be used/);
    writeFileSync(yamlPath, stringify({ ...redactSecrets(full()), node: { ...full().node, hostname: 'edited' } }));
    expect((await loadNodeProfile(root)).node.hostname).toBe('edited');
    expect(JSON.parse(readFileSync(cachePath, 'utf8')).profile.node.hostname).toBe('from-the-cache');
    expect((await loadNodeProfile(root, undefined, { keep: true })).node).toEqual(
      checked.node.hostname === 'e2e-node1' ? { ...checked.node, hostname: 'edited' } : {},
    );
    expect(JSON.parse(readFileSync(cachePath, 'utf8')).profile.node.hostname).toBe('edited');
    // Another version of the tool, or a cache that is not JSON: checked in full.
    const k = JSON.parse(readFileSync(cachePath, 'utf8'));
    writeFileSync(cachePath, JSON.stringify({ ...k, version: '0.0.0-other', profile: { ...k.profile, node: { ...k.profile.node, hostname: 'stale' } } }));
    expect((await loadNodeProfile(root)).node.hostname).toBe('edited');
    writeFileSync(cachePath, '{');
    expect((await loadNodeProfile(root)).node.hostname).toBe('edited');
    expect(existsSync(cachePath)).toBe(true);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from '../profiles/redact.js';
import { validateProfile } from '../profiles/validate.js';
import { loadNodeProfile } from './profile.js';
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
  it('accepts the installed copy with its secrets redacted (they live in root-only files)', () => {
    mkdirSync(join(root, 'etc/debvisor'), { recursive: true });
    writeFileSync(join(root, 'etc/debvisor/installed-profile.yaml'), stringify(redactSecrets(full())));
    const p = loadNodeProfile(root);
    expect(p.dns.tsig?.secret).toBe(REDACTED);
    expect(p.node.hostname).toBe('e2e-node1');
  });
  it('still refuses any other problem', () => {
    mkdirSync(join(root, 'etc/debvisor'), { recursive: true });
    writeFileSync(join(root, 'etc/debvisor/installed-profile.yaml'), stringify({ ...redactSecrets(full()), dns: { server: 'not a host!' } }));
    expect(() => loadNodeProfile(root)).toThrow(/cannot be used/);
  });
  it('the installer writes the secrets as root-only files, and nothing for redacted ones', () => {
    const files = renderSecretFiles(full());
    expect(files.map((f) => [f.path, f.mode])).toEqual([['/etc/debvisor/dns/tsig.key', 0o600]]);
    expect(files[0]!.content).toContain('key "e2e-node1.lab.example.com." {');
    expect(renderSecretFiles(redactSecrets(full()))).toEqual([]);
  });
});

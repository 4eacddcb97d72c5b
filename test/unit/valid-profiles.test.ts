import { describe, it, expect } from 'vitest';
import { readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateProfile } from '../../profiles/validate.js';
import { suiteDir } from './helpers/temp-dir.js';

const examples = new URL('../../profiles/examples/', import.meta.url);
const ED25519 = readFileSync(new URL('../fixtures/keys/ed25519.pub', import.meta.url), 'utf8').trim();
const RSA3072 = readFileSync(new URL('../fixtures/keys/rsa3072.pub', import.meta.url), 'utf8').trim();
const ECDSA = readFileSync(new URL('../fixtures/keys/ecdsa256.pub', import.meta.url), 'utf8').trim();
const YESCRYPT = '$y$j9T$acrhuYhRJDsGQYJNuubr81$YZItglN4LP/5Tq1L4hC5.Xl50yr.hpH8hMoUVdnqj9.';
const SHA512 = '$6$abcdefgh$7T8mL5qtwctPNfx521zD8p2Zf9uRhvaEU3rd9sq9b8tv3dojAdbuObJnmewBxh0iaqduMS7Vu91PwJSqrNcDp0';

/** Extra valid profiles beside the shipped examples: small ones that lean on defaults. */
const EXTRA: Record<string, string> = {
  'minimal.yaml': `version: 1\nnode: { hostname: n1, domain: example.com }\nusers:\n  admin:\n    name: ops\n    passwordHash: '${YESCRYPT}'\n    sshKeys: ['${ED25519}']\ndns: { register: false }\n`,
  'sha512-rsa-ecdsa.yaml': `version: 1\nnode: { hostname: n2, domain: example.com }\nusers:\n  admin:\n    name: ops\n    passwordHash: '${SHA512}'\n    sshKeys: ['${RSA3072}', '${ECDSA}']\ndns: { register: false }\n`,
  'ipv6-only.yaml': `version: 1\nnode: { hostname: n3, domain: example.com }\nnetwork:\n  ipv4: { method: none }\n  ipv6: { method: static, address: "2001:db8::3/64", gateway: "2001:db8::1" }\nusers:\n  admin: { name: ops, passwordHash: '${YESCRYPT}', sshKeys: ['${ED25519}'] }\ndns: { register: false }\n`,
  'firewall-model.yaml': `version: 1\nnode: { hostname: n4, domain: example.com }\nusers:\n  admin: { name: ops, passwordHash: '${YESCRYPT}', sshKeys: ['${ED25519}'] }\ndns: { register: false }\nsecurity:\n  firewall:\n    zones: { storage: { interfaces: [ens5] } }\n    ipsets: { backup: [192.0.2.0/25, 192.0.2.128-192.0.2.140, "2001:db8::/48"] }\n    aliases: { nas: 192.0.2.20 }\n    groups:\n      web: [{ action: accept, macro: Web }, { action: drop, proto: tcp, dport: "8080:8090", log: true }]\n    rules:\n      - { group: web }\n      - { action: accept, macro: Ceph, enabled: false }\n      - { action: accept, proto: tcp, dport: "2049,111", source: nas, zone: storage }\n      - { action: reject, macro: smtp, direction: out }\n`,
};

describe('valid profiles', () => {
  const files = readdirSync(examples).filter((f) => f.endsWith('.yaml'));
  it('ships the four kinds of example', () => {
    for (const f of ['standalone.yaml', 'cluster-init.yaml', 'cluster-join.yaml', 'fleet-base.yaml', 'fleet-rack-a.yaml']) expect(files).toContain(f);
  });
  for (const f of files) {
    it(`example ${f} is valid`, () => {
      const r = validateProfile(new URL(f, examples).pathname);
      expect(r.issues).toEqual([]);
      expect(r.ok).toBe(true);
    });
  }
  it('the fleet rack profile inherits and overrides through extends', () => {
    const r = validateProfile(new URL('fleet-rack-a.yaml', examples).pathname);
    if (!r.ok) throw new Error('invalid');
    expect(r.profile.install.storage.raid).toBe('raid10');
    expect(r.profile.install.storage.filesystem).toBe('zfs');
    expect(r.profile.install.disks.expect).toBe(4);
    expect(r.profile.cluster.role).toBe('join');
    expect(r.profile.firstboot.hooks[0]!.name).toBe('inventory');
    expect(r.loaded.chain.map((d) => d.file.split('/').pop())).toEqual(['fleet-rack-a.yaml', 'fleet-base.yaml']);
  });

  const dir = suiteDir('debvisor-valid-');
  for (const [name, text] of Object.entries(EXTRA)) {
    it(`${name} is valid`, () => {
      writeFileSync(join(dir, name), text);
      const r = validateProfile(join(dir, name));
      expect(r.issues).toEqual([]);
    });
  }
});

import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { ProfileSchema } from '../../profiles/schema/profile.js';
import { SINGLE_LINE_PATTERN, isHttpsUrl, KERNEL_ARG_PATTERN, GLOB_PATTERN } from '../../core/schema-helpers.js';
import { redactSecrets } from '../../profiles/redact.js';
import { applyDefaults, checkProfileShape } from '../../profiles/validate.js';
import { BuildSpecSchema } from '../../builder/spec-schema.js';
import { FirewallFileSchema } from '../../profiles/firewall/node-file.js';

type Node = Record<string, unknown>;
const ED25519 = readFileSync(new URL('../fixtures/keys/ed25519.pub', import.meta.url), 'utf8').trim();
const RSA2048 = readFileSync(new URL('../fixtures/keys/rsa2048.pub', import.meta.url), 'utf8').trim();

/** Every string schema below `s`, with its path; map keys (patternProperties) as `<key>`. */
function strings(s: Node, path: string, out: [string, Node][] = []): [string, Node][] {
  if (s.type === 'string' && !s.enum && s.const === undefined) out.push([path, s]);
  for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, Node>)) strings(v, `${path}/${k}`, out);
  for (const [k, v] of Object.entries((s.patternProperties ?? {}) as Record<string, Node>)) {
    out.push([`${path}/<key>`, { type: 'string', pattern: k }]);
    strings(v, `${path}/*`, out);
  }
  if (s.items) strings(s.items as Node, `${path}/*`, out);
  for (const v of (s.anyOf ?? []) as Node[]) strings(v, path, out);
  return out;
}

const base = { version: 1, users: { admin: { name: 'ops' } } };
const shape = (data: Node) => checkProfileShape({ ...base, ...data });

describe('every string of the profile is one line', () => {
  it('each string schema has the single-line pattern, an anchored pattern that admits no control character, or a format', () => {
    const loose = [ProfileSchema, BuildSpecSchema, FirewallFileSchema].flatMap((root) =>
      strings(root as unknown as Node, '').filter(([, s]) => {
        if (s.format !== undefined) return false;
        const p = s.pattern as string | undefined;
        if (p === SINGLE_LINE_PATTERN) return false;
        if (!p) return true;
        // Every alternative anchored, and no construct that could admit a control character
        // outside a character class: '.', \s, \S, \W, \D, or a negated class.
        const plain = p.replace(/\\[^sSWD]/g, 'e');
        if (/\[\^/.test(plain)) return true;
        const outside = plain.replace(/\[[^\]]*\]/g, 'c');
        if (/\.|\\[sSWD]/.test(outside)) return true;
        let top = outside;
        for (let prev = ''; prev !== top; ) [prev, top] = [top, top.replace(/\([^()]*\)/g, 'g')];
        return top.split('|').some((alt) => !alt.startsWith('^') || !alt.endsWith('$'));
      }),
    );
    expect(loose.map(([p, s]) => `${p} ${String(s.pattern)}`)).toEqual([]);
  });
  it('an SSH key with an embedded line break is refused by the schema (it became two authorized_keys lines)', () => {
    const f = shape({ users: { admin: { name: 'ops', sshKeys: [`${ED25519}\ncommand="/bin/sh" ${RSA2048}`] } } });
    expect(f).toContainEqual(expect.objectContaining({ path: '/users/admin/sshKeys/0', code: 'E_CONTROL_CHAR' }));
  });
  it('control characters are refused in free text, secrets and firewall comments too', () => {
    const f = shape({
      dns: { server: 'ns1\u001b[2K', tsig: { name: 'k', secret: 'abc\ndef' } },
      security: { firewall: { rules: [{ action: 'drop', proto: 'tcp', comment: 'a\u2028b' }] } },
    });
    expect(
      f
        .filter((x) => x.code === 'E_CONTROL_CHAR')
        .map((x) => x.path)
        .sort(),
    ).toEqual(['/dns/server', '/dns/tsig/secret', '/security/firewall/rules/0/comment']);
  });
});

describe('URLs, kernel arguments and globs are parsed and restricted', () => {
  it('URLs: https with a host, no user or password, no whitespace', () => {
    expect(isHttpsUrl('https://deploy.example.com:8443/hook?x=1')).toBe(true);
    for (const bad of [
      'http://deploy.example.com/',
      'https://user:pass@deploy.example.com/',
      'https://tok@h.example.com',
      'https://h.example.com/\nx',
      'https://h .example.com',
      'https://',
      'https//h',
    ])
      expect(isHttpsUrl(bad), bad).toBe(false);
    const f = shape({
      install: { progress: { webhook: { url: 'https://ops:hunter2@deploy.example.com/hook' } } },
      cluster: { role: 'join', join: { endpoint: 'https://pve1.example.com:8443\n', token: 't', caPin: `sha256:${'0'.repeat(64)}` } },
    });
    expect(f.map((x) => `${x.path} ${x.code}`).sort()).toEqual(['/cluster/join/endpoint E_SCHEMA_FORMAT', '/install/progress/webhook/url E_SCHEMA_FORMAT']);
  });
  it('kernel arguments: one token each, no spaces, quotes or leading dash', () => {
    const re = new RegExp(KERNEL_ARG_PATTERN, 'u');
    for (const ok of ['quiet', 'iommu=pt', 'console=ttyS0,115200n8', 'vfio-pci.ids=10de:1b80,10de:10f0', 'root=UUID=0b1c-2d', 'isolcpus=2-7'])
      expect(re.test(ok), ok).toBe(true);
    for (const bad of ['quiet splash', '--', '-x', 'init="/bin/sh"', "a'b", 'a\nb', 'x;reboot', '']) expect(re.test(bad), bad).toBe(false);
    expect(shape({ install: { kernelArgs: ['iommu=pt', 'init=/bin/sh -- x'] } }).map((x) => x.path)).toEqual(['/install/kernelArgs/1']);
  });
  it('disk and NIC globs: a safe charset, never starting like an option', () => {
    const re = new RegExp(GLOB_PATTERN, 'u');
    for (const ok of ['nvme-Samsung*', 'pci-0000:03:00.0-*', '52:54:00:*', 'enp3s0f[01]', 'Samsung SSD 970*', 'S4EWNX0R*']) expect(re.test(ok), ok).toBe(true);
    for (const bad of ['-rf', ' x', '$(reboot)', 'a;b', 'a`b`', 'a/../b', 'x\ny', '']) expect(re.test(bad), bad).toBe(false);
    const f = shape({ install: { disks: { match: { byId: '$(reboot)' } } }, network: { interface: { match: { name: '-eth0' } } } });
    expect(f.map((x) => x.path).sort()).toEqual(['/install/disks/match/byId', '/network/interface/match/name']);
  });
});

describe('secrets are never described in a message', () => {
  it('type errors at secret paths, or maps holding secrets, do not repeat the value', () => {
    const f = shape({
      users: { admin: { name: 'ops', passwordHash: 123456789 } },
      dns: { tsig: { name: 'k', secret: 987654321 } },
      cluster: { role: 'join', join: { endpoint: 'https://a.example.com', token: 55555555, caPin: 'K7Q2-ZP9M-TOKEN' } },
      tls: { acme: { eab: { kid: 'x', hmacKey: 4444444 } } },
      install: { progress: { webhook: 'https://hook.example.com/?key=topsecretkey' } },
    });
    expect(f.map((x) => x.path).sort()).toEqual([
      '/cluster/join/caPin',
      '/cluster/join/token',
      '/dns/tsig/secret',
      '/install/progress/webhook',
      '/tls/acme/eab/hmacKey',
      '/users/admin/passwordHash',
    ]);
    expect(JSON.stringify(f)).not.toMatch(/123456789|987654321|55555555|K7Q2|4444444|topsecretkey/);
  });
  it('profile show hides URL credentials wherever they are', () => {
    const p = applyDefaults({ ...base, firstboot: { hooks: [{ name: 'inv', run: ['curl', 'https://ops:hunter2@inv.example.com/x'] }] } });
    expect(JSON.stringify(redactSecrets(p))).not.toContain('hunter2');
    expect(redactSecrets(p).firstboot.hooks[0]!.run[1]).toBe('https://<redacted>@inv.example.com/x');
  });
});

import { describe, it, expect, afterAll } from 'vitest';
import { execa } from 'execa';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyDefaults, checkProfileShape } from '../../profiles/validate.js';
import { checkFirewall } from '../../profiles/rules/firewall.js';
import { NO_FACTS } from '../../profiles/facts.js';
import { firewallFileFrom } from '../../profiles/firewall/node-file.js';
import { compileRuleset } from '../../overlays/firewall/compile.js';

/**
 * Issue 9, point 1: every value at the edge of what the checks accept must compile to a ruleset
 * nft loads; before, a 128-character comment of non-ASCII letters, an interface name of 16
 * bytes, `*` alone or protocol 256 validated and left the node without a firewall.
 */
const dir = mkdtempSync(join(tmpdir(), 'debvisor-fw-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const group = 'g'.repeat(31);
const data = {
  version: 1,
  users: { admin: { name: 'ops' } },
  security: {
    firewall: {
      lockdown: true,
      ipsets: {
        management: ['192.0.2.0/24', '2001:db8::/32'],
        'my-hosts': ['192.0.2.128/25'],
        [`s${'x'.repeat(30)}`]: ['198.51.100.0-198.51.100.9', '::ffff:203.0.113.0/120'],
      },
      aliases: { [`a${'y'.repeat(30)}`]: '203.0.113.0/24' },
      zones: { vm: { interfaces: ['abcdefghijklmno', 'abcdefghijklmn*', 'vm.br-0_x', 'e'] }, dmz: { interfaces: ['vmbr*'] } },
      groups: {
        'web-servers': [{ action: 'accept', macro: 'Web', source: '+my-hosts' }],
        [group]: [
          { action: 'accept', proto: '255', log: true, comment: 'ü'.repeat(64) },
          { action: 'drop', proto: '0', direction: 'out', log: true },
        ],
      },
      rules: [
        { action: 'accept', proto: 'tcp', dport: '1:21,23:442,444:65535', source: `+s${'x'.repeat(30)}`, zone: 'vm', log: true, comment: '€'.repeat(42) },
        { action: 'accept', proto: 'any', source: `a${'y'.repeat(30)}`, zone: 'dmz', comment: '😀'.repeat(32) },
        { action: 'accept', macro: 'Trcrt', source: '192.0.2.0/24, 2001:db8::/32' },
        { action: 'reject', proto: 'icmpv6', source: '2001:db8::1', log: true },
        { group, source: '+management', comment: `"; flush ruleset; "` },
        { group: 'web-servers', zone: 'vm' },
      ],
    },
  },
};

describe('issue 9: values at the limits compile to a ruleset nft accepts', () => {
  it('validates, compiles and passes nft -c in an empty network namespace', async () => {
    expect(checkProfileShape(data)).toEqual([]);
    const p = applyDefaults(data);
    expect(checkFirewall(p, NO_FACTS)).toEqual([]);
    const file = join(dir, 'ruleset.nft');
    writeFileSync(file, compileRuleset(firewallFileFrom(p)));
    const r = await execa('unshare', ['-n', 'nft', '-c', '-f', file], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
  });
});

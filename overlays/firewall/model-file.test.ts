import { describe, it, expect } from 'vitest';
import { stringify } from 'yaml';
import { parseFirewallFile } from './model-file.js';
import { firewallFileFrom, type FirewallFile } from '../../profiles/firewall/node-file.js';
import { applyDefaults } from '../../profiles/validate.js';

/** /etc/debvisor/firewall.yaml is edited by operators: it gets the same checks as a profile. */
describe('issue 9: the firewall model file refuses what nft or lockdown would not survive', () => {
  const base = firewallFileFrom(
    applyDefaults({ version: 1, users: { admin: { name: 'ops' } }, security: { firewall: { ipsets: { management: ['192.0.2.0/24'] } } } }),
  );
  const issues = (edit: (f: FirewallFile) => void) => {
    const file = structuredClone(base);
    edit(file);
    const r = parseFirewallFile('firewall.yaml', stringify(file));
    return r.ok ? [] : r.issues.map((i) => `${i.path} ${i.code}`);
  };

  it('accepts the file rendered from a valid profile', () => expect(issues(() => {})).toEqual([]));
  it('refuses comments over 128 bytes, bad interface names, protocol numbers over 255 and zone ids', () => {
    expect(
      issues((f) => {
        f.firewall.zones = { vm: { interfaces: ['*', '', 'abcdefghijklmnop', 'vmbr*'] } };
        f.firewall.rules = [
          { direction: 'in', action: 'drop', proto: 'tcp', dport: 23, comment: 'ü'.repeat(65), log: false, enabled: true },
          { direction: 'in', action: 'drop', proto: '300', log: false, enabled: true },
          { direction: 'in', action: 'drop', proto: 'tcp', dport: 23, source: 'fe80::1%eth0', log: false, enabled: true },
        ];
      }),
    ).toEqual(
      expect.arrayContaining([
        '/firewall/zones/vm/interfaces/0 E_SCHEMA_PATTERN',
        '/firewall/zones/vm/interfaces/2 E_SCHEMA_PATTERN',
        '/firewall/rules/1/proto E_SCHEMA_PATTERN',
      ]),
    );
    // The meaning checks run once the shape is right.
    expect(
      issues((f) => {
        f.firewall.rules = [
          { direction: 'in', action: 'drop', proto: 'tcp', dport: 23, comment: 'ü'.repeat(65), log: false, enabled: true },
          { direction: 'in', action: 'drop', proto: 'tcp', dport: 23, source: 'fe80::1%eth0', log: false, enabled: true },
          { direction: 'in', action: 'accept', log: false, enabled: true },
        ];
      }),
    ).toEqual(['/firewall/rules/0/comment E_FW_COMMENT_LENGTH', '/firewall/rules/1/source E_FW_ADDRESS', '/firewall/rules/2/action E_FW_ACCEPT_ANY']);
  });
  it('refuses lockdown bypasses, judged against the services the file lists', () => {
    expect(
      issues((f) => {
        f.firewall.lockdown = true;
        f.firewall.rules = [{ direction: 'in', action: 'accept', macro: 'SSH', log: false, enabled: true }];
      }),
    ).toEqual(['/firewall/rules/0 E_LOCKDOWN_BYPASS']);
    expect(
      issues((f) => {
        f.firewall.lockdown = true;
        f.firewall.ipsets.management = ['0.0.0.0/0'];
      }),
    ).toEqual(['/firewall/ipsets/management/0 E_LOCKDOWN_OPEN']);
  });
  it('refuses two services on one port', () => {
    expect(
      issues((f) => {
        f.services[0]!.ports = f.services[1]!.ports;
      }),
    ).toEqual(['/services/1/ports E_PORT_COLLISION']);
  });
});

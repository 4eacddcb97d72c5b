import { describe, it, expect } from 'vitest';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validateProfile } from '../../profiles/validate.js';
import { firewallFileFrom } from '../../profiles/firewall/node-file.js';
import { compileRuleset, compileRule, truncateBytes, banTarget, LOG_PREFIX_MAX_BYTES } from './compile.js';
import { COMMENT_MAX_BYTES } from '../../profiles/schema/firewall.js';
import type { Profile, FirewallRule } from '../../profiles/schema/profile.js';

const examples = fileURLToPath(new URL('../../profiles/examples/', import.meta.url));
const lab = fileURLToPath(new URL('../../test/fixtures/profiles/lab-node.yaml', import.meta.url));

function load(file: string): Profile {
  const r = validateProfile(file);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.profile;
}

/** Golden pairs: profile → ruleset. Regenerate on purpose with `npx vitest run -u`. */
describe('firewall compiler golden files', () => {
  const cases = [
    ...readdirSync(examples)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => [f, `${examples}${f}`]),
    ['lab-node.yaml', lab],
  ];
  for (const [name, file] of cases) {
    it(name!, async () => {
      await expect(compileRuleset(firewallFileFrom(load(file!)))).toMatchFileSnapshot(`./golden/${name!.replace('.yaml', '.nft')}`);
    });
  }
});

describe('compiler properties', () => {
  const p = load(`${examples}standalone.yaml`);
  const fw = firewallFileFrom(p).firewall;
  const rule = (r: Partial<FirewallRule>): FirewallRule => ({ direction: 'in', log: false, enabled: true, ...r });

  it('drops the blocklist before conntrack and anything else', () => {
    const text = compileRuleset(firewallFileFrom(p));
    const input = text.slice(text.indexOf('chain input'));
    expect(input.indexOf('@blocklist_v4')).toBeLessThan(input.indexOf('ct state { established, related }'));
    expect(input).toContain('policy drop;');
  });
  it('lockdown matches management ports on the management set only', () => {
    const locked = structuredClone(p);
    locked.security.firewall.lockdown = true;
    const text = compileRuleset(firewallFileFrom(locked));
    expect(text).toContain('ip saddr @management_v4 tcp dport @management_tcp accept');
    expect(text).not.toMatch(/^\t\ttcp dport @management_tcp accept/m);
  });
  it('expands a macro into one line per part, per family for ICMP', () => {
    expect(compileRule(rule({ action: 'accept', macro: 'Web' }), fw, 'in', 'r')).toEqual([
      '\t\ttcp dport 80 counter accept comment "r"',
      '\t\ttcp dport 443 counter accept comment "r"',
    ]);
    expect(compileRule(rule({ action: 'accept', macro: 'Ping', source: '192.0.2.0/24' }), fw, 'in', 'r')).toEqual([
      '\t\tip saddr 192.0.2.0/24 icmp type { echo-request } counter accept comment "r"',
    ]);
  });
  it('splits mixed-family address lists and resolves aliases and sets', () => {
    const f = { ...fw, aliases: { nas: '192.0.2.20' }, ipsets: { ...fw.ipsets, backup: ['2001:db8::/48'] } };
    const lines = compileRule(rule({ action: 'accept', proto: 'tcp', dport: '22,2049:2050', source: 'nas, 2001:db8::1, +backup' }), f, 'in', 'r');
    expect(lines).toEqual([
      '\t\tip saddr @backup_v4 tcp dport { 22, 2049-2050 } counter accept comment "r"',
      '\t\tip6 saddr @backup_v6 tcp dport { 22, 2049-2050 } counter accept comment "r"',
      '\t\tip saddr 192.0.2.20 tcp dport { 22, 2049-2050 } counter accept comment "r"',
      '\t\tip6 saddr 2001:db8::1 tcp dport { 22, 2049-2050 } counter accept comment "r"',
    ]);
  });
  it('rejects TCP with a reset, logs rate-limited before the verdict, keeps disabled rules out', () => {
    expect(compileRule(rule({ action: 'reject', proto: 'tcp', dport: 7000, log: true }), fw, 'in', 'r')).toEqual([
      '\t\ttcp dport 7000 limit rate 1/second burst 5 packets log prefix "debvisor r: " level info',
      '\t\ttcp dport 7000 counter reject with tcp reset comment "r"',
    ]);
    expect(compileRule(rule({ action: 'accept', macro: 'SSH', enabled: false }), fw, 'in', 'r')).toEqual(['\t\t# r: disabled']);
  });
  it('never lets a comment break out of its quotes', () => {
    const [line] = compileRule(rule({ action: 'accept', macro: 'SSH', comment: 'say "hi"; flush ruleset' }), fw, 'in', 'r');
    expect(line).toBe('\t\ttcp dport 22 counter accept comment "r: say \'hi\'; flush ruleset"');
  });
});

describe('issue 9: compiled values stay within what nft takes', () => {
  const p = load(`${examples}standalone.yaml`);
  const fw = firewallFileFrom(p).firewall;
  const rule = (r: Partial<FirewallRule>): FirewallRule => ({ direction: 'in', log: false, enabled: true, ...r });
  const commentOf = (line: string) => /comment "([^"]*)"$/.exec(line)![1]!;

  it('cuts a comment at 128 bytes of UTF-8, never inside a character, and drops control characters', () => {
    const [line] = compileRule(
      rule({ action: 'drop', proto: 'tcp', dport: 23, comment: `é${'€'.repeat(60)}` }),
      fw,
      'in',
      'group some-long-group-name rule 4095',
    );
    const c = commentOf(line!);
    expect(Buffer.byteLength(c)).toBeLessThanOrEqual(COMMENT_MAX_BYTES);
    expect(c.endsWith('€')).toBe(true);
    const [ctl] = compileRule(rule({ action: 'drop', proto: 'tcp', dport: 23, comment: 'a\u0007b\u001b[2Jc\u2028d' }), fw, 'in', 'r');
    expect(commentOf(ctl!)).toBe('r: a b [2Jc d');
  });
  it('keeps a log prefix under 128 bytes', () => {
    const lines = compileRule(rule({ action: 'drop', proto: 'tcp', dport: 23, log: true }), fw, 'in', `group ${'g'.repeat(31)} rule 4095 ${'x'.repeat(120)}`);
    expect(Buffer.byteLength(/log prefix "([^"]*)"/.exec(lines[0]!)![1]!)).toBeLessThanOrEqual(LOG_PREFIX_MAX_BYTES);
  });
  it('compiles proto: any to no protocol match', () => {
    expect(compileRule(rule({ action: 'accept', proto: 'any', source: '192.0.2.0/24' }), fw, 'in', 'r')).toEqual([
      '\t\tip saddr 192.0.2.0/24 counter accept comment "r"',
    ]);
  });
  it('resolves aliases from the model only, never from Object.prototype', () => {
    expect(compileRule(rule({ action: 'drop', proto: 'tcp', dport: 23, source: 'constructor' }), { ...fw, aliases: {} }, 'in', 'r')).toEqual([]);
  });
  it('truncateBytes keeps whole characters', () => {
    expect(truncateBytes('aé😀', 3)).toBe('aé');
    expect(truncateBytes('aé😀', 6)).toBe('aé');
    expect(truncateBytes('aé😀', 7)).toBe('aé😀');
  });
});

describe('issue 9: ban targets mean what they say', () => {
  it('takes addresses and exact networks, not host bits, zone ids or a whole family', () => {
    expect(banTarget('192.0.2.7')).toEqual({ family: 'ipv4', value: '192.0.2.7' });
    expect(banTarget(' 2001:db8::/32 ')).toEqual({ family: 'ipv6', value: '2001:db8::/32' });
    for (const bad of ['10.0.0.5/8', 'fe80::1%eth0', '0.0.0.0/0', '::/0', '192.0.2.1 ; flush ruleset']) expect(banTarget(bad), bad).toBeUndefined();
  });
});

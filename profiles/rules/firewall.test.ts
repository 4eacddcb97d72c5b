import { describe, it, expect } from 'vitest';
import { checkFirewallModel } from './firewall.js';
import { applyDefaults, checkProfileShape } from '../validate.js';
import { FIREWALL_LIMITS } from '../schema/firewall.js';
import { defaultServices } from '../firewall/services.js';

const model = (ipsets: Record<string, string[]>) =>
  applyDefaults({ version: 1, users: { admin: { name: 'ops' } }, security: { firewall: { ipsets } } }).security.firewall;

describe('IP set overlap check', () => {
  it('flags every entry inside an earlier wide one', () => {
    const f = checkFirewallModel(model({ s: ['10.0.0.0/8', '10.1.0.0/16', '192.0.2.1', '10.2.0.0/16'] }), '/fw');
    expect(f.map((x) => x.path)).toEqual(['/fw/ipsets/s/1', '/fw/ipsets/s/3']);
    expect(f[0]!.message).toContain("overlaps entry 0 ('10.0.0.0/8')");
  });
  it('accepts adjacent ranges and the same addresses in different families or sets', () => {
    expect(checkFirewallModel(model({ a: ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0-10.0.2.9', '::/0'], b: ['10.0.0.0/24'] }), '/fw')).toEqual([]);
  });
  it('finds an overlap whatever the order', () => {
    const f = checkFirewallModel(model({ s: ['10.0.5.7', '10.0.5.0-10.0.5.9'] }), '/fw');
    expect(f.map((x) => x.path)).toEqual(['/fw/ipsets/s/1']);
  });
});

const fwModel = (firewall: Record<string, unknown>) =>
  applyDefaults({ version: 1, users: { admin: { name: 'ops' } }, security: { firewall } }).security.firewall;
const codes = (f: { code: string }[]) => f.map((x) => x.code);

describe('issue 9: rules that say one thing and compile to another', () => {
  it('accepts proto: any as the explicit spelling of every protocol', () => {
    expect(codes(checkFirewallModel(fwModel({ rules: [{ action: 'accept', proto: 'any', source: '192.0.2.0/24' }] }), '/fw'))).toEqual([]);
    expect(codes(checkFirewallModel(fwModel({ rules: [{ action: 'accept', source: '192.0.2.0/24' }] }), '/fw'))).toEqual(['E_FW_ACCEPT_ANY']);
    // drop and reject without a protocol close more, never open more.
    expect(codes(checkFirewallModel(fwModel({ rules: [{ action: 'drop', source: '192.0.2.0/24' }] }), '/fw'))).toEqual([]);
  });
  it('counts comment length in bytes, as nft does', () => {
    expect(codes(checkFirewallModel(fwModel({ rules: [{ action: 'drop', proto: 'tcp', dport: 23, comment: 'é'.repeat(64) }] }), '/fw'))).toEqual([]);
    expect(codes(checkFirewallModel(fwModel({ rules: [{ action: 'drop', proto: 'tcp', dport: 23, comment: 'é'.repeat(65) }] }), '/fw'))).toEqual([
      'E_FW_COMMENT_LENGTH',
    ]);
  });
  it('refuses zone ids wherever an address is taken', () => {
    const f = checkFirewallModel(
      fwModel({ aliases: { gw: 'fe80::1%eth0' }, ipsets: { s: ['fe80::1%1'] }, rules: [{ action: 'accept', macro: 'SSH', dest: 'fe80::2%eth0' }] }),
      '/fw',
    );
    expect(codes(f).sort()).toEqual(['E_FW_ADDRESS', 'E_FW_ALIAS', 'E_IPSET_ENTRY']);
  });
  it('finds families that cannot match, through aliases, sets and group references', () => {
    const f = checkFirewallModel(
      fwModel({
        aliases: { v6host: '2001:db8::5' },
        ipsets: { v4only: ['192.0.2.0/24'] },
        groups: { nd: [{ action: 'accept', macro: 'NeighborDiscovery' }] },
        rules: [
          { action: 'accept', proto: 'tcp', dport: 22, source: '192.0.2.1', dest: 'v6host' },
          // A set matches in both families (an empty family set matches nothing, but compiles).
          { action: 'accept', proto: 'tcp', dport: 22, source: '+v4only', dest: 'v6host' },
          { action: 'accept', macro: 'Ping', source: 'v6host' },
          { group: 'nd', source: '192.0.2.0/24' },
        ],
      }),
      '/fw',
    );
    expect(f.map((x) => `${x.path} ${x.code}`)).toEqual(['/fw/rules/0/dest E_FW_FAMILY', '/fw/rules/3/group E_FW_FAMILY']);
  });
  it('refuses options a group reference would ignore', () => {
    const f = checkFirewallModel(
      fwModel({ groups: { web: [{ action: 'accept', macro: 'Web' }] }, rules: [{ group: 'web', sport: 1024, log: true, direction: 'out' }] }),
      '/fw',
    );
    expect(f.map((x) => `${x.path} ${x.code}`).sort()).toEqual([
      '/fw/rules/0/direction E_FW_GROUP_OPTION',
      '/fw/rules/0/group E_FW_GROUP_AND_ACTION',
      '/fw/rules/0/log E_FW_GROUP_OPTION',
    ]);
  });
  it('does not take names from Object.prototype', () => {
    const f = checkFirewallModel(
      fwModel({
        rules: [
          { group: 'constructor' },
          { action: 'accept', macro: 'SSH', source: 'constructor' },
          { action: 'accept', macro: 'SSH', source: '+constructor' },
        ],
      }),
      '/fw',
    );
    expect(codes(f)).toEqual(['E_FW_UNKNOWN_GROUP', 'E_FW_UNKNOWN_ALIAS', 'E_FW_UNKNOWN_SET']);
  });
});

describe('issue 9: lockdown cannot be defeated quietly', () => {
  const services = defaultServices(applyDefaults({ version: 1, users: { admin: { name: 'ops' } } }));
  const locked = (extra: Record<string, unknown>) => fwModel({ lockdown: true, ipsets: { management: ['192.0.2.0/24'] }, ...extra });
  const bypass = (extra: Record<string, unknown>) =>
    checkFirewallModel(locked(extra), '/fw', services)
      .filter((x) => x.code === 'E_LOCKDOWN_BYPASS')
      .map((x) => x.path);

  it('refuses accepting a management port from anywhere', () => {
    expect(bypass({ rules: [{ action: 'accept', macro: 'SSH' }] })).toEqual(['/fw/rules/0']);
    expect(bypass({ rules: [{ action: 'accept', proto: 'tcp', sport: '1024:65535' }] })).toEqual(['/fw/rules/0']);
    expect(bypass({ rules: [{ action: 'accept', proto: '6' }] })).toEqual(['/fw/rules/0']);
    expect(bypass({ rules: [{ action: 'accept', proto: 'any' }] })).toEqual(['/fw/rules/0']);
    expect(bypass({ aliases: { all: '0.0.0.0/0' }, rules: [{ action: 'accept', proto: 'tcp', dport: '5901', source: 'all' }] })).toEqual(['/fw/rules/0']);
    expect(
      bypass({ ipsets: { management: ['192.0.2.0/24'], world: ['::/1', '8000::/1'] }, rules: [{ action: 'accept', macro: 'HTTPS', source: '+world' }] }),
    ).toEqual(['/fw/rules/0']);
  });
  it('lets through what lockdown allows: other ports, a restricted source, drops, outbound, disabled rules', () => {
    expect(
      bypass({
        rules: [
          { action: 'accept', proto: 'tcp', dport: 9100 },
          { action: 'accept', macro: 'SSH', source: '198.51.100.0/24' },
          { action: 'drop', macro: 'SSH' },
          { action: 'accept', macro: 'SSH', direction: 'out' },
          { action: 'accept', macro: 'SSH', enabled: false },
          { action: 'accept', macro: 'Ping' },
        ],
      }),
    ).toEqual([]);
  });
  it('follows group references once per group', () => {
    const groups = { admin: [{ action: 'accept', macro: 'SSH' }] };
    expect(bypass({ groups, rules: [{ group: 'admin' }, { group: 'admin', source: '+management' }, { group: 'admin' }] })).toEqual([
      '/fw/rules/0/group',
      '/fw/rules/2/group',
    ]);
  });
  it('refuses a management set that covers a whole family, and only under lockdown', () => {
    const open = checkFirewallModel(locked({ ipsets: { management: ['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/2'] } }), '/fw', services);
    expect(open.map((x) => `${x.path} ${x.code}`)).toEqual(['/fw/ipsets/management E_LOCKDOWN_OPEN']);
    expect(codes(checkFirewallModel(fwModel({ ipsets: { management: ['0.0.0.0/0'] } }), '/fw', services))).toEqual([]);
  });
});

describe('issue 9: the checks stay linear in the size of the model', () => {
  /** Counts how often a map of the model is enumerated: once per rule was the quadratic part. */
  function counted<T extends object>(target: T): { proxy: T; count: () => number } {
    let n = 0;
    const proxy = new Proxy(target, {
      ownKeys(t) {
        n++;
        return Reflect.ownKeys(t);
      },
    });
    return { proxy, count: () => n };
  }
  it('enumerates sets and aliases a fixed number of times, however many rules there are', () => {
    const enumerations = (rules: number) => {
      const fw = fwModel({
        aliases: { a: '192.0.2.1', b: '192.0.2.2' },
        ipsets: { s: ['198.51.100.0/24'] },
        rules: Array.from({ length: rules }, (_, i) => ({ action: 'accept', proto: 'tcp', dport: 1000 + i, source: i % 2 ? 'a, +s' : 'b, +management' })),
      });
      const sets = counted(fw.ipsets);
      const aliases = counted(fw.aliases);
      expect(checkFirewallModel({ ...fw, ipsets: sets.proxy, aliases: aliases.proxy }, '/fw')).toEqual([]);
      return sets.count() + aliases.count();
    };
    expect(enumerations(200)).toBe(enumerations(2));
  });
  it('computes "did you mean" for a bounded number of misses', () => {
    const fw = fwModel({
      aliases: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`host${i}`, `192.0.2.${i}`])),
      rules: Array.from({ length: 100 }, (_, i) => ({ action: 'drop', source: `hots${i % 50}` })),
    });
    const f = checkFirewallModel(fw, '/fw');
    expect(f).toHaveLength(100);
    expect(f.filter((x) => x.hint?.startsWith('did you mean')).length).toBeLessThanOrEqual(20);
  });
  it('refuses absurd counts in the schema, with the limit in the message', () => {
    const rules = Array.from({ length: FIREWALL_LIMITS.rules + 1 }, () => ({ action: 'drop', proto: 'tcp', dport: 1 }));
    const f = checkProfileShape({ version: 1, users: { admin: { name: 'ops' } }, security: { firewall: { rules } } });
    expect(f.map((x) => `${x.path} ${x.message}`)).toContain(`/security/firewall/rules allows at most ${FIREWALL_LIMITS.rules} entries`);
    // and the rules spend no time on a list the schema refused
    expect(checkFirewallModel(fwModel({ rules: rules.map(() => ({ action: 'accept' })) }), '/fw')).toEqual([]);
  });
});

import { describe, it, expect } from 'vitest';
import { checkFirewallModel } from './firewall.js';
import { applyDefaults } from '../validate.js';

const model = (ipsets: Record<string, string[]>) => applyDefaults({ version: 1, users: { admin: { name: 'ops' } }, security: { firewall: { ipsets } } }).security.firewall;

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

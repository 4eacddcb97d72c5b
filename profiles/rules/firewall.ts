import { parseSetEntry, parseIp, parseCidr, rangeBounds } from '../../core/net.js';
import { findMacro, MACRO_NAMES } from '../../overlays/firewall/macros.js';
import { parsePortSpec } from '../../overlays/firewall/ports.js';
import { didYouMean } from '../suggest.js';
import { finding, type Rule } from './types.js';
import type { Finding } from '../issue.js';
import type { FirewallModel, FirewallRule } from '../schema/profile.js';

/** Sets every node has, whether or not the profile lists entries. */
export const BUILTIN_SETS = ['management', 'cluster', 'blocklist'] as const;
const PORT_PROTOS = ['tcp', 'udp', 'sctp'];

function checkAddressSpec(fw: FirewallModel, spec: string, path: string): Finding[] {
  const out: Finding[] = [];
  const sets = new Set([...BUILTIN_SETS, ...Object.keys(fw.ipsets)]);
  const aliases = Object.keys(fw.aliases);
  for (const raw of spec.split(',')) {
    const item = raw.trim();
    if (item.startsWith('+')) {
      const name = item.slice(1);
      if (!sets.has(name)) out.push(finding(path, 'E_FW_UNKNOWN_SET', `IP set '${name}' is not defined`, didYouMean(name, [...sets], `define it under security.firewall.ipsets, or use one of: ${[...sets].join(', ')}`)));
    } else if (/^[a-z][a-z0-9_-]*$/.test(item) && !parseIp(item)) {
      if (!aliases.includes(item)) out.push(finding(path, 'E_FW_UNKNOWN_ALIAS', `alias '${item}' is not defined`, didYouMean(item, aliases, 'define it under security.firewall.aliases, or write an address')));
    } else if (!parseSetEntry(item)) {
      out.push(finding(path, 'E_FW_ADDRESS', `'${item}' is not an address, CIDR, range, +set or alias`, 'for example 192.0.2.0/24, 2001:db8::1, 10.0.0.1-10.0.0.9 or +management'));
    }
  }
  return out;
}

function checkRule(fw: FirewallModel, r: FirewallRule, path: string, inGroup: boolean): Finding[] {
  const out: Finding[] = [];
  if (r.group !== undefined) {
    if (inGroup) out.push(finding(`${path}/group`, 'E_FW_NESTED_GROUP', 'a security group cannot include another group'));
    else if (!(r.group in fw.groups)) out.push(finding(`${path}/group`, 'E_FW_UNKNOWN_GROUP', `security group '${r.group}' is not defined`, didYouMean(r.group, Object.keys(fw.groups), 'define it under security.firewall.groups')));
    if (r.action !== undefined || r.macro !== undefined || r.proto !== undefined || r.dport !== undefined) {
      out.push(finding(`${path}/group`, 'E_FW_GROUP_AND_ACTION', 'a rule with group takes its actions from the group', 'remove action, macro, proto and dport, or remove group'));
    }
    return out;
  }
  if (r.action === undefined) out.push(finding(path, 'E_FW_NO_ACTION', 'the rule has neither action nor group', 'add action: accept, drop or reject'));
  if (r.macro !== undefined) {
    if (!findMacro(r.macro)) out.push(finding(`${path}/macro`, 'E_FW_UNKNOWN_MACRO', `unknown macro '${r.macro}'`, didYouMean(r.macro, MACRO_NAMES, 'see the macro list in docs/firewall.md')));
    if (r.proto !== undefined || r.dport !== undefined) out.push(finding(`${path}/macro`, 'E_FW_MACRO_AND_PORTS', 'a macro sets protocol and ports itself', 'remove proto and dport, or remove macro'));
  }
  for (const key of ['dport', 'sport'] as const) {
    const v = r[key];
    if (v === undefined) continue;
    const parsed = parsePortSpec(v);
    if (!parsed.ok) out.push(finding(`${path}/${key}`, 'E_FW_PORT', parsed.reason, 'ports are 1-65535: 22, 80,443 or 5900:5999'));
    if (r.macro === undefined && !PORT_PROTOS.includes(r.proto ?? '')) out.push(finding(`${path}/${key}`, 'E_FW_PORT_PROTO', `${key} needs proto tcp, udp or sctp`, 'add proto: tcp (or udp)'));
  }
  if (r.source !== undefined) out.push(...checkAddressSpec(fw, r.source, `${path}/source`));
  if (r.dest !== undefined) out.push(...checkAddressSpec(fw, r.dest, `${path}/dest`));
  if (r.zone !== undefined && !fw.zones[r.zone]) out.push(finding(`${path}/zone`, 'E_FW_UNKNOWN_ZONE', `zone '${r.zone}' has no interfaces`, `bind it under security.firewall.zones.${r.zone}.interfaces`));
  return out;
}

export const checkFirewall: Rule = (p) => checkFirewallModel(p.security.firewall, '/security/firewall');

/** The firewall checks on their own, for profiles and for the runtime's firewall.yaml. */
export function checkFirewallModel(fw: FirewallModel, base: string): Finding[] {
  const out: Finding[] = [];
  for (const [name, entries] of Object.entries(fw.ipsets)) {
    const parsed: { lo: bigint; hi: bigint; family: string; i: number }[] = [];
    entries.forEach((e, i) => {
      const r = parseSetEntry(e);
      const path = `${base}/ipsets/${name}/${i}`;
      if (!r) {
        out.push(finding(path, 'E_IPSET_ENTRY', `'${e}' is not an address, CIDR or range`, 'for example 192.0.2.10, 192.0.2.0/24, 2001:db8::/64 or 10.0.0.1-10.0.0.9'));
        return;
      }
      const c = parseCidr(e);
      if (c && c.addr.toString() !== r.first.toString()) {
        out.push(finding(path, 'E_IPSET_HOST_BITS', `'${e}' has host bits set`, `did you mean ${r.first.toString()}/${c.bits}?`));
        return;
      }
      const [lo, hi] = rangeBounds(r);
      parsed.push({ lo, hi, family: r.family, i });
    });
    // Sorted by start, an entry can only overlap its predecessor's reach: n log n for large sets.
    parsed.sort((a, b) => (a.family === b.family ? (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : a.i - b.i) : a.family < b.family ? -1 : 1));
    let reach: (typeof parsed)[number] | undefined;
    const clashes: [number, number][] = [];
    for (const cur of parsed) {
      if (reach && reach.family === cur.family && cur.lo <= reach.hi) clashes.push([Math.min(reach.i, cur.i), Math.max(reach.i, cur.i)]);
      if (!reach || reach.family !== cur.family || cur.hi > reach.hi) reach = cur;
    }
    for (const [first, second] of clashes.sort((a, b) => a[1] - b[1])) {
      out.push(finding(`${base}/ipsets/${name}/${second}`, 'E_IPSET_OVERLAP', `'${entries[second]}' overlaps entry ${first} ('${entries[first]}') of the same set`, 'remove one of them or merge them into one CIDR'));
    }
  }
  for (const [name, value] of Object.entries(fw.aliases)) {
    if (!parseIp(value) && !parseCidr(value)) out.push(finding(`${base}/aliases/${name}`, 'E_FW_ALIAS', `alias '${name}' is '${value}', not an address or CIDR`));
  }
  if (fw.lockdown && (fw.ipsets.management ?? []).length === 0) {
    out.push(finding(`${base}/lockdown`, 'E_LOCKDOWN_EMPTY', 'lockdown is on but the management IP set is empty: nobody could reach SSH or the panel', 'add your admin networks to security.firewall.ipsets.management'));
  }
  fw.rules.forEach((r, i) => out.push(...checkRule(fw, r, `${base}/rules/${i}`, false)));
  for (const [name, rules] of Object.entries(fw.groups)) {
    rules.forEach((r, i) => out.push(...checkRule(fw, r, `${base}/groups/${name}/${i}`, true)));
  }
  return out;
}

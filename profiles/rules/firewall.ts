import { parseIp, parseCidr, parseSetEntry, rangeBounds, hasHostBits, networkOf, type Family } from '../../core/net.js';
import { findMacro, MACRO_NAMES } from '../firewall/macros.js';
import { parsePortSpec } from '../firewall/ports.js';
import { defaultServices, type Service } from '../firewall/services.js';
import { COMMENT_MAX_BYTES, FIREWALL_LIMITS } from '../schema/firewall.js';
import { finding, type Rule } from './types.js';
import {
  FAMILIES,
  FAMILY_NAME,
  checkAddressSpec,
  coversFamily,
  indexModel,
  suggest,
  sweepSet,
  type AddressInfo,
  type ModelIndex,
  type SetEntry,
} from './firewall-addresses.js';
import { managementHits, protoFamilies, ruleParts } from './firewall-lockdown.js';
import type { Finding } from '../../core/issue.js';
import type { FirewallModel, FirewallRule } from '../schema/profile.js';

const PORT_PROTOS = ['tcp', 'udp', 'sctp'];
const LOCKDOWN_HINT = 'add source: +management (or a narrower source) so lockdown still holds, or turn lockdown off';

const families = (s: Set<Family>) => [...s].map((f) => FAMILY_NAME[f]).join(' and ');
const both = (a: Set<Family>, b: Set<Family>) => new Set([...a].filter((f) => b.has(f)));
/** Families a side lets through unrestricted: every family when it is not given. */
const openOf = (spec: string | undefined, info: AddressInfo | undefined) => (spec === undefined ? new Set(FAMILIES) : (info?.open ?? new Set<Family>()));
const allOf = (spec: string | undefined, info: AddressInfo | undefined) => (spec === undefined ? new Set(FAMILIES) : (info?.families ?? new Set<Family>()));

/** What a checked rule can match, for the checks that look at several rules together. */
interface Checked {
  ok: boolean;
  /** Families a packet of the rule can have; empty when it can never match. */
  families: Set<Family>;
  /** Families from which it accepts any source. */
  openFrom: Set<Family>;
}

function checkComment(r: FirewallRule, path: string, out: Finding[]): void {
  if (r.comment !== undefined && Buffer.byteLength(r.comment, 'utf8') > COMMENT_MAX_BYTES) {
    out.push(
      finding(
        `${path}/comment`,
        'E_FW_COMMENT_LENGTH',
        `the comment is ${Buffer.byteLength(r.comment, 'utf8')} bytes long; nft takes at most ${COMMENT_MAX_BYTES}`,
        'shorten it: letters outside ASCII take two to four bytes each',
      ),
    );
  }
}

function checkAddresses(ix: ModelIndex, r: FirewallRule, path: string, out: Finding[]) {
  const src = r.source === undefined ? undefined : checkAddressSpec(ix, r.source, `${path}/source`, out);
  const dst = r.dest === undefined ? undefined : checkAddressSpec(ix, r.dest, `${path}/dest`, out);
  const ok = (src?.ok ?? true) && (dst?.ok ?? true);
  const fams = both(allOf(r.source, src), allOf(r.dest, dst));
  if (ok && src && dst && fams.size === 0) {
    out.push(
      finding(
        `${path}/dest`,
        'E_FW_FAMILY',
        `source is ${families(src.families)} only and dest ${families(dst.families)} only: no packet matches both, so the rule does nothing`,
        'use addresses of one family on both sides, or write one rule per family',
      ),
    );
  }
  return { ok, fams, src, dst };
}

function checkGroupRef(ix: ModelIndex, r: FirewallRule & { group: string }, path: string, inGroup: boolean, out: Finding[]) {
  if (inGroup) out.push(finding(`${path}/group`, 'E_FW_NESTED_GROUP', 'a security group cannot include another group'));
  else if (!Object.hasOwn(ix.fw.groups, r.group))
    out.push(
      finding(
        `${path}/group`,
        'E_FW_UNKNOWN_GROUP',
        `security group '${r.group}' is not defined`,
        suggest(ix, r.group, Object.keys(ix.fw.groups), "define it under the firewall's groups"),
      ),
    );
  if (r.action !== undefined || r.macro !== undefined || r.proto !== undefined || r.dport !== undefined || r.sport !== undefined) {
    out.push(
      finding(
        `${path}/group`,
        'E_FW_GROUP_AND_ACTION',
        'a rule with group takes its actions from the group',
        'remove action, macro, proto, dport and sport, or remove group',
      ),
    );
  }
  // The reference jumps to the group from both directions; log is the business of the group's rules.
  if (r.direction === 'out')
    out.push(
      finding(
        `${path}/direction`,
        'E_FW_GROUP_OPTION',
        'direction has no effect on a group reference: each rule of the group has its own',
        'set direction on the rules of the group and remove it here',
      ),
    );
  if (r.log)
    out.push(
      finding(`${path}/log`, 'E_FW_GROUP_OPTION', 'log has no effect on a group reference', 'set log: true on the rules of the group and remove it here'),
    );
  checkComment(r, path, out);
  const a = checkAddresses(ix, r, path, out);
  if (r.zone !== undefined && !ix.fw.zones[r.zone])
    out.push(finding(`${path}/zone`, 'E_FW_UNKNOWN_ZONE', `zone '${r.zone}' has no interfaces`, `bind it under the firewall's zones.${r.zone}.interfaces`));
  return a;
}

function checkRule(ix: ModelIndex, r: FirewallRule, path: string, out: Finding[]): Checked {
  if (r.action === undefined) out.push(finding(path, 'E_FW_NO_ACTION', 'the rule has neither action nor group', 'add action: accept, drop or reject'));
  if (r.action === 'accept' && r.macro === undefined && r.proto === undefined) {
    out.push(
      finding(
        `${path}/action`,
        'E_FW_ACCEPT_ANY',
        'an accept rule without macro or proto accepts every protocol and port',
        'add macro (for example SSH) or proto and dport; write proto: any if every protocol is really meant',
      ),
    );
  }
  let macroOk = true;
  if (r.macro !== undefined) {
    if (!findMacro(r.macro)) {
      macroOk = false;
      out.push(
        finding(
          `${path}/macro`,
          'E_FW_UNKNOWN_MACRO',
          `unknown macro '${r.macro}'`,
          suggest(ix, r.macro, MACRO_NAMES, 'see the macro list in docs/firewall.md'),
        ),
      );
    }
    if (r.proto !== undefined || r.dport !== undefined)
      out.push(finding(`${path}/macro`, 'E_FW_MACRO_AND_PORTS', 'a macro sets protocol and ports itself', 'remove proto and dport, or remove macro'));
    if (r.sport !== undefined)
      out.push(
        finding(
          `${path}/sport`,
          'E_FW_MACRO_AND_PORTS',
          'a macro sets protocol and ports itself: sport would be dropped',
          'remove sport, or write the rule with proto, dport and sport instead of the macro',
        ),
      );
  }
  for (const key of ['dport', 'sport'] as const) {
    const v = r[key];
    if (v === undefined || (key === 'sport' && r.macro !== undefined)) continue;
    const parsed = parsePortSpec(v);
    if (!parsed.ok) out.push(finding(`${path}/${key}`, 'E_FW_PORT', parsed.reason, 'ports are 1-65535: 22, 80,443 or 5900:5999'));
    if (r.macro === undefined && !PORT_PROTOS.includes(r.proto ?? ''))
      out.push(finding(`${path}/${key}`, 'E_FW_PORT_PROTO', `${key} needs proto tcp, udp or sctp`, 'add proto: tcp (or udp)'));
  }
  checkComment(r, path, out);
  const a = checkAddresses(ix, r, path, out);
  if (r.zone !== undefined && !ix.fw.zones[r.zone])
    out.push(finding(`${path}/zone`, 'E_FW_UNKNOWN_ZONE', `zone '${r.zone}' has no interfaces`, `bind it under the firewall's zones.${r.zone}.interfaces`));
  const parts = ruleParts(r);
  const fams = both(a.fams, protoFamilies(parts));
  if (a.ok && macroOk && a.fams.size > 0 && fams.size === 0) {
    const what = r.macro !== undefined ? `macro ${r.macro}` : `proto ${r.proto}`;
    out.push(
      finding(
        `${path}/${r.macro !== undefined ? 'macro' : 'proto'}`,
        'E_FW_FAMILY',
        `${what} exists only in ${families(protoFamilies(parts))}, but the addresses are ${families(a.fams)}: the rule does nothing`,
        'use icmp with IPv4 addresses and icmpv6 with IPv6 ones, or write one rule per family',
      ),
    );
  }
  return { ok: a.ok && macroOk, families: fams, openFrom: both(openOf(r.source, a.src), fams) };
}

function checkSets(fw: FirewallModel, base: string, out: Finding[]): Map<string, Set<Family>> {
  const covers = new Map<string, Set<Family>>();
  for (const [name, entries] of Object.entries(fw.ipsets)) {
    if (entries.length > FIREWALL_LIMITS.setEntries) continue; // refused by the schema; not worth the time
    const parsed: SetEntry[] = [];
    entries.forEach((e, i) => {
      const r = parseSetEntry(e);
      const path = `${base}/ipsets/${name}/${i}`;
      if (!r) {
        out.push(
          finding(path, 'E_IPSET_ENTRY', `'${e}' is not an address, CIDR or range`, 'for example 192.0.2.10, 192.0.2.0/24, 2001:db8::/64 or 10.0.0.1-10.0.0.9'),
        );
        return;
      }
      const c = parseCidr(e);
      if (c && hasHostBits(c)) {
        out.push(finding(path, 'E_IPSET_HOST_BITS', `'${e}' has host bits set`, `did you mean ${r.first.toString()}/${c.bits}?`));
        return;
      }
      const [lo, hi] = rangeBounds(r);
      parsed.push({ lo, hi, family: r.family, i });
    });
    const { clashes, covers: all } = sweepSet(parsed);
    covers.set(name, all);
    for (const [first, second] of clashes.sort((a, b) => a[1] - b[1])) {
      out.push(
        finding(
          `${base}/ipsets/${name}/${second}`,
          'E_IPSET_OVERLAP',
          `'${entries[second]}' overlaps entry ${first} ('${entries[first]}') of the same set`,
          'remove one of them or merge them into one CIDR',
        ),
      );
    }
  }
  return covers;
}

function checkAliases(fw: FirewallModel, base: string, out: Finding[]): void {
  for (const [name, value] of Object.entries(fw.aliases)) {
    const path = `${base}/aliases/${name}`;
    const c = parseCidr(value);
    if (!parseIp(value) && !c)
      out.push(finding(path, 'E_FW_ALIAS', `alias '${name}' is '${value}', not an address or CIDR`, 'for example 192.0.2.10, 192.0.2.0/24 or 2001:db8::/64'));
    else if (c && hasHostBits(c)) {
      const net = `${networkOf(c).toString()}/${c.bits}`;
      out.push(
        finding(
          path,
          'E_FW_ALIAS_HOST_BITS',
          `alias '${name}' is '${value}', which has host bits set: it would match all of ${net}`,
          `did you mean ${net}, or the single address ${c.addr.toString()}?`,
        ),
      );
    }
  }
}

function checkLockdown(fw: FirewallModel, base: string, covers: Map<string, Set<Family>>, out: Finding[]): void {
  if (!fw.lockdown) return;
  const management = fw.ipsets.management ?? [];
  if (management.length === 0) {
    out.push(
      finding(
        `${base}/lockdown`,
        'E_LOCKDOWN_EMPTY',
        'lockdown is on but the management IP set is empty: nobody could reach SSH or the panel',
        'add your admin networks to the management IP set',
      ),
    );
    return;
  }
  const open = covers.get('management') ?? new Set<Family>();
  if (!open.size) return;
  const whole = management.findIndex((e) => {
    const r = parseSetEntry(e);
    return r !== undefined && coversFamily(r);
  });
  const at = whole >= 0 ? `${base}/ipsets/management/${whole}` : `${base}/ipsets/management`;
  out.push(
    finding(
      at,
      'E_LOCKDOWN_OPEN',
      `the management set covers every ${families(open)} address: with lockdown on, anyone could still reach SSH and the panel`,
      'list only your admin networks in the management set, or turn lockdown off',
    ),
  );
}

export const checkFirewall: Rule = (p) => checkFirewallModel(p.security.firewall, '/security/firewall', defaultServices(p));

/**
 * The firewall checks on their own, for profiles and for the runtime's firewall.yaml, with the
 * node's services (for lockdown). Linear in the model's size: names are looked up in maps, sets
 * are sorted once, and each group is checked once however often it is referenced.
 */
export function checkFirewallModel(fw: FirewallModel, base: string, services: readonly Service[] = []): Finding[] {
  const out: Finding[] = [];
  const covers = checkSets(fw, base, out);
  checkAliases(fw, base, out);
  checkLockdown(fw, base, covers, out);
  const ix = indexModel(fw, covers);
  const lockdown = fw.lockdown && services.length > 0;
  // Per group: the families its rules can match, and its first rule that opens a management service to everyone.
  const groups = new Map<string, { families: Set<Family>; bypass?: { i: number; hits: string[]; open: Set<Family> } }>();
  for (const [name, rules] of Object.entries(fw.groups)) {
    if (rules.length > FIREWALL_LIMITS.rules) continue;
    const g: { families: Set<Family>; bypass?: { i: number; hits: string[]; open: Set<Family> } } = { families: new Set() };
    rules.forEach((r, i) => {
      const path = `${base}/groups/${name}/${i}`;
      if (r.group !== undefined) {
        checkGroupRef(ix, r as FirewallRule & { group: string }, path, true, out);
        return;
      }
      const c = checkRule(ix, r, path, out);
      for (const f of c.families) g.families.add(f);
      const hits = lockdown && c.ok ? managementHits(r, services) : [];
      if (hits.length && !g.bypass) g.bypass = { i, hits, open: c.openFrom };
    });
    groups.set(name, g);
  }
  if (fw.rules.length > FIREWALL_LIMITS.rules) return out;
  fw.rules.forEach((r, i) => {
    const path = `${base}/rules/${i}`;
    if (r.group !== undefined) {
      const a = checkGroupRef(ix, r as FirewallRule & { group: string }, path, false, out);
      const g = Object.hasOwn(fw.groups, r.group) ? groups.get(r.group) : undefined;
      if (!g || !a.ok) return;
      if (a.fams.size > 0 && g.families.size > 0 && both(a.fams, g.families).size === 0) {
        out.push(
          finding(
            `${path}/group`,
            'E_FW_FAMILY',
            `the rules of group ${r.group} match only ${families(g.families)}, but this reference's addresses are ${families(a.fams)}: it does nothing`,
            'use addresses of the family the group handles, or remove source and dest here',
          ),
        );
      }
      if (lockdown && g.bypass && r.enabled) {
        const open = both(openOf(r.source, a.src), g.bypass.open);
        if (open.size)
          out.push(
            finding(
              `${path}/group`,
              'E_LOCKDOWN_BYPASS',
              `with lockdown on, rule ${g.bypass.i} of group ${r.group} accepts ${g.bypass.hits.join(', ')} from every ${families(open)} address`,
              LOCKDOWN_HINT,
            ),
          );
      }
      return;
    }
    const c = checkRule(ix, r, path, out);
    if (!lockdown || !c.ok || !c.openFrom.size) return;
    const hits = managementHits(r, services);
    if (hits.length) {
      const from = r.source === undefined ? 'any source' : `every ${families(c.openFrom)} address`;
      out.push(finding(path, 'E_LOCKDOWN_BYPASS', `with lockdown on, this rule accepts ${hits.join(', ')} (management services) from ${from}`, LOCKDOWN_HINT));
    }
  });
  return out;
}

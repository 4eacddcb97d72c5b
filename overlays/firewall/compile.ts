import { parseSetEntry, parseIp, parseCidr, hasHostBits, type Family } from '../../core/net.js';
import type { FirewallRule } from '../../profiles/schema/profile.js';
import { COMMENT_MAX_BYTES } from '../../profiles/schema/firewall.js';
import type { FirewallFile } from '../../profiles/firewall/node-file.js';
import type { Access } from '../../profiles/firewall/services.js';
import { findMacro, type MacroPart } from '../../profiles/firewall/macros.js';
import { BLOCKLIST_SET, BUILTIN_SETS } from '../../profiles/firewall/sets.js';
import { parsePortSpec, nftPorts } from '../../profiles/firewall/ports.js';

export const TABLE = 'debvisor';
/** Where the compiled ruleset lives on the node; /etc/nftables.conf includes it at boot. */
export const RULESET_FILE = '/etc/debvisor/firewall/ruleset.nft';
/** Log lines are rate-limited so a flood cannot fill the disk (Proxmox's default: 1/s, burst 5). */
export const LOG_LIMIT = 'limit rate 1/second burst 5 packets';
/** Echo requests are answered, but not at any rate. */
export const PING_LIMIT = 'limit rate 20/second burst 50 packets';

const FAMILIES: Family[] = ['ipv4', 'ipv6'];
const SUFFIX: Record<Family, string> = { ipv4: 'v4', ipv6: 'v6' };
const MATCH: Record<Family, string> = { ipv4: 'ip', ipv6: 'ip6' };

export function setName(name: string, family: Family): string {
  return `${name}_${SUFFIX[family]}`;
}

/** nft's limit for a log prefix, in bytes (NF_LOG_PREFIXLEN less the NUL). */
export const LOG_PREFIX_MAX_BYTES = 127;

/** The longest start of `text` that fits in `max` bytes of UTF-8, never cutting a character in two. */
export function truncateBytes(text: string, max: number): string {
  if (Buffer.byteLength(text, 'utf8') <= max) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (used + n > max) break;
    out += ch;
    used += n;
  }
  return out;
}

function quote(text: string, maxBytes = COMMENT_MAX_BYTES): string {
  // nft cannot escape a double quote inside a string: swap them for single quotes. Control
  // characters become spaces; the length limit is nft's, in bytes (a label makes the text longer
  // than the comment the model allows).
  return `"${truncateBytes(text.replace(/"/g, "'").replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g, ' '), maxBytes)}"`;
}

function entriesByFamily(entries: string[]): Record<Family, string[]> {
  const out: Record<Family, string[]> = { ipv4: [], ipv6: [] };
  for (const e of entries) {
    const r = parseSetEntry(e);
    if (r) out[r.family].push(e.trim());
  }
  return out;
}

function addressSet(name: string, family: Family, elements: string[], timeout: boolean): string[] {
  const type = family === 'ipv4' ? 'ipv4_addr' : 'ipv6_addr';
  const lines = [`\tset ${setName(name, family)} {`, `\t\ttype ${type}`, `\t\tflags interval${timeout ? ',timeout' : ''}`, '\t\tauto-merge'];
  if (elements.length) lines.push(`\t\telements = { ${elements.join(', ')} }`);
  lines.push('\t}');
  return lines;
}

/** Sorted, with overlapping and adjacent ranges joined: the same port may serve two services. */
function mergeRanges(ranges: [number, number][]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function portSet(name: string, ports: string[]): string[] {
  const ranges = mergeRanges(
    ports.flatMap((p) => {
      const r = parsePortSpec(p);
      return r.ok ? r.ranges : [];
    }),
  );
  const lines = [`\tset ${name} {`, '\t\ttype inet_service', '\t\tflags interval', '\t\tauto-merge'];
  if (ranges.length) lines.push(`\t\telements = { ${ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ')} }`);
  lines.push('\t}');
  return lines;
}

/** One side of an address match: `ip saddr @management_v4` or `ip6 daddr { 2001:db8::/32 }`. */
interface AddressMatch {
  family: Family;
  expr: string;
}

function resolveAddresses(spec: string, fw: FirewallFile['firewall'], dir: 'saddr' | 'daddr'): AddressMatch[] {
  const literal: Record<Family, string[]> = { ipv4: [], ipv6: [] };
  const out: AddressMatch[] = [];
  for (const raw of spec.split(',')) {
    const item = raw.trim();
    if (item.startsWith('+')) {
      for (const f of FAMILIES) out.push({ family: f, expr: `${MATCH[f]} ${dir} @${setName(item.slice(1), f)}` });
      continue;
    }
    const value = Object.hasOwn(fw.aliases, item) ? fw.aliases[item]! : item;
    const r = parseSetEntry(value);
    if (r) literal[r.family].push(value);
  }
  for (const f of FAMILIES) {
    const l = literal[f];
    if (l.length) out.push({ family: f, expr: `${MATCH[f]} ${dir} ${l.length === 1 ? l[0] : `{ ${l.join(', ')} }`}` });
  }
  return out;
}

interface ProtoMatch {
  family?: Family;
  expr: string;
  tcp: boolean;
}

function protoMatches(rule: FirewallRule): ProtoMatch[] {
  const parts: MacroPart[] = [];
  if (rule.macro) parts.push(...(findMacro(rule.macro)?.parts ?? []));
  else if (rule.proto && rule.proto !== 'any') {
    const n = Number(rule.proto);
    const part: MacroPart = Number.isInteger(n) && /^[0-9]+$/.test(rule.proto) ? { proto: n } : { proto: rule.proto as MacroPart['proto'] };
    if (rule.dport !== undefined) part.dport = String(rule.dport);
    if (rule.sport !== undefined) part.sport = String(rule.sport);
    parts.push(part);
  }
  if (!parts.length) return [{ expr: '', tcp: false }];
  return parts.map((p) => {
    if (typeof p.proto === 'number') return { expr: `meta l4proto ${p.proto}`, tcp: p.proto === 6 };
    if (p.proto === 'icmp') return { family: 'ipv4', expr: p.types ? `icmp type { ${p.types.join(', ')} }` : 'meta l4proto icmp', tcp: false };
    if (p.proto === 'icmpv6') return { family: 'ipv6', expr: p.types ? `icmpv6 type { ${p.types.join(', ')} }` : 'meta l4proto icmpv6', tcp: false };
    const ports: string[] = [];
    const fmt = (s: string) => {
      const r = parsePortSpec(s);
      return r.ok ? nftPorts(r.ranges) : s;
    };
    if (p.sport) ports.push(`${p.proto} sport ${fmt(p.sport)}`);
    if (p.dport) ports.push(`${p.proto} dport ${fmt(p.dport)}`);
    return { expr: ports.length ? ports.join(' ') : `meta l4proto ${p.proto}`, tcp: p.proto === 'tcp' };
  });
}

function verdict(action: string, tcp: boolean): string {
  if (action === 'reject') return tcp ? 'reject with tcp reset' : 'reject with icmpx admin-prohibited';
  return action;
}

function zoneMatch(rule: FirewallRule, fw: FirewallFile['firewall'], dir: 'in' | 'out'): string {
  if (!rule.zone) return '';
  const ifaces = fw.zones[rule.zone]?.interfaces ?? [];
  const key = dir === 'in' ? 'iifname' : 'oifname';
  return ifaces.length === 1 ? `${key} ${quote(ifaces[0]!)}` : `${key} { ${ifaces.map((i) => quote(i)).join(', ')} }`;
}

/** The nft lines of one rule: one per address family and protocol part it needs. */
export function compileRule(rule: FirewallRule, fw: FirewallFile['firewall'], dir: 'in' | 'out', label: string): string[] {
  if (!rule.enabled) return [`\t\t# ${label}: disabled`];
  const srcs: (AddressMatch | undefined)[] = rule.source ? resolveAddresses(rule.source, fw, 'saddr') : [undefined];
  const dsts: (AddressMatch | undefined)[] = rule.dest ? resolveAddresses(rule.dest, fw, 'daddr') : [undefined];
  const zone = zoneMatch(rule, fw, dir);
  const comment = `comment ${quote(rule.comment ? `${label}: ${rule.comment}` : label)}`;
  const lines: string[] = [];
  for (const s of srcs) {
    for (const d of dsts) {
      if (s && d && s.family !== d.family) continue;
      const fam = s?.family ?? d?.family;
      if (rule.group) {
        const match = [zone, s?.expr, d?.expr].filter(Boolean).join(' ');
        lines.push(`\t\t${match ? `${match} ` : ''}jump group_${rule.group}_${dir} ${comment}`);
        continue;
      }
      for (const p of protoMatches(rule)) {
        if (fam && p.family && fam !== p.family) continue;
        const match = [zone, s?.expr, d?.expr, p.expr].filter(Boolean).join(' ');
        const head = match ? `${match} ` : '';
        if (rule.log) lines.push(`\t\t${head}${LOG_LIMIT} log prefix ${quote(`debvisor ${label}: `, LOG_PREFIX_MAX_BYTES)} level info`);
        lines.push(`\t\t${head}counter ${verdict(rule.action ?? 'drop', p.tcp)} ${comment}`);
      }
    }
  }
  return lines;
}

function serviceRules(file: FirewallFile): string[] {
  const lockdown = file.firewall.lockdown;
  const lines: string[] = [];
  const has = (access: Access, proto: string) => file.services.some((s) => s.proto === proto && s.access.includes(access));
  for (const proto of ['tcp', 'udp']) {
    if (has('public', proto)) lines.push(`\t\t${proto} dport @public_${proto} accept comment "public services"`);
    if (has('management', proto)) {
      if (lockdown) {
        for (const f of FAMILIES)
          lines.push(`\t\t${MATCH[f]} saddr @${setName('management', f)} ${proto} dport @management_${proto} accept comment "management services (lockdown)"`);
      } else {
        lines.push(`\t\t${proto} dport @management_${proto} accept comment "management services"`);
      }
    }
    if (has('cluster', proto)) {
      for (const f of FAMILIES)
        lines.push(`\t\t${MATCH[f]} saddr @${setName('cluster', f)} ${proto} dport @cluster_${proto} accept comment "cluster services from peers"`);
    }
  }
  return lines;
}

/** The whole ruleset: one `inet` table for IPv4 and IPv6, replaced atomically when loaded with `nft -f`. */
export function compileRuleset(file: FirewallFile): string {
  const fw = file.firewall;
  const out: string[] = [
    '#!/usr/sbin/nft -f',
    '# DebVisor node firewall, generated by `debvisor firewall compile` from /etc/debvisor/firewall.yaml.',
    '# Do not edit: change the model and run `debvisor firewall apply`.',
    '',
    '# Declaring, deleting and re-declaring the table replaces it in one transaction; other tables stay.',
    `table inet ${TABLE}`,
    `delete table inet ${TABLE}`,
    '',
    `table inet ${TABLE} {`,
  ];
  const userSets = Object.keys(fw.ipsets)
    .filter((n) => !(BUILTIN_SETS as readonly string[]).includes(n))
    .sort();
  for (const name of [...BUILTIN_SETS, ...userSets]) {
    const byFam = entriesByFamily(fw.ipsets[name] ?? []);
    for (const f of FAMILIES) out.push(...addressSet(name, f, byFam[f], name === BLOCKLIST_SET));
  }
  for (const access of ['public', 'management', 'cluster'] as const) {
    for (const proto of ['tcp', 'udp']) {
      out.push(
        ...portSet(
          `${access}_${proto}`,
          file.services.filter((s) => s.proto === proto && s.access.includes(access)).map((s) => s.ports),
        ),
      );
    }
  }
  for (const [name, rules] of Object.entries(fw.groups).sort(([a], [b]) => a.localeCompare(b))) {
    for (const dir of ['in', 'out'] as const) {
      out.push('', `\tchain group_${name}_${dir} {`);
      rules.forEach((r, i) => {
        if (r.direction === dir) out.push(...compileRule(r, fw, dir, `group ${name} rule ${i}`));
      });
      out.push('\t}');
    }
  }
  const reject = fw.policyIn === 'reject';
  out.push(
    '',
    '\tchain input {',
    '\t\ttype filter hook input priority filter; policy drop;',
    '\t\tiif "lo" accept',
    `\t\tip saddr @${setName(BLOCKLIST_SET, 'ipv4')} counter drop comment "blocklist (IDS bans with timeouts)"`,
    `\t\tip6 saddr @${setName(BLOCKLIST_SET, 'ipv6')} counter drop comment "blocklist (IDS bans with timeouts)"`,
    '\t\tct state invalid counter drop',
    '\t\tct state { established, related } accept',
    '\t\tjump icmp_in',
    // Host rules come before the service defaults, so a rule can also close a default port for some sources.
    '\t\tjump rules_in',
    '\t\tjump services_in',
  );
  if (fw.logDrops) out.push(`\t\t${LOG_LIMIT} log prefix "debvisor drop: " level info`);
  if (reject) out.push('\t\tmeta l4proto tcp reject with tcp reset', '\t\treject with icmpx admin-prohibited');
  out.push(
    '\t}',
    '',
    '\tchain icmp_in {',
    '\t\ticmp type { destination-unreachable, time-exceeded, parameter-problem } accept',
    `\t\ticmp type echo-request ${PING_LIMIT} accept`,
    '\t\ticmpv6 type { destination-unreachable, packet-too-big, time-exceeded, parameter-problem } accept',
    '\t\ticmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } ip6 hoplimit 255 accept',
    '\t\ticmpv6 type { mld-listener-query, mld-listener-report, mld2-listener-report } ip6 saddr fe80::/10 accept',
    `\t\ticmpv6 type echo-request ${PING_LIMIT} accept`,
    '\t}',
    '',
    '\tchain services_in {',
    ...serviceRules(file),
    '\t}',
    '',
    '\tchain rules_in {',
  );
  fw.rules.forEach((r, i) => {
    if (r.direction === 'in' || r.group) out.push(...compileRule(r, fw, 'in', `rule ${i}`));
  });
  out.push('\t}', '', '\tchain output {', `\t\ttype filter hook output priority filter; policy ${fw.policyOut};`);
  if (fw.policyOut === 'drop') {
    out.push(
      '\t\toif "lo" accept',
      '\t\tct state invalid counter drop',
      '\t\tct state { established, related } accept',
      '\t\tmeta l4proto { icmp, icmpv6 } accept',
    );
  }
  out.push('\t\tjump rules_out', '\t}', '', '\tchain rules_out {');
  fw.rules.forEach((r, i) => {
    if (r.direction === 'out' || r.group) out.push(...compileRule(r, fw, 'out', `rule ${i}`));
  });
  if (fw.policyOut === 'drop' && fw.logDrops) out.push(`\t\t${LOG_LIMIT} log prefix "debvisor drop out: " level info`);
  out.push('\t}', '}', '');
  return out.join('\n');
}

/**
 * Addresses accepted as set elements by `ban`: a single address or a CIDR without host bits (nft
 * would silently ban the whole network of `10.0.0.5/8`), never a whole family (`0.0.0.0/0` would
 * cut off every client, the admin's session included).
 */
export function banTarget(text: string): { family: Family; value: string } | undefined {
  const ip = parseIp(text);
  if (ip) return { family: ip.kind(), value: ip.toString() };
  const c = parseCidr(text);
  if (!c || c.bits === 0 || hasHostBits(c)) return undefined;
  return { family: c.family, value: `${c.addr.toString()}/${c.bits}` };
}

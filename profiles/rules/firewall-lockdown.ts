import type { Family } from '../../core/net.js';
import { findMacro, type MacroPart } from '../firewall/macros.js';
import { parsePortSpec, MIN_PORT, MAX_PORT, type PortRange } from '../firewall/ports.js';
import type { Service } from '../firewall/services.js';
import type { FirewallRule } from '../schema/profile.js';
import { FAMILIES } from './firewall-addresses.js';

/** IP protocol numbers of the port protocols, as `proto: 6` may also spell them. */
const PORT_PROTO_NUMBERS: Record<string, string> = { '6': 'tcp', '17': 'udp', '132': 'sctp' };
const ALL_PORTS: PortRange[] = [[MIN_PORT, MAX_PORT]];

/** The protocol parts a rule matches: a macro's, its own `proto`, or every protocol for `proto: any`. */
export function ruleParts(r: FirewallRule): MacroPart[] | 'any' {
  if (r.macro !== undefined) return findMacro(r.macro)?.parts ?? [];
  if (r.proto === undefined || r.proto === 'any') return 'any';
  const part: MacroPart = /^[0-9]+$/.test(r.proto) ? { proto: Number(r.proto) } : { proto: r.proto as MacroPart['proto'] };
  if (r.dport !== undefined) part.dport = String(r.dport);
  return [part];
}

/** Address families a rule's protocols exist in: ICMP only in IPv4, ICMPv6 only in IPv6. */
export function protoFamilies(parts: MacroPart[] | 'any'): Set<Family> {
  if (parts === 'any') return new Set(FAMILIES);
  const out = new Set<Family>();
  for (const p of parts) {
    if (p.proto === 'icmp') out.add('ipv4');
    else if (p.proto === 'icmpv6') out.add('ipv6');
    else for (const f of FAMILIES) out.add(f);
  }
  return out;
}

/** Destination ports a rule opens, by protocol; `*` for every protocol. */
function acceptedPorts(parts: MacroPart[] | 'any'): { proto: string; ranges: PortRange[] }[] {
  if (parts === 'any') return [{ proto: '*', ranges: ALL_PORTS }];
  const out: { proto: string; ranges: PortRange[] }[] = [];
  for (const p of parts) {
    const proto = typeof p.proto === 'number' ? PORT_PROTO_NUMBERS[String(p.proto)] : p.proto;
    if (proto !== 'tcp' && proto !== 'udp' && proto !== 'sctp') continue;
    const parsed = p.dport === undefined || typeof p.proto === 'number' ? undefined : parsePortSpec(p.dport);
    out.push({ proto, ranges: parsed ? (parsed.ok ? parsed.ranges : []) : ALL_PORTS });
  }
  return out;
}

/** Names of the management services (lockdown-able) an inbound accept rule opens. */
export function managementHits(r: FirewallRule, services: readonly Service[]): string[] {
  if (r.action !== 'accept' || r.direction !== 'in' || !r.enabled) return [];
  const opened = acceptedPorts(ruleParts(r));
  if (!opened.length) return [];
  const hits: string[] = [];
  for (const s of services) {
    if (!s.access.includes('management')) continue;
    const parsed = parsePortSpec(s.ports);
    if (!parsed.ok) continue;
    const hit = opened.some((o) => (o.proto === '*' || o.proto === s.proto) && o.ranges.some(([a, b]) => parsed.ranges.some(([c, d]) => a <= d && c <= b)));
    if (hit) hits.push(s.name);
  }
  return hits;
}

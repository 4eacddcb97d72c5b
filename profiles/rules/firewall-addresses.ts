import { parseSetEntry, parseIp, parseCidr, rangeBounds, hasHostBits, networkOf, type Family, type Range } from '../../core/net.js';
import { didYouMean } from '../../core/suggest.js';
import { finding } from './types.js';
import { BUILTIN_SETS } from '../firewall/sets.js';
import type { Finding } from '../../core/issue.js';
import type { FirewallModel } from '../schema/profile.js';

export const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];
/** "Did you mean" compares a name with every candidate: only the first few misses get one, so thousands of typos stay linear. */
const MAX_SUGGESTIONS = 20;
const TOP: Record<Family, bigint> = { ipv4: (1n << 32n) - 1n, ipv6: (1n << 128n) - 1n };
export const FAMILY_NAME: Record<Family, string> = { ipv4: 'IPv4', ipv6: 'IPv6' };

/** What the checks of one model share: names looked up once, so each rule costs the same whatever the model's size. */
export interface ModelIndex {
  fw: FirewallModel;
  sets: Set<string>;
  setNames: string[];
  aliasNames: string[];
  /** Parsed alias values, for the aliases that are valid. */
  aliases: Map<string, Range>;
  /** Families whose whole address space a set covers (`0.0.0.0/0`, or entries that add up to it). */
  setCovers: Map<string, Set<Family>>;
  suggestions: number;
}

export function indexModel(fw: FirewallModel, setCovers: Map<string, Set<Family>>): ModelIndex {
  const aliases = new Map<string, Range>();
  for (const [name, value] of Object.entries(fw.aliases)) {
    const r = parseIp(value) || parseCidr(value) ? parseSetEntry(value) : undefined;
    if (r) aliases.set(name, r);
  }
  const sets = new Set<string>([...BUILTIN_SETS, ...Object.keys(fw.ipsets)]);
  return { fw, sets, setNames: [...sets], aliasNames: Object.keys(fw.aliases), aliases, setCovers, suggestions: 0 };
}

export function suggest(ix: ModelIndex, word: string, candidates: readonly string[], fallback: string): string {
  if (ix.suggestions >= MAX_SUGGESTIONS) return fallback;
  ix.suggestions++;
  return didYouMean(word, candidates, fallback) ?? fallback;
}

export function coversFamily(r: Range): boolean {
  const [lo, hi] = rangeBounds(r);
  return lo === 0n && hi === TOP[r.family];
}

export interface SetEntry {
  lo: bigint;
  hi: bigint;
  family: Family;
  i: number;
}

/**
 * Sorted by start, an entry can only overlap its predecessor's reach (n log n for large sets);
 * the same sweep tells whether the entries cover a whole family.
 */
export function sweepSet(parsed: SetEntry[]): { clashes: [number, number][]; covers: Set<Family> } {
  parsed.sort((a, b) => (a.family === b.family ? (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : a.i - b.i) : a.family < b.family ? -1 : 1));
  let reach: SetEntry | undefined;
  const clashes: [number, number][] = [];
  const covered: Record<Family, bigint> = { ipv4: -1n, ipv6: -1n };
  for (const cur of parsed) {
    if (reach && reach.family === cur.family && cur.lo <= reach.hi) clashes.push([Math.min(reach.i, cur.i), Math.max(reach.i, cur.i)]);
    if (!reach || reach.family !== cur.family || cur.hi > reach.hi) reach = cur;
    // Contiguous from the bottom of the family's space: a gap stops the run for good.
    if (cur.lo <= covered[cur.family] + 1n && cur.hi > covered[cur.family]) covered[cur.family] = cur.hi;
  }
  return { clashes, covers: new Set(FAMILIES.filter((f) => covered[f] === TOP[f])) };
}

/** What an address spec (`source`, `dest`) can match. */
export interface AddressInfo {
  ok: boolean;
  families: Set<Family>;
  /** Families of which it matches every address: no restriction at all for them. */
  open: Set<Family>;
}

export function checkAddressSpec(ix: ModelIndex, spec: string, path: string, out: Finding[]): AddressInfo {
  const info: AddressInfo = { ok: true, families: new Set(), open: new Set() };
  for (const raw of spec.split(',')) {
    const item = raw.trim();
    if (item.startsWith('+')) {
      const name = item.slice(1);
      if (!ix.sets.has(name)) {
        out.push(
          finding(
            path,
            'E_FW_UNKNOWN_SET',
            `IP set '${name}' is not defined`,
            suggest(ix, name, ix.setNames, `define it under the firewall's ipsets, or use one of: ${BUILTIN_SETS.join(', ')}`),
          ),
        );
        info.ok = false;
        continue;
      }
      // A set becomes one nft set per family, and the rule matches both.
      for (const f of FAMILIES) info.families.add(f);
      for (const f of ix.setCovers.get(name) ?? []) info.open.add(f);
    } else if (/^[a-z][a-z0-9_-]*$/.test(item) && !parseIp(item)) {
      if (!Object.hasOwn(ix.fw.aliases, item)) {
        out.push(
          finding(
            path,
            'E_FW_UNKNOWN_ALIAS',
            `alias '${item}' is not defined`,
            suggest(ix, item, ix.aliasNames, "define it under the firewall's aliases, or write an address"),
          ),
        );
        info.ok = false;
        continue;
      }
      const r = ix.aliases.get(item);
      if (!r)
        info.ok = false; // reported at the alias
      else add(info, r);
    } else {
      const r = parseSetEntry(item);
      const c = parseCidr(item);
      if (!r) {
        out.push(
          finding(
            path,
            'E_FW_ADDRESS',
            `'${item}' is not an address, CIDR, range, +set or alias`,
            'for example 192.0.2.0/24, 2001:db8::1, 10.0.0.1-10.0.0.9 or +management',
          ),
        );
        info.ok = false;
      } else if (c && hasHostBits(c)) {
        out.push(
          finding(
            path,
            'E_FW_HOST_BITS',
            `'${item}' has host bits set: it would match all of ${networkOf(c).toString()}/${c.bits}`,
            `did you mean ${networkOf(c).toString()}/${c.bits}, or the single address ${c.addr.toString()}?`,
          ),
        );
        info.ok = false;
      } else add(info, r);
    }
  }
  return info;
}

function add(info: AddressInfo, r: Range): void {
  info.families.add(r.family);
  if (coversFamily(r)) info.open.add(r.family);
}

import ipaddr from 'ipaddr.js';

export type Family = 'ipv4' | 'ipv6';
export type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface Cidr {
  addr: Address;
  bits: number;
  family: Family;
}

export interface Range {
  first: Address;
  last: Address;
  family: Family;
}

/** Strict address parsing: no shorthand IPv4 forms such as `10.1` or octal. */
export function parseIp(text: string): Address | undefined {
  const s = text.trim();
  if (ipaddr.IPv4.isValidFourPartDecimal(s)) return ipaddr.IPv4.parse(s);
  // No zone id (`fe80::1%eth0`): nft, and most files that take an address, refuse one.
  if (ipaddr.IPv6.isValid(s) && s.includes(':') && !s.includes('%')) return ipaddr.IPv6.parse(s);
  return undefined;
}

export function parseCidr(text: string): Cidr | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  const addr = parseIp(m[1]!);
  const bits = Number(m[2]);
  if (!addr) return undefined;
  const family = addr.kind();
  if (bits > (family === 'ipv4' ? 32 : 128)) return undefined;
  return { addr, bits, family };
}

export function networkOf(c: Cidr): Address {
  return c.family === 'ipv4'
    ? ipaddr.IPv4.networkAddressFromCIDR(`${c.addr.toString()}/${c.bits}`)
    : ipaddr.IPv6.networkAddressFromCIDR(`${c.addr.toString()}/${c.bits}`);
}

export function contains(net: Cidr, addr: Address): boolean {
  return net.family === addr.kind() && (addr as ipaddr.IPv4).match([net.addr as ipaddr.IPv4, net.bits]);
}

function toBig(a: Address): bigint {
  return a.toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

/** An IP set entry: address, CIDR or range `a-b`, as the interval it covers. */
export function parseSetEntry(text: string): Range | undefined {
  const s = text.trim();
  if (s.includes('-') && !s.includes('/')) {
    const [a, b, extra] = s.split('-');
    if (extra !== undefined) return undefined;
    const first = parseIp(a ?? '');
    const last = parseIp(b ?? '');
    if (!first || !last || first.kind() !== last.kind() || toBig(first) > toBig(last)) return undefined;
    return { first, last, family: first.kind() };
  }
  if (s.includes('/')) {
    const c = parseCidr(s);
    if (!c) return undefined;
    const width = c.family === 'ipv4' ? 32 : 128;
    const base = toBig(networkOf(c));
    const size = 1n << BigInt(width - c.bits);
    return { first: networkOf(c), last: fromBig(base + size - 1n, c.family), family: c.family };
  }
  const a = parseIp(s);
  return a ? { first: a, last: a, family: a.kind() } : undefined;
}

function fromBig(n: bigint, family: Family): Address {
  const len = family === 'ipv4' ? 4 : 16;
  const bytes: number[] = [];
  for (let i = len - 1; i >= 0; i--) bytes.push(Number((n >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes);
}

export function rangeBounds(r: Range): [bigint, bigint] {
  return [toBig(r.first), toBig(r.last)];
}

export function overlaps(a: Range, b: Range): boolean {
  if (a.family !== b.family) return false;
  const [a0, a1] = rangeBounds(a);
  const [b0, b1] = rangeBounds(b);
  return a0 <= b1 && b0 <= a1;
}

/** True when a CIDR has host bits set (`10.0.0.5/24`), which is fine for an interface address. */
export function hasHostBits(c: Cidr): boolean {
  return networkOf(c).toString() !== c.addr.toString();
}

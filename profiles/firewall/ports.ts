export const MIN_PORT = 1;
export const MAX_PORT = 65535;

export type PortRange = [number, number];
export type PortParse = { ok: true; ranges: PortRange[] } | { ok: false; reason: string };

/** `22`, `80,443`, `5900:5999` or `5900-5999`, mixed with commas. */
export function parsePortSpec(spec: string | number): PortParse {
  const text = String(spec).trim();
  if (text === '') return { ok: false, reason: 'empty port list' };
  const ranges: PortRange[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:[:-]\s*(\d+)\s*)?$/.exec(part);
    if (!m) return { ok: false, reason: `'${part.trim()}' is not a port or a range a:b` };
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    for (const n of [lo, hi]) if (n < MIN_PORT || n > MAX_PORT) return { ok: false, reason: `port ${n} is out of range (${MIN_PORT}-${MAX_PORT})` };
    if (lo > hi) return { ok: false, reason: `range ${lo}:${hi} runs backwards` };
    ranges.push([lo, hi]);
  }
  return { ok: true, ranges };
}

/** nftables spelling: `22`, `{ 80, 443, 5900-5999 }`. */
export function nftPorts(ranges: PortRange[]): string {
  const items = ranges.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`));
  return items.length === 1 ? items[0]! : `{ ${items.join(', ')} }`;
}

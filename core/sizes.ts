const UNITS: Record<string, number> = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** `32G` → bytes. The schema has already checked the form. */
export function parseSize(text: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)([KMGT])$/.exec(text);
  if (!m) throw new Error(`not a size: ${text}`);
  return Math.round(Number(m[1]) * UNITS[m[2]!]!);
}

const SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** `10m` → seconds. */
export function parseDuration(text: string): number {
  const m = /^([0-9]+)([smhdw])$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * SECONDS[m[2]!]!;
}

export const KiB = 2 ** 10;
export const MiB = 2 ** 20;
export const GiB = 2 ** 30;
export const TiB = 2 ** 40;

/** Bytes for a person: `512 MiB`, `931.5 GiB`, `1.8 TiB` (binary units, at most one decimal). */
export function formatBytes(n: number): string {
  const units: [number, string][] = [
    [TiB, 'TiB'],
    [GiB, 'GiB'],
    [MiB, 'MiB'],
    [KiB, 'KiB'],
  ];
  for (const [size, name] of units) {
    if (Math.abs(n) >= size) {
      const v = Math.floor((n / size) * 10) / 10;
      return `${Number.isInteger(v) ? v.toFixed(0) : v.toFixed(1)} ${name}`;
    }
  }
  return `${n} B`;
}

/** `n` rounded down to a multiple of `unit`. */
export function alignDown(n: number, unit: number): number {
  return Math.floor(n / unit) * unit;
}

/** `n` rounded up to a multiple of `unit`. */
export function alignUp(n: number, unit: number): number {
  return Math.ceil(n / unit) * unit;
}

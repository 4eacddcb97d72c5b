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

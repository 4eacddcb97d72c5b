/** Versions of the target system's tools that change what a config file may say. */
export interface TargetFacts {
  name: string;
  openssh: [number, number];
  nginx: [number, number];
  openssl: [number, number];
}

/** Debian 13 (trixie), what DebVisor installs. */
export const TRIXIE: TargetFacts = { name: 'trixie', openssh: [10, 0], nginx: [1, 26], openssl: [3, 5] };
/** Debian 12 (bookworm), for rendering onto or testing on an older host. */
export const BOOKWORM: TargetFacts = { name: 'bookworm', openssh: [9, 2], nginx: [1, 22], openssl: [3, 0] };

export function atLeast(v: [number, number], major: number, minor: number): boolean {
  return v[0] > major || (v[0] === major && v[1] >= minor);
}

import { parseSize, formatBytes } from '../../core/sizes.js';
import type { Profile } from '../schema/profile.js';
import type { DiskFacts, NicFacts } from '../facts.js';
import { globMatch } from './glob.js';

export type DiskMatch = Profile['install']['disks']['match'];
export type NicMatch = Profile['network']['interface']['match'];

/** One property of a selector held against one device: whether it matched, in plain words. */
export interface SelectorCheck {
  key: string;
  ok: boolean;
  says: string;
}

/** One device as a selector saw it: matched, or why not (a failed check, or excluded outright). */
export interface Candidate<T> {
  device: T;
  matched: boolean;
  /** Why the device can never be chosen, whatever the selector says (the boot medium). */
  excluded?: string;
  checks: SelectorCheck[];
}

function globCheck(key: string, glob: string | undefined, values: readonly string[], what: string, ignoreCase = false): SelectorCheck | undefined {
  if (glob === undefined) return undefined;
  const hit = values.find((v) => globMatch(glob, v, ignoreCase));
  if (hit !== undefined) return { key, ok: true, says: `${what} ${hit} matches '${glob}'` };
  if (values.length === 0) return { key, ok: false, says: `no ${what} (the selector wants '${glob}')` };
  const shown = values.length > 3 ? `${values.slice(0, 3).join(', ')} and ${values.length - 3} more` : values.join(', ');
  return { key, ok: false, says: `${what} ${shown} ${values.length > 1 ? 'do' : 'does'} not match '${glob}'` };
}

/** Why a disk is never a target, whatever the selector says. */
export function diskExclusion(d: DiskFacts): string | undefined {
  if (d.bootMedium) return 'the boot medium: the running system started from it';
  if (d.readOnly) return 'it is read-only';
  return undefined;
}

/**
 * Every disk against `install.disks.match`, in the order of the facts: which matched and why.
 * An empty selector matches every disk; the boot medium and read-only disks never match.
 */
export function selectDisks(match: DiskMatch, disks: readonly DiskFacts[]): Candidate<DiskFacts>[] {
  return disks.map((d) => {
    const checks = [
      globCheck('serial', match.serial, d.serial ? [d.serial] : [], 'serial'),
      globCheck('model', match.model, d.model ? [d.model] : [], 'model'),
      globCheck('vendor', match.vendor, d.vendor ? [d.vendor] : [], 'vendor'),
      globCheck('byId', match.byId, d.byId, 'by-id name'),
      globCheck('path', match.path, d.byPath, 'by-path name'),
      match.transport === undefined
        ? undefined
        : {
            key: 'transport',
            ok: d.transport === match.transport,
            says: d.transport === match.transport ? `transport ${d.transport}` : `transport is ${d.transport ?? 'unknown'}, not ${match.transport}`,
          },
      match.rotational === undefined
        ? undefined
        : { key: 'rotational', ok: d.rotational === match.rotational, says: d.rotational ? 'rotational' : 'not rotational (SSD or NVMe)' },
      match.minSize === undefined
        ? undefined
        : {
            key: 'minSize',
            ok: d.sizeBytes >= parseSize(match.minSize),
            says: `size ${formatBytes(d.sizeBytes)} ${d.sizeBytes >= parseSize(match.minSize) ? '≥' : '<'} ${match.minSize}`,
          },
      match.maxSize === undefined
        ? undefined
        : {
            key: 'maxSize',
            ok: d.sizeBytes <= parseSize(match.maxSize),
            says: `size ${formatBytes(d.sizeBytes)} ${d.sizeBytes <= parseSize(match.maxSize) ? '≤' : '>'} ${match.maxSize}`,
          },
    ].filter((c): c is SelectorCheck => c !== undefined);
    const excluded = diskExclusion(d);
    return { device: d, matched: excluded === undefined && checks.every((c) => c.ok), checks, ...(excluded ? { excluded } : {}) };
  });
}

/**
 * Every interface against a NIC selector. MAC globs ignore case. An empty selector matches the
 * interfaces that have a link, so a machine with one cabled port needs no selector at all.
 */
export function selectNics(match: NicMatch, nics: readonly NicFacts[]): Candidate<NicFacts>[] {
  const empty = match.name === undefined && match.mac === undefined && match.driver === undefined;
  return nics.map((n) => {
    const checks = empty
      ? [
          {
            key: 'link',
            ok: n.link,
            says: n.link ? 'has a link (an empty selector takes the interface with a link)' : 'no link (an empty selector takes the interface with a link)',
          },
        ]
      : [
          globCheck('name', match.name, [n.name], 'name'),
          globCheck('mac', match.mac, [n.mac, ...(n.currentMac ? [n.currentMac] : [])], 'MAC', true),
          globCheck('driver', match.driver, n.driver ? [n.driver] : [], 'driver'),
        ].filter((c): c is SelectorCheck => c !== undefined);
    return { device: n, matched: checks.every((c) => c.ok), checks };
  });
}

/** A disk in one line, for candidate lists: `sda 1.8 TiB sata rotational ST2000 serial Z1X (blank)`. */
export function describeDisk(d: DiskFacts): string {
  const sectors = d.logicalSectorSize === 4096 ? ' 4Kn' : d.physicalSectorSize === 4096 ? ' 512e' : '';
  const props = [
    d.path,
    formatBytes(d.sizeBytes),
    d.transport ?? 'unknown bus',
    d.rotational ? 'rotational' : 'SSD',
    d.removable ? 'removable' : undefined,
    d.model ? `model '${d.model}'` : undefined,
    d.serial ? `serial '${d.serial}'` : undefined,
  ];
  return `${props.filter(Boolean).join(' ')}${sectors}`;
}

/** An interface in one line: `eno1 3c:ec:ef:00:00:01 ixgbe link 10000 Mb/s`. */
export function describeNic(n: NicFacts): string {
  return [
    n.name,
    n.currentMac ? `${n.mac} (now ${n.currentMac})` : n.mac,
    n.driver ?? 'unknown driver',
    n.link ? `link${n.speedMbps ? ` ${n.speedMbps} Mb/s` : ''}` : 'no link',
  ].join(' ');
}

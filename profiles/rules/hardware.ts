import type { Finding } from '../../core/issue.js';
import { formatBytes, parseSize } from '../../core/sizes.js';
import { holdsData, describeContents, type DiskFacts, type HardwareFacts } from '../facts.js';
import type { Profile } from '../schema/profile.js';
import { finding, type Rule } from './types.js';
import { selectDisks, selectNics, describeDisk, describeNic, type Candidate, type NicMatch } from './select.js';
import { checkLayoutFits, diskSpace } from './layout.js';

/** Candidates named in one message; the plan lists them all. */
const MAX_LISTED = 8;

function listed<T>(items: readonly T[], show: (t: T) => string): string {
  const shown = items.slice(0, MAX_LISTED).map(show).join('; ');
  return items.length > MAX_LISTED ? `${shown}; and ${items.length - MAX_LISTED} more` : shown;
}

function candidateText(c: Candidate<DiskFacts>): string {
  const why =
    c.excluded ??
    c.checks
      .filter((x) => !x.ok)
      .map((x) => x.says)
      .join(', ');
  return `${describeDisk(c.device)} (${c.matched ? 'matches' : why})`;
}

/** The disks the selector chose, when it chose exactly `expect`; otherwise the finding that says so. */
export function matchedDisks(p: Profile, facts: HardwareFacts): { disks: DiskFacts[]; candidates: Candidate<DiskFacts>[]; findings: Finding[] } {
  const candidates = selectDisks(p.install.disks.match, facts.disks ?? []);
  const disks = candidates.filter((c) => c.matched).map((c) => c.device);
  const expect = p.install.disks.expect;
  if (disks.length === expect) return { disks, candidates, findings: [] };
  const all = candidates.length === 0 ? 'the machine has no disk' : `the disks: ${listed(candidates, candidateText)}`;
  const message =
    disks.length === 0
      ? `install.disks.match matches no disk; ${all}`
      : `install.disks.match matches ${disks.length} disk${disks.length === 1 ? '' : 's'} but install.disks.expect is ${expect}; ${all}`;
  const hint =
    disks.length > expect
      ? 'narrow the selector (serial, byId or path name one disk each), or raise install.disks.expect'
      : 'widen the selector, or lower install.disks.expect';
  return { disks: [], candidates, findings: [finding('/install/disks/match', 'E_DISK_COUNT', message, hint)] };
}

function checkDisks(p: Profile, facts: HardwareFacts): Finding[] {
  if (!facts.disks) return [];
  const { disks, findings } = matchedDisks(p, facts);
  if (findings.length) return findings;
  const out: Finding[] = [];
  const { storage } = p.install;
  for (const d of disks) {
    if (holdsData(d) && !p.install.wipe) {
      out.push(
        finding(
          '/install/wipe',
          'E_DISK_NOT_EMPTY',
          `${d.path} (${formatBytes(d.sizeBytes)}${d.serial ? `, serial '${d.serial}'` : ''}) holds data: ${describeContents(d)}`,
          'set install.wipe: true to allow wiping it, or narrow install.disks.match to blank disks',
        ),
      );
    }
    if (d.logicalSectorSize === 4096 && facts.firmware?.mode === 'bios') {
      out.push(
        finding(
          '/install/disks/match',
          'E_DISK_4KN_BIOS',
          `${d.path} has 4096-byte logical sectors (4Kn), which a BIOS cannot boot from`,
          'boot the machine in UEFI mode, or choose a disk with 512-byte sectors',
        ),
      );
    }
    if (storage.filesystem === 'zfs' && 2 ** storage.zfs.ashift < d.logicalSectorSize) {
      out.push(
        finding(
          '/install/storage/zfs/ashift',
          'E_ZFS_ASHIFT',
          `ashift ${storage.zfs.ashift} (${2 ** storage.zfs.ashift}-byte blocks) is smaller than the ${d.logicalSectorSize}-byte sectors of ${d.path}`,
          `set ashift to ${Math.log2(d.logicalSectorSize)} or more`,
        ),
      );
    }
  }
  out.push(
    ...checkLayoutFits(
      p,
      disks.map((d) => diskSpace(p, d)),
    ),
  );
  return out;
}

function nicFindings(path: string, what: string, match: NicMatch, facts: HardwareFacts): { name?: string; findings: Finding[] } {
  const candidates = selectNics(match, facts.nics ?? []);
  const hits = candidates.filter((c) => c.matched);
  if (hits.length === 1) return { name: hits[0]!.device.name, findings: [] };
  const all = candidates.length === 0 ? 'the machine has no network interface' : `the interfaces: ${listed(candidates, (c) => describeNic(c.device))}`;
  const empty = Object.keys(match).length === 0;
  const message =
    hits.length === 0
      ? `${what} matches no interface${empty ? ' (an empty selector takes the one with a link, and none has a link)' : ''}; ${all}`
      : `${what} matches ${hits.length} interfaces (${hits.map((c) => c.device.name).join(', ')}) but must match exactly one; ${all}`;
  const hint = empty
    ? 'name the interface by mac, name or driver'
    : hits.length === 0
      ? 'check the selector against the interfaces listed'
      : 'narrow the selector: a MAC address names one interface';
  return { findings: [finding(path, 'E_NIC_COUNT', message, hint)] };
}

function checkNics(p: Profile, facts: HardwareFacts): Finding[] {
  if (!facts.nics) return [];
  const { bond } = p.network;
  if (!bond) return nicFindings('/network/interface/match', 'network.interface.match', p.network.interface.match, facts).findings;
  const out: Finding[] = [];
  const seen = new Map<string, number>();
  bond.members.forEach((m, i) => {
    const r = nicFindings(`/network/bond/members/${i}`, `network.bond.members[${i}]`, m, facts);
    out.push(...r.findings);
    if (r.name === undefined) return;
    const other = seen.get(r.name);
    if (other !== undefined)
      out.push(
        finding(
          `/network/bond/members/${i}`,
          'E_NIC_DUPLICATE',
          `bond members ${other} and ${i} both match ${r.name}`,
          'give each member a selector of its own interface',
        ),
      );
    seen.set(r.name, i);
  });
  return out;
}

function checkImage(p: Profile, facts: HardwareFacts): Finding[] {
  const out: Finding[] = [];
  const { storage } = p.install;
  if (storage.filesystem === 'zfs' && facts.image && !facts.image.zfs) {
    out.push(
      finding(
        '/install/storage/filesystem',
        'E_ZFS_UNAVAILABLE',
        'filesystem zfs needs ZFS in the installer image, and this image has no ZFS module and tools',
        'choose lvm-thin, ext4 or xfs (raid1 and raid10 then use mdadm), or install from an image built with ZFS',
      ),
    );
  }
  if (storage.filesystem === 'zfs' && storage.zfs.arcMax !== undefined && facts.memory) {
    const arc = storage.zfs.arcMax;
    if (parseSize(arc) >= facts.memory.totalBytes)
      out.push(
        finding(
          '/install/storage/zfs/arcMax',
          'E_ZFS_ARC',
          `arcMax ${arc} is not below the machine's memory (${formatBytes(facts.memory.totalBytes)})`,
          'leave memory for the system and the guests: Proxmox uses 10% of memory',
        ),
      );
  }
  return out;
}

/** The profile against the machine: disks, interfaces, what the image can do. Nothing without facts. */
export const checkHardware: Rule = (p, facts) => [...checkDisks(p, facts), ...checkNics(p, facts), ...checkImage(p, facts)];

import { parseSize, alignDown, alignUp, MiB, GiB } from '../../core/sizes.js';
import type { Profile } from '../schema/profile.js';
import type { DiskFacts } from '../facts.js';
import type { Finding } from '../../core/issue.js';
import { finding } from './types.js';

/**
 * The storage layout's size arithmetic, shared by the rule that refuses a disk too small and by
 * the install plan, so both say the same thing. Proxmox's layout (pve-installer
 * `partition_bootable_disk`): a BIOS boot partition, an ESP of 512 MiB (1 GiB on disks over
 * 100 GiB), then one partition for the system; with LVM-thin a volume group holding `root`,
 * `swap` and the thin pool `data`. Every partition starts and ends on a 1 MiB boundary.
 */
export const ALIGNMENT = MiB;
/** GRUB's core image on a GPT disk booted by BIOS (type EF02); only on 512-byte-sector disks. */
export const BIOS_BOOT_BYTES = MiB;
export const ESP_BYTES_SMALL = 512 * MiB;
/** The unencrypted /boot of an encrypted install (GRUB reads the kernel there without cryptodisk): room for several kernels. */
export const BOOT_BYTES = GiB;
export const ESP_BYTES_LARGE = GiB;
/** From this disk size the ESP is 1 GiB (room for several kernels or UKIs), as Proxmox does. */
export const ESP_LARGE_FROM_BYTES = 100 * GiB;
/** Kept free at the end of each disk for the backup GPT. */
export const GPT_END_RESERVE_BYTES = MiB;
/** Smallest root filesystem the system fits in with room for logs and updates. */
export const MIN_ROOT_BYTES = 8 * GiB;
/** Default root size on LVM-thin: a quarter of the space, at most this (Proxmox's maxroot). */
export const MAX_DEFAULT_ROOT_BYTES = 96 * GiB;
/** Default free space left in the volume group: an eighth of it, at most this (Proxmox's minfree). */
export const MAX_DEFAULT_MIN_FREE_BYTES = 16 * GiB;
/** Smallest thin pool worth making. */
export const MIN_DATA_POOL_BYTES = 4 * GiB;
/** Thin pool metadata: 1% of the pool, between these (Proxmox's rule); LVM keeps a spare copy of the same size. */
export const THIN_META_MIN_BYTES = GiB;
export const THIN_META_MAX_BYTES = 16 * GiB;
/** LVM extent size, and what a physical volume keeps for its own metadata. */
export const LVM_EXTENT_BYTES = 4 * MiB;
export const LVM_PV_RESERVE_BYTES = MiB;
/** What mdadm's 1.2 superblock and data offset take from each member (the default data offset). */
export const MD_RESERVE_BYTES = 128 * MiB;
/** What a LUKS2 header (two copies of the metadata and the keyslots area) takes from the front of its device: cryptsetup's default data offset. */
export const LUKS2_HEADER_BYTES = 16 * MiB;
/** The volume group's name: Proxmox's, so its storage definitions and habits carry over. */
export const VG_NAME = 'pve';
export const ZFS_POOL = 'rpool';

export type PartitionRole = 'bios-boot' | 'esp' | 'boot' | 'lvm' | 'swap' | 'root' | 'zfs';

export interface PartitionSpec {
  number: number;
  role: PartitionRole;
  /** sgdisk type code. */
  typeCode: string;
  startBytes: number;
  sizeBytes: number;
}

export interface DiskSpace {
  disk: DiskFacts;
  partitions: PartitionSpec[];
  /** Bytes left unpartitioned at the end (install.storage.diskSize, alignment, the backup GPT). */
  unusedBytes: number;
}

/** How many disks' worth of space a RAID level yields from `n` members (ZFS raidz ignores padding). */
export function raidDataDisks(raid: string, n: number): number {
  switch (raid) {
    case 'raid1':
      return 1;
    case 'raid10':
      return Math.floor(n / 2);
    case 'raidz1':
      return n - 1;
    case 'raidz2':
      return n - 2;
    case 'raidz3':
      return n - 3;
    default:
      return n;
  }
}

export function espBytes(disk: DiskFacts): number {
  return disk.sizeBytes > ESP_LARGE_FROM_BYTES ? ESP_BYTES_LARGE : ESP_BYTES_SMALL;
}

/** Uses mdadm (RAID across partitions) rather than one plain device. */
export function usesMdadm(p: Profile): boolean {
  return p.install.storage.filesystem !== 'zfs' && p.install.storage.raid !== 'single' && p.install.disks.expect > 1;
}

/** The partitions of one target disk, every one aligned to 1 MiB. */
export function diskSpace(p: Profile, disk: DiskFacts): DiskSpace {
  const { storage } = p.install;
  const limit = storage.diskSize === undefined ? disk.sizeBytes : Math.min(disk.sizeBytes, parseSize(storage.diskSize));
  const end = alignDown(Math.min(limit, disk.sizeBytes - GPT_END_RESERVE_BYTES), ALIGNMENT);
  const parts: PartitionSpec[] = [];
  let at = ALIGNMENT;
  const add = (role: PartitionRole, typeCode: string, size: number) => {
    parts.push({ number: parts.length + 1, role, typeCode, startBytes: at, sizeBytes: Math.max(0, size) });
    at += Math.max(0, size);
  };
  // 4Kn disks cannot be booted by BIOS: no BIOS boot partition (the rules refuse BIOS firmware there).
  if (disk.logicalSectorSize !== 4096) add('bios-boot', 'EF02', BIOS_BOOT_BYTES);
  add('esp', 'EF00', espBytes(disk));
  const mdadm = usesMdadm(p);
  const luks = encrypts(p);
  // LUKS2 below the system: the kernel and initramfs stay readable on a plain /boot (an md RAID1 across the disks with mdadm).
  if (luks) add('boot', mdadm ? 'FD00' : '8300', BOOT_BYTES);
  switch (storage.filesystem) {
    case 'lvm-thin':
      // 8309: Linux LUKS, what the partition holds first when encrypted.
      add('lvm', mdadm ? 'FD00' : luks ? '8309' : '8E00', end - at);
      break;
    case 'zfs':
      add('zfs', 'BF01', end - at);
      break;
    default: {
      const swap = alignUp(parseSize(storage.swapSize), ALIGNMENT);
      if (swap > 0) add('swap', mdadm ? 'FD00' : '8200', swap);
      const root = storage.rootSize === undefined ? end - at : Math.min(alignUp(parseSize(storage.rootSize), ALIGNMENT), end - at);
      add('root', mdadm ? 'FD00' : luks ? '8309' : '8304', root);
    }
  }
  return { disk, partitions: parts, unusedBytes: Math.max(0, disk.sizeBytes - at) };
}

export interface LvmSizes {
  vgBytes: number;
  rootBytes: number;
  swapBytes: number;
  dataBytes: number;
  metadataBytes: number;
  freeBytes: number;
}

/** The LVM-thin split of a physical volume of `pvBytes`: root, swap, thin pool `data` and its metadata, free space. */
export function lvmSizes(p: Profile, pvBytes: number): LvmSizes {
  const { storage } = p.install;
  const vg = alignDown(Math.max(0, pvBytes - LVM_PV_RESERVE_BYTES), LVM_EXTENT_BYTES);
  const swap = alignUp(parseSize(storage.swapSize), LVM_EXTENT_BYTES);
  const root =
    storage.rootSize !== undefined
      ? alignUp(parseSize(storage.rootSize), LVM_EXTENT_BYTES)
      : alignDown(Math.max(MIN_ROOT_BYTES, Math.min(vg / 4, MAX_DEFAULT_ROOT_BYTES)), LVM_EXTENT_BYTES);
  const free =
    storage.minFree !== undefined
      ? alignUp(parseSize(storage.minFree), LVM_EXTENT_BYTES)
      : alignDown(Math.min(vg / 8, MAX_DEFAULT_MIN_FREE_BYTES), LVM_EXTENT_BYTES);
  const rest = vg - swap - root - free;
  const meta = alignUp(Math.min(THIN_META_MAX_BYTES, Math.max(THIN_META_MIN_BYTES, rest / 100)), LVM_EXTENT_BYTES);
  const data = Math.max(0, alignDown(rest - 2 * meta, LVM_EXTENT_BYTES));
  return { vgBytes: vg, rootBytes: root, swapBytes: swap, dataBytes: data, metadataBytes: meta, freeBytes: free };
}

/** The bytes the system partition (or the array over them) offers, from the smallest member. */
export function systemBytes(p: Profile, spaces: readonly DiskSpace[]): number {
  const role = p.install.storage.filesystem === 'lvm-thin' ? 'lvm' : p.install.storage.filesystem === 'zfs' ? 'zfs' : 'root';
  const sizes = spaces.map((s) => s.partitions.find((x) => x.role === role)?.sizeBytes ?? 0);
  const smallest = Math.min(...sizes);
  const member = usesMdadm(p) ? Math.max(0, smallest - MD_RESERVE_BYTES) : smallest;
  const total = member * raidDataDisks(p.install.storage.raid, spaces.length);
  return encrypts(p) ? Math.max(0, total - LUKS2_HEADER_BYTES) : total;
}

/** LUKS2 below the system (install.storage.encryption; never on ZFS, which the storage rule refuses). */
export function encrypts(p: Profile): boolean {
  return p.install.storage.encryption !== undefined && p.install.storage.filesystem !== 'zfs';
}

/**
 * Whether the layout fits the disks: every refusal names the key to change. `spaces` are the
 * matched disks' layouts (diskSpace).
 */
export function checkLayoutFits(p: Profile, spaces: readonly DiskSpace[]): Finding[] {
  if (spaces.length === 0) return [];
  const out: Finding[] = [];
  const { storage } = p.install;
  const smallest = spaces.reduce((a, s) => (s.disk.sizeBytes < a.disk.sizeBytes ? s : a));
  const name = smallest.disk.path;
  const hint = 'choose a larger disk (install.disks.match.minSize keeps small ones out), or make swapSize, rootSize or minFree smaller';
  const sys = systemBytes(p, spaces);
  if (storage.filesystem === 'lvm-thin') {
    const l = lvmSizes(p, sys);
    if (l.rootBytes < MIN_ROOT_BYTES)
      out.push(
        finding(
          '/install/storage/rootSize',
          'E_ROOT_TOO_SMALL',
          `rootSize ${storage.rootSize} is below the ${MIN_ROOT_BYTES / GiB} GiB the system needs`,
          `set rootSize to ${MIN_ROOT_BYTES / GiB}G or more`,
        ),
      );
    else if (l.dataBytes < MIN_DATA_POOL_BYTES)
      out.push(
        finding(
          '/install/disks/match',
          'E_DISK_TOO_SMALL',
          `${name} is too small: after root, swap and free space the thin pool 'data' would get ${Math.floor(l.dataBytes / MiB)} MiB, less than ${MIN_DATA_POOL_BYTES / GiB} GiB`,
          hint,
        ),
      );
  } else if (storage.filesystem === 'zfs') {
    if (sys < MIN_ROOT_BYTES)
      out.push(
        finding(
          '/install/disks/match',
          'E_DISK_TOO_SMALL',
          `${name} is too small: the pool would hold ${Math.floor(sys / MiB)} MiB, less than the ${MIN_ROOT_BYTES / GiB} GiB the system needs`,
          hint,
        ),
      );
  } else {
    const root = smallest.partitions.find((x) => x.role === 'root')?.sizeBytes ?? 0;
    if (storage.rootSize !== undefined && parseSize(storage.rootSize) < MIN_ROOT_BYTES)
      out.push(
        finding(
          '/install/storage/rootSize',
          'E_ROOT_TOO_SMALL',
          `rootSize ${storage.rootSize} is below the ${MIN_ROOT_BYTES / GiB} GiB the system needs`,
          `set rootSize to ${MIN_ROOT_BYTES / GiB}G or more`,
        ),
      );
    else if (root < MIN_ROOT_BYTES || sys < MIN_ROOT_BYTES)
      out.push(
        finding(
          '/install/disks/match',
          'E_DISK_TOO_SMALL',
          `${name} is too small: the root filesystem would get ${Math.floor(Math.max(0, Math.min(root, sys)) / MiB)} MiB, less than the ${MIN_ROOT_BYTES / GiB} GiB the system needs`,
          hint,
        ),
      );
    else if (storage.rootSize !== undefined && parseSize(storage.rootSize) > root)
      out.push(
        finding(
          '/install/storage/rootSize',
          'E_DISK_TOO_SMALL',
          `rootSize ${storage.rootSize} does not fit on ${name} after the boot partitions and swap`,
          hint,
        ),
      );
  }
  return out;
}

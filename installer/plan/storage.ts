import type { Profile } from '../../profiles/schema/profile.js';
import type { DiskFacts } from '../../profiles/facts.js';
import {
  diskSpace,
  lvmSizes,
  systemBytes,
  usesMdadm,
  raidDataDisks,
  encrypts,
  LUKS2_HEADER_BYTES,
  MD_RESERVE_BYTES,
  VG_NAME,
  ZFS_POOL,
  type PartitionRole,
} from '../../profiles/rules/layout.js';
import { parseSize } from '../../core/sizes.js';
import type { DiskPartitions, EncryptionPlan, FilesystemPlan, RaidArray, StoragePlan } from './types.js';

/** GPT partition names: what `sgdisk -c` writes and `lsblk -o PARTLABEL` shows later. */
export const PARTITION_NAMES: Record<PartitionRole, string> = {
  'bios-boot': 'BIOS boot',
  esp: 'EFI system',
  boot: 'debvisor-boot',
  lvm: 'debvisor-lvm',
  swap: 'debvisor-swap',
  root: 'debvisor-root',
  zfs: 'debvisor-zfs',
};
export const ESP_MOUNT = '/boot/efi';
export const ROOT_DATASET = `${ZFS_POOL}/ROOT/debvisor-1`;
export const BOOT_MOUNT = '/boot';
/** The device-mapper name of the LUKS2 container, in the live system and in the node's crypttab. */
export const LUKS_NAME = 'debvisor_crypt';
/** XTS splits the key in two: 512 bits is AES-256 (cryptsetup's default for XTS); Adiantum takes 256. */
const LUKS_KEY_BITS: Record<string, number> = { 'aes-xts-plain64': 512, 'serpent-xts-plain64': 512, 'xchacha12,aes-adiantum-plain64': 256 };

/** `/dev/sda` → `/dev/sda3`; `/dev/nvme0n1` → `/dev/nvme0n1p3` (a name ending in a digit takes `p`). */
export function partitionDevice(disk: string, n: number): string {
  return /[0-9]$/.test(disk) ? `${disk}p${n}` : `${disk}${n}`;
}

export interface StorageLayout {
  partitions: DiskPartitions[];
  raid: RaidArray[];
  storage: StoragePlan;
  filesystems: FilesystemPlan[];
  encryption: 'none' | EncryptionPlan;
}

function partOf(layout: DiskPartitions, role: PartitionRole): string | undefined {
  return layout.partitions.find((p) => p.role === role)?.device;
}

function zfsVdevs(raid: string, devices: string[]): { type: string; devices: string[] }[] {
  if (raid === 'single' || raid === 'raid0') return devices.map((d) => ({ type: 'disk', devices: [d] }));
  if (raid === 'raid1') return [{ type: 'mirror', devices }];
  if (raid === 'raid10') return Array.from({ length: devices.length / 2 }, (_, i) => ({ type: 'mirror', devices: devices.slice(2 * i, 2 * i + 2) }));
  return [{ type: raid, devices }];
}

/** Pure: the partitions of each chosen disk, the md arrays, LVM or ZFS, and the filesystems. */
export function planStorage(p: Profile, disks: readonly DiskFacts[]): StorageLayout {
  const spaces = disks.map((d) => diskSpace(p, d));
  const partitions: DiskPartitions[] = spaces.map((s) => ({
    disk: s.disk.path,
    table: 'gpt',
    logicalSectorSize: s.disk.logicalSectorSize,
    partitions: s.partitions.map((x) => ({
      number: x.number,
      device: partitionDevice(s.disk.path, x.number),
      role: x.role,
      typeCode: x.typeCode,
      name: PARTITION_NAMES[x.role],
      startBytes: x.startBytes,
      sizeBytes: x.sizeBytes,
    })),
    unusedBytes: s.unusedBytes,
  }));
  const { storage } = p.install;
  const mdadm = usesMdadm(p);
  const raid: RaidArray[] = [];
  const md = (role: PartitionRole, holds: RaidArray['holds']): string => {
    const members = partitions.map((l) => partOf(l, role)!);
    const smallest = Math.min(...spaces.map((s) => s.partitions.find((x) => x.role === role)!.sizeBytes));
    const device = `/dev/md${raid.length}`;
    raid.push({
      device,
      level: storage.raid,
      members,
      sizeBytes: Math.max(0, smallest - MD_RESERVE_BYTES) * raidDataDisks(storage.raid, members.length),
      holds,
    });
    return device;
  };
  const first = partitions[0]!;
  const filesystems: FilesystemPlan[] = partitions.map((l, i) => ({ device: partOf(l, 'esp')!, type: 'vfat', mount: i === 0 ? ESP_MOUNT : '-', label: 'ESP' }));
  let plan: StoragePlan;
  // Set by luks() below (a holder: the compiler does not follow assignments inside a closure).
  const enc: { plan: 'none' | EncryptionPlan } = { plan: 'none' };
  /** LUKS2 on `device` when the profile asks for it: what is made on it then is the opened mapping. */
  const luks = (device: string, holds: EncryptionPlan['holds'], boot: string): string => {
    const e = storage.encryption;
    if (!e || !encrypts(p)) return device;
    enc.plan = {
      type: 'luks2',
      device,
      name: LUKS_NAME,
      opened: `/dev/mapper/${LUKS_NAME}`,
      holds,
      cipher: e.cipher,
      keyBits: LUKS_KEY_BITS[e.cipher] ?? 512,
      pbkdf: e.pbkdf,
      boot,
      tpm2: e.tpm2 ? 'unknown' : 'not asked',
    };
    return enc.plan.opened;
  };
  /** The plain /boot of an encrypted install: the boot partition, or an md RAID1 of them (whatever the system's level). */
  const boot = (): string => {
    if (!encrypts(p)) return '';
    if (!mdadm) return partOf(first, 'boot')!;
    const members = partitions.map((l) => partOf(l, 'boot')!);
    const device = `/dev/md${raid.length}`;
    raid.push({
      device,
      level: 'raid1',
      members,
      sizeBytes: Math.max(0, spaces[0]!.partitions.find((x) => x.role === 'boot')!.sizeBytes - MD_RESERVE_BYTES),
      holds: 'boot',
    });
    return device;
  };
  if (storage.filesystem === 'lvm-thin') {
    const pvDevice = mdadm ? md('lvm', 'lvm') : partOf(first, 'lvm')!;
    const pv = luks(pvDevice, 'lvm', boot());
    const l = lvmSizes(p, systemBytes(p, spaces));
    plan = {
      kind: 'lvm-thin',
      vg: VG_NAME,
      pv,
      vgBytes: l.vgBytes,
      volumes: [
        { name: 'root', sizeBytes: l.rootBytes, purpose: 'ext4, mounted at /' },
        ...(l.swapBytes > 0 ? [{ name: 'swap', sizeBytes: l.swapBytes, purpose: 'swap' }] : []),
        { name: 'data', sizeBytes: l.dataBytes, metadataBytes: l.metadataBytes, purpose: 'thin pool for guest disks' },
      ],
      freeBytes: l.freeBytes,
    };
    filesystems.push({ device: `/dev/${VG_NAME}/root`, type: 'ext4', mount: '/', label: 'root' });
    if (l.swapBytes > 0) filesystems.push({ device: `/dev/${VG_NAME}/swap`, type: 'swap', mount: 'swap' });
  } else if (storage.filesystem === 'zfs') {
    const devices = partitions.map((l) => partOf(l, 'zfs')!);
    plan = {
      kind: 'zfs',
      pool: ZFS_POOL,
      vdevs: zfsVdevs(storage.raid, devices),
      ashift: storage.zfs.ashift,
      compression: storage.zfs.compression,
      ...(storage.zfs.arcMax ? { arcMaxBytes: parseSize(storage.zfs.arcMax) } : {}),
      sizeBytes: systemBytes(p, spaces),
      datasets: [
        { name: ROOT_DATASET, mount: '/', purpose: 'the system' },
        { name: `${ZFS_POOL}/data`, mount: `/${ZFS_POOL}/data`, purpose: 'guest disks (zvols)' },
      ],
    };
    filesystems.push({ device: ROOT_DATASET, type: 'zfs', mount: '/' });
  } else {
    const swapBytes = spaces[0]!.partitions.find((x) => x.role === 'swap')?.sizeBytes ?? 0;
    const swap = swapBytes > 0 ? (mdadm ? md('swap', 'swap') : partOf(first, 'swap')) : undefined;
    const rootDevice = mdadm ? md('root', 'root') : partOf(first, 'root')!;
    const root = luks(rootDevice, 'root', boot());
    const rootBytes =
      (mdadm ? raid.find((a) => a.device === rootDevice)!.sizeBytes : spaces[0]!.partitions.find((x) => x.role === 'root')!.sizeBytes) -
      (root === rootDevice ? 0 : LUKS2_HEADER_BYTES);
    plan = {
      kind: 'plain',
      filesystem: storage.filesystem,
      root,
      rootBytes,
      ...(swap ? { swap } : {}),
      swapBytes: swap ? (mdadm ? raid.find((a) => a.device === swap)!.sizeBytes : swapBytes) : 0,
    };
    filesystems.push({ device: root, type: storage.filesystem, mount: '/', label: 'root' });
    if (swap) filesystems.push({ device: swap, type: 'swap', mount: 'swap' });
  }
  // The plain /boot is mounted under the root, before the ESP (which is mounted under it).
  if (enc.plan !== 'none') filesystems.splice(0, 0, { device: enc.plan.boot, type: 'ext4', mount: BOOT_MOUNT, label: 'boot' });
  return { partitions, raid, storage: plan, filesystems, encryption: enc.plan };
}

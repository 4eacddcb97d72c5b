import type { DiskFacts, PartitionFacts, SignatureFacts } from '../../profiles/facts.js';
import type { DISK_TRANSPORTS } from '../../profiles/schema/install.js';
import { safeText } from '../../core/text.js';

/** One device of `lsblk --json --bytes -O`, the fields read here (names as util-linux 2.38-2.41 print them). */
interface LsblkDevice {
  name?: string;
  kname?: string;
  path?: string;
  type?: string;
  size?: number | string | null;
  'log-sec'?: number | string | null;
  'phy-sec'?: number | string | null;
  rota?: boolean | string | null;
  rm?: boolean | string | null;
  ro?: boolean | string | null;
  tran?: string | null;
  subsystems?: string | null;
  model?: string | null;
  vendor?: string | null;
  serial?: string | null;
  wwn?: string | null;
  pttype?: string | null;
  fstype?: string | null;
  label?: string | null;
  uuid?: string | null;
  mountpoint?: string | null;
  mountpoints?: (string | null)[] | null;
  children?: LsblkDevice[];
}

/** Mount points that mean "the system runs from here": live-boot's medium, casper's, and a running root. */
export const BOOT_MOUNTS = ['/run/live/medium', '/lib/live/mount/medium', '/run/initramfs/live', '/cdrom', '/'];
/**
 * Kernel disks that are never install targets: memory and network-backed block devices, and
 * floppy drives (QEMU's pc machine and old servers have one; lsblk shows it as a 4 KiB disk).
 */
const NOT_DISKS = /^(zram|ram|loop|nbd|drbd|rbd|fd)[0-9]/;

const bool = (v: unknown) => v === true || v === '1' || v === 1;
const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : undefined);
/** A text property: trimmed, one line, no empty strings. */
function text(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const t = safeText(v.trim()).slice(0, 256);
  return t === '' ? undefined : t;
}

function transport(d: LsblkDevice): (typeof DISK_TRANSPORTS)[number] | undefined {
  const tran = d.tran ?? '';
  if (tran === 'sata' || tran === 'ata') return 'sata';
  if (tran === 'sas' || tran === 'nvme' || tran === 'usb' || tran === 'mmc') return tran;
  if (['iscsi', 'fc', 'spi', 'srp', 'sbp'].includes(tran)) return 'scsi';
  const subs = (d.subsystems ?? '').split(':');
  if (subs.includes('nvme')) return 'nvme';
  if (subs.includes('usb')) return 'usb';
  if (subs.includes('mmc')) return 'mmc';
  if (subs.includes('scsi')) return 'scsi';
  if (subs.includes('virtio')) return 'virtio';
  return undefined;
}

function mounts(d: LsblkDevice): string[] {
  const own = (d.mountpoints ?? [d.mountpoint ?? null]).filter((m): m is string => typeof m === 'string');
  return [...own, ...(d.children ?? []).flatMap(mounts)];
}

/** What lsblk itself says is on a device (its udev or libblkid view), as signatures. */
function lsblkSignatures(d: LsblkDevice, on: string): SignatureFacts[] {
  const out: SignatureFacts[] = [];
  if (d.pttype) out.push(signature(on, d.pttype, text(d.label), text(d.uuid)));
  if (d.fstype) out.push(signature(on, d.fstype, text(d.label), text(d.uuid)));
  return out;
}

const FILESYSTEMS = new Set([
  'ext2',
  'ext3',
  'ext4',
  'xfs',
  'btrfs',
  'vfat',
  'fat',
  'msdos',
  'exfat',
  'ntfs',
  'iso9660',
  'udf',
  'jfs',
  'reiserfs',
  'f2fs',
  'squashfs',
  'hfs',
  'hfsplus',
  'apfs',
  'nilfs2',
  'bcachefs',
  'erofs',
  'ufs',
  'zonefs',
]);
const PARTITION_TABLES = new Set(['gpt', 'dos', 'PMBR', 'atari', 'bsd', 'sun', 'sgi', 'mac', 'minix', 'solaris', 'unixware']);

/** Classifies a libblkid type name. */
export function signatureKind(type: string): SignatureFacts['kind'] {
  if (PARTITION_TABLES.has(type)) return 'partition-table';
  if (type === 'swap' || type === 'swsuspend') return 'swap';
  if (/^LVM[12]_member$/.test(type)) return 'lvm';
  if (/_raid_member$/.test(type)) return 'md-raid';
  if (type === 'zfs_member') return 'zfs';
  if (type === 'crypto_LUKS') return 'luks';
  return FILESYSTEMS.has(type) ? 'filesystem' : 'other';
}

export function signature(on: string, type: string, label?: string, uuid?: string, offset?: number): SignatureFacts {
  const t = /^[A-Za-z0-9_.-]{1,64}$/.test(type) ? type : 'unknown';
  return { on, type: t, kind: signatureKind(t), ...(offset === undefined ? {} : { offset }), ...(label ? { label } : {}), ...(uuid ? { uuid } : {}) };
}

/**
 * Whole disks from `lsblk --json --bytes -O`: their properties, partitions and what lsblk sees
 * on them. Signatures from wipefs are merged in by facts-from-raw.ts.
 */
export function parseLsblk(json: string): DiskFacts[] {
  const doc = JSON.parse(json) as { blockdevices?: LsblkDevice[] };
  const out: DiskFacts[] = [];
  for (const d of doc.blockdevices ?? []) {
    const name = d.kname ?? d.name;
    const size = num(d.size);
    if (d.type !== 'disk' || !name || !/^[a-z][a-z0-9_.:!+-]{0,63}$/.test(name) || NOT_DISKS.test(name) || !size) continue;
    const parts = (d.children ?? []).filter((c) => c.type === 'part');
    const partitions: PartitionFacts[] = parts.flatMap((c) => {
      const pname = c.kname ?? c.name;
      if (!pname || !/^[a-z][a-z0-9_.:!+-]{0,63}$/.test(pname)) return [];
      const fstype = text(c.fstype);
      const label = text(c.label);
      return [{ name: pname, sizeBytes: num(c.size) ?? 0, ...(fstype ? { fstype } : {}), ...(label ? { label } : {}), mountpoints: mounts(c) }];
    });
    const signatures = [...lsblkSignatures(d, name), ...parts.flatMap((c) => lsblkSignatures({ ...c, pttype: null }, c.kname ?? c.name ?? name))];
    const disk: DiskFacts = {
      name,
      path: `/dev/${name}`,
      sizeBytes: size,
      logicalSectorSize: num(d['log-sec']) ?? 512,
      physicalSectorSize: num(d['phy-sec']) ?? num(d['log-sec']) ?? 512,
      byId: [],
      byPath: [],
      rotational: bool(d.rota),
      removable: bool(d.rm),
      readOnly: bool(d.ro),
      bootMedium: mounts(d).some((m) => BOOT_MOUNTS.includes(m)),
      partitions,
      signatures,
    };
    const t = transport(d);
    if (t) disk.transport = t;
    for (const k of ['serial', 'model', 'vendor', 'wwn'] as const) {
      const v = text(d[k]);
      if (v) disk[k] = v;
    }
    if (d.pttype) disk.partitionTable = text(d.pttype)!;
    out.push(disk);
  }
  return out;
}

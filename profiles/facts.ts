import type { Static } from '@sinclair/typebox';
import { obj, str, bool, int, oneOfStrings, list, line, Type } from '../core/schema-helpers.js';
import { DISK_TRANSPORTS } from './schema/install.js';

/**
 * What the installer finds on the machine, for the rules that check a profile against the
 * hardware and for the install plan (pve-installer's answer + facts). `debvisor facts` gathers
 * it on the target and can save it as a file; a facts file recorded on one machine plans for
 * that machine anywhere. Plain validation (`profile validate`, the build spec's embedded
 * profile) passes NO_FACTS, and a rule then checks only what the profile itself says. Facts are
 * passed in, never probed inside a rule. Each part is absent when it was not gathered, and a
 * list is empty when nothing was found.
 *
 * A facts file is input from elsewhere (a rack's answer server POSTs them, an operator copies
 * them around): names that later reach a command line (`/dev/...`, interface names) are held to
 * what the kernel and udev make, and every text is one line.
 */

/** The facts file format; a new version is a new number. */
export const FACTS_VERSION = 1;

/** Kernel block device names: `sda`, `nvme0n1`, `vda`, `mmcblk0`, `sda1`, `nvme0n1p2`. */
export const BLOCK_NAME_PATTERN = '^[a-z][a-z0-9_.:!+-]{0,63}$';
/** Kernel interface names: at most 15 bytes (IFNAMSIZ), no `/`, no space. */
export const IFNAME_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_.:@-]{0,14}$';
/** udev's /dev/disk/by-id and by-path link names (udev writes odd characters as `\xNN`). */
export const DEV_LINK_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:@+,=#%\\\\-]{0,254}$';
export const MAC_PATTERN = '^[0-9a-f]{2}(:[0-9a-f]{2}){5}$';

const text = (description: string) => str(description, { maxLength: 256 });
const bytes = (description: string) => Type.Integer({ description, minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

/** What a signature found on a disk is, in the words the plan uses. */
export const SIGNATURE_KINDS = ['partition-table', 'filesystem', 'swap', 'lvm', 'md-raid', 'zfs', 'luks', 'other'] as const;

export const SignatureFactsSchema = obj('A signature libblkid (wipefs, blkid -p) found: the sign that something is stored there.', {
  on: str('The disk or partition it is on (kernel name).', { pattern: BLOCK_NAME_PATTERN }),
  type: str('The signature type as libblkid names it: `gpt`, `dos`, `ext4`, `LVM2_member`, `linux_raid_member`, `zfs_member`, `crypto_LUKS`...', {
    pattern: '^[A-Za-z0-9_.-]{1,64}$',
  }),
  kind: oneOfStrings(
    'What it is: a partition table, a filesystem, swap, an LVM physical volume, an md RAID member, a ZFS pool member, a LUKS container, or something else.',
    SIGNATURE_KINDS,
  ),
  offset: Type.Optional(bytes('Byte offset of the signature on the device.')),
  label: Type.Optional(text('Label of the filesystem, array or pool, when it has one.')),
  uuid: Type.Optional(text('UUID of the filesystem, array or pool, when it has one.')),
});

export const PartitionFactsSchema = obj('A partition on a disk.', {
  name: str('Kernel name: `sda1`, `nvme0n1p2`.', { pattern: BLOCK_NAME_PATTERN }),
  sizeBytes: bytes('Size in bytes.'),
  fstype: Type.Optional(text('What libblkid found on it: `ext4`, `vfat`, `LVM2_member`...')),
  label: Type.Optional(text('Filesystem label.')),
  mountpoints: list('Where it is mounted now (empty when it is not).', line({ maxLength: 4096 }), { maxItems: 64 }),
});

export const DiskFactsSchema = obj(
  'One whole disk (no partitions, no device-mapper or md devices): what `install.disks.match` selects by, and what is on it now.',
  {
    name: str('Kernel name: `sda`, `nvme0n1`, `vda`.', { pattern: BLOCK_NAME_PATTERN }),
    path: str('Device path: `/dev/sda`.', { pattern: '^/dev/[a-z][a-z0-9_.:!+-]{0,63}$' }),
    sizeBytes: bytes('Size in bytes.'),
    logicalSectorSize: int('Logical sector size in bytes (512, or 4096 on a 4Kn disk).', { minimum: 512, maximum: 65536 }),
    physicalSectorSize: int('Physical sector size in bytes (4096 on 512e and 4Kn disks).', { minimum: 512, maximum: 65536 }),
    serial: Type.Optional(text('Serial number.')),
    model: Type.Optional(text('Model name.')),
    vendor: Type.Optional(text('Vendor.')),
    wwn: Type.Optional(text('World Wide Name.')),
    byId: list('Names under /dev/disk/by-id.', str('One name.', { pattern: DEV_LINK_PATTERN }), { maxItems: 64 }),
    byPath: list('Names under /dev/disk/by-path.', str('One name.', { pattern: DEV_LINK_PATTERN }), { maxItems: 64 }),
    transport: Type.Optional(oneOfStrings('Bus the disk is attached by.', DISK_TRANSPORTS)),
    rotational: bool('`true` for spinning disks.', false),
    removable: bool('The kernel marks the medium removable (USB sticks, card readers).', false),
    readOnly: bool('The device is read-only.', false),
    bootMedium: bool(
      "The medium the running system was started from (the installer's USB stick or disk, or the disk holding the running root filesystem): never a target.",
      false,
    ),
    partitionTable: Type.Optional(text('Partition table type: `gpt` or `dos`; absent when there is none.')),
    partitions: list('Partitions on the disk.', PartitionFactsSchema, { maxItems: 256 }),
    signatures: list('Every signature found on the disk and its partitions (empty on a blank disk).', SignatureFactsSchema, { maxItems: 1024 }),
    unprobed: Type.Optional(
      list(
        'The disk and partitions whose signature probe (wipefs) did not answer: what is on them is unknown, so the disk counts as holding data.',
        str('A kernel name.', { pattern: BLOCK_NAME_PATTERN }),
        { maxItems: 257 },
      ),
    ),
  },
);

export const NicFactsSchema = obj('One physical network interface (no bridges, bonds, VLANs or virtual interfaces): what `network.*.match` selects by.', {
  name: str('Kernel name: `enp3s0f0`.', { pattern: IFNAME_PATTERN }),
  mac: str('The MAC address selectors and name pinning use: the permanent one when the kernel reports it, else the current one; lower case with colons.', {
    pattern: MAC_PATTERN,
  }),
  currentMac: Type.Optional(
    str('The current MAC address, when it differs from the permanent one (a bond member, a changed address).', { pattern: MAC_PATTERN }),
  ),
  driver: Type.Optional(text('Kernel driver: `ixgbe`, `virtio_net`.')),
  link: bool('Carrier seen when the facts were gathered.', false),
  speedMbps: Type.Optional(int('Link speed in Mbit/s, when the link is up and the driver says.', { minimum: 0, maximum: 10_000_000 })),
});

export const FactsSchema = obj(
  'Hardware facts of one machine, as `debvisor facts` gathers them (lsblk, /sys, /proc, blkid/wipefs probes, all read-only).',
  {
    factsVersion: Type.Optional(Type.Literal(FACTS_VERSION, { description: 'Facts file format version; always 1.' })),
    gathered: Type.Optional(
      obj('When and where the facts were gathered.', {
        at: Type.Optional(text('Time, ISO 8601.')),
        hostname: Type.Optional(text('Host name of the running system.')),
        by: Type.Optional(text('The tool and its version.')),
      }),
    ),
    firmware: Type.Optional(
      obj('How the machine booted.', {
        mode: oneOfStrings('`uefi` when /sys/firmware/efi exists, else `bios`.', ['bios', 'uefi'] as const),
        secureBoot: Type.Optional(Type.Boolean({ description: 'Secure Boot is on (UEFI only; absent when unknown).' })),
      }),
    ),
    disks: Type.Optional(list('Whole disks.', DiskFactsSchema, { maxItems: 1024 })),
    nics: Type.Optional(list('Physical network interfaces.', NicFactsSchema, { maxItems: 1024 })),
    cpu: Type.Optional(
      obj('Processors.', {
        model: Type.Optional(text('Model name.')),
        sockets: int('Physical packages.', { minimum: 1, maximum: 1024 }),
        cores: int('Physical cores in all sockets.', { minimum: 1, maximum: 1_000_000 }),
        threads: int('Logical CPUs.', { minimum: 1, maximum: 1_000_000 }),
        virtualization: oneOfStrings('Hardware virtualization the CPU offers: `vmx` (Intel VT-x), `svm` (AMD-V) or `none`.', ['vmx', 'svm', 'none'] as const),
      }),
    ),
    memory: Type.Optional(obj('Memory.', { totalBytes: bytes('Memory the kernel sees, in bytes.') })),
    dmi: Type.Optional(
      obj('The machine as its firmware names it (/sys/class/dmi/id).', {
        vendor: Type.Optional(text('System vendor.')),
        product: Type.Optional(text('Product name.')),
        serial: Type.Optional(text('System serial number.')),
        uuid: Type.Optional(text('System UUID.')),
      }),
    ),
    tpm: Type.Optional(
      obj('The Trusted Platform Module (/sys/class/tpm); absent when the facts were gathered by a version that did not look.', {
        version: oneOfStrings('`2.0`, `1.2`, or `none` when the machine shows no TPM.', ['2.0', '1.2', 'none'] as const),
      }),
    ),
    image: Type.Optional(
      obj('What the running (installer) image carries.', {
        zfs: bool('The image has the ZFS module and tools, so it can make a ZFS pool.', false),
      }),
    ),
  },
  { $id: 'https://debvisor.com/schemas/facts-v1.json', $schema: 'http://json-schema.org/draft-07/schema#' },
);

export type HardwareFacts = Static<typeof FactsSchema>;
export type DiskFacts = Static<typeof DiskFactsSchema>;
export type PartitionFacts = Static<typeof PartitionFactsSchema>;
export type SignatureFacts = Static<typeof SignatureFactsSchema>;
export type NicFacts = Static<typeof NicFactsSchema>;
export type SignatureKind = (typeof SIGNATURE_KINDS)[number];

/** No facts: validation of the profile alone. */
export const NO_FACTS: HardwareFacts = Object.freeze({});

/** Whether anything is stored on the disk now: a partition table, a filesystem, RAID, LVM, ZFS or LUKS. */
export function holdsData(d: DiskFacts): boolean {
  // A probe that did not answer is not a blank disk: unknown contents are treated as data.
  return d.signatures.length > 0 || d.partitions.length > 0 || d.partitionTable !== undefined || (d.unprobed?.length ?? 0) > 0;
}

/** What is on the disk, in plain words: `gpt partition table, ext4 on sda1, md RAID member (old:0)`. */
export function describeContents(d: DiskFacts): string {
  if (!holdsData(d)) return 'blank';
  const words = d.signatures.map((s) => {
    const what = s.kind === 'partition-table' ? `${s.type} partition table` : s.kind === 'filesystem' ? s.type : KIND_WORDS[s.kind];
    const label = s.label ? ` '${s.label}'` : '';
    return s.on === d.name ? `${what}${label}` : `${what}${label} on ${s.on}`;
  });
  if (words.length === 0 && d.partitionTable) words.push(`${d.partitionTable} partition table`);
  if (d.unprobed?.length) words.push(`unknown contents (no answer from the signature probe of ${d.unprobed.join(', ')})`);
  return [...new Set(words)].join(', ');
}

const KIND_WORDS: Record<SignatureKind, string> = {
  'partition-table': 'partition table',
  filesystem: 'filesystem',
  swap: 'swap',
  lvm: 'LVM physical volume',
  'md-raid': 'md RAID member',
  zfs: 'ZFS pool member',
  luks: 'LUKS container',
  other: 'unknown signature',
};

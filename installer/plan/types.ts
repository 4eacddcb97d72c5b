import type { Finding } from '../../core/issue.js';
import type { PartitionRole } from '../../profiles/rules/layout.js';

/**
 * What an install will do, as plain data: planInstall's answer, printed by `install plan`,
 * followed step by step by the executor. Sizes are bytes; devices are paths under /dev.
 */
export interface InstallPlan {
  /** True when nothing stops the install; the steps are empty otherwise. */
  ok: boolean;
  /** Refusals: each names the profile key to change and what to do. */
  errors: Finding[];
  /** Things worth knowing that do not stop the install. */
  notes: string[];
  node: { hostname: string; fqdn: string };
  machine: MachineSummary;
  disks: DiskSelection;
  /** Every disk that is wiped, with what is on it now: what the operator must read first. */
  wipe: WipedDisk[];
  partitions: DiskPartitions[];
  raid: RaidArray[];
  /** Disk encryption (install.storage.encryption): LUKS2 below LVM or the root filesystem, or none. */
  encryption: 'none' | EncryptionPlan;
  storage?: StoragePlan;
  filesystems: FilesystemPlan[];
  network?: NetworkPlan;
  accounts: AccountsPlan;
  /** The hardened defaults (overlays' render FileSet): paths and modes, not contents. */
  files: PlannedFile[];
  /** Files the installer itself writes on the target. */
  systemFiles: string[];
  bootloaders: BootloaderPlan[];
  kernelArgs: string[];
  firstBootUnits: string[];
  enabledUnits: string[];
  steps: PlanStep[];
  finish: 'reboot' | 'poweroff';
  onError: 'halt' | 'reboot' | 'poweroff';
}

export interface MachineSummary {
  firmware: 'bios' | 'uefi' | 'unknown';
  secureBoot?: boolean;
  vendor?: string;
  product?: string;
  serial?: string;
  cpu?: string;
  memoryBytes?: number;
}

export interface CandidateDisk {
  path: string;
  sizeBytes: number;
  description: string;
  matched: boolean;
  /** Why it matched (each selector property), or why not. */
  why: string[];
  holds: string;
}

export interface DiskSelection {
  /** The selector as the profile gives it. */
  match: Record<string, unknown>;
  expect: number;
  /** Every disk of the machine, matched or not, in the facts' order. */
  candidates: CandidateDisk[];
  /** The chosen disks' paths; empty when the count is not `expect` (the plan stops there). */
  chosen: string[];
}

export interface WipedDisk {
  path: string;
  sizeBytes: number;
  model?: string;
  serial?: string;
  byId?: string;
  /** What is on it now, in plain words (`blank` when nothing is). */
  holds: string;
}

export interface PlannedPartition {
  number: number;
  device: string;
  role: PartitionRole;
  typeCode: string;
  /** GPT partition name. */
  name: string;
  startBytes: number;
  sizeBytes: number;
}

export interface DiskPartitions {
  disk: string;
  table: 'gpt';
  logicalSectorSize: number;
  partitions: PlannedPartition[];
  unusedBytes: number;
}

export interface RaidArray {
  device: string;
  level: string;
  members: string[];
  sizeBytes: number;
  holds: 'lvm' | 'root' | 'swap' | 'boot';
}

/** LUKS2 on the system device (the LVM partition or md array, or the root one); /boot and the ESP stay plain. */
export interface EncryptionPlan {
  type: 'luks2';
  /** What cryptsetup formats: a partition or an md array. */
  device: string;
  /** The device-mapper name it is opened as, in the live system and in the node's crypttab. */
  name: string;
  /** `/dev/mapper/NAME`: what LVM or the root filesystem is made on. */
  opened: string;
  holds: 'lvm' | 'root';
  cipher: string;
  keyBits: number;
  pbkdf: string;
  /** The unencrypted /boot (kernel and initramfs) GRUB reads. */
  boot: string;
  /** Whether the TPM 2.0 is enrolled as a second key: `enrol`, or why not. */
  tpm2: 'enrol' | 'not asked' | 'no TPM 2.0' | 'unknown';
}

export type StoragePlan =
  | { kind: 'lvm-thin'; vg: string; pv: string; vgBytes: number; volumes: LogicalVolume[]; freeBytes: number }
  | {
      kind: 'zfs';
      pool: string;
      vdevs: { type: string; devices: string[] }[];
      ashift: number;
      compression: string;
      arcMaxBytes?: number;
      sizeBytes: number;
      datasets: { name: string; mount: string; purpose: string }[];
    }
  | { kind: 'plain'; filesystem: 'ext4' | 'xfs'; root: string; rootBytes: number; swap?: string; swapBytes: number };

export interface LogicalVolume {
  name: string;
  sizeBytes: number;
  purpose: string;
  /** Thin pool metadata size (the pool only). */
  metadataBytes?: number;
}

export interface FilesystemPlan {
  device: string;
  type: 'ext4' | 'xfs' | 'vfat' | 'swap' | 'zfs';
  mount: string;
  label?: string;
}

export interface NetworkPlan {
  /** The tool that brings the network up on the node. */
  stack: 'ifupdown2';
  /** Physical interfaces and their pinned names (`.link` files by MAC). */
  interfaces: { name: string; mac: string; pinnedName?: string; role: 'management' | 'bond member' | 'unused'; link: boolean }[];
  bond?: { name: string; mode: string; members: string[]; miimon: number; xmitHashPolicy?: string };
  bridge?: { name: string; ports: string[]; vlanAware: boolean };
  vlan?: { id: number; device: string };
  /** The interface that carries the node's address. */
  addressOn: string;
  mtu?: number;
  ipv4: { method: string; address?: string; gateway?: string };
  ipv6: { method: string; address?: string; gateway?: string };
  dns: { servers: string[]; search: string[] };
}

export interface AccountsPlan {
  root: 'locked';
  admin: { name: string; groups: string[]; sshKeys: number; password: boolean; totp: boolean };
}

export interface PlannedFile {
  id: string;
  path: string;
  mode: string;
  owner: string;
  check?: string;
  absent?: boolean;
}

export interface BootloaderPlan {
  kind: 'grub-pc' | 'grub-efi' | 'efi-removable';
  disk: string;
  target: string;
}

export interface PlanStep {
  id: string;
  does: string;
}

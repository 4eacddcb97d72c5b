import type { DISK_TRANSPORTS } from './schema/install.js';

/**
 * What the installer finds on the machine, for the rules that check a profile against the
 * hardware (pve-installer's answer + facts). `debvisor facts` fills it on the target; plain
 * validation (`profile validate`, the build spec's embedded profile) passes NO_FACTS, and a
 * rule then checks only what the profile itself says. Facts are passed in, never probed inside
 * a rule. Each list is absent when it was not gathered, and empty when nothing was found.
 */
export interface HardwareFacts {
  /** How the machine booted the installer. */
  bootMode?: 'bios' | 'uefi';
  /** Whole disks (no partitions), as lsblk and /dev/disk/by-* describe them. */
  disks?: DiskFacts[];
  /** Physical network interfaces (no bridges, bonds or VLANs). */
  nics?: NicFacts[];
}

/** One disk: the properties `install.disks.match` selects by. */
export interface DiskFacts {
  /** Kernel name: `sda`, `nvme0n1`, `vda`. */
  name: string;
  sizeBytes: number;
  serial?: string;
  model?: string;
  vendor?: string;
  /** Names under /dev/disk/by-id and /dev/disk/by-path. */
  byId: string[];
  byPath: string[];
  transport?: (typeof DISK_TRANSPORTS)[number];
  rotational: boolean;
  /** The medium the installer runs from: never a target. */
  bootMedium: boolean;
}

/** One network interface: the properties `network.*.match` selects by. */
export interface NicFacts {
  /** Kernel name: `enp3s0f0`. */
  name: string;
  /** Permanent MAC address, lower case with colons. */
  mac: string;
  driver?: string;
  /** Carrier seen when the facts were gathered. */
  link: boolean;
}

/** No facts: validation of the profile alone. */
export const NO_FACTS: HardwareFacts = Object.freeze({});

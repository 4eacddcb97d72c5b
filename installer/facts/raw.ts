/**
 * What `debvisor facts` reads off a machine, as the tools and the kernel gave it, before any
 * parsing: one capture that the pure parsers (facts-from-raw.ts) turn into HardwareFacts. Tests
 * feed captured snapshots; gather.ts is the only place that reads the machine.
 */
export interface RawFacts {
  /** `lsblk --json --bytes -O`. */
  lsblk: string;
  /** `wipefs --no-act --json DEVICE` for each disk and partition, by kernel name; absent when it failed. */
  wipefs: Record<string, string>;
  /** /dev/disk/by-id and /dev/disk/by-path: link name → kernel name it points to. */
  byId: Record<string, string>;
  byPath: Record<string, string>;
  /** /sys/class/net/NAME for each interface with a `device` link (a physical one). */
  net: Record<string, RawNic>;
  /** `ip -json -details link show`, for the permanent MAC addresses (`permaddr`); absent when ip failed. */
  ipLink?: string;
  cpuinfo: string;
  meminfo: string;
  /** /sys/firmware/efi exists. */
  efi: boolean;
  /** The SecureBoot EFI variable's bytes (4 attribute bytes, then the value), when readable. */
  secureBootVar?: number[];
  /** /sys/class/dmi/id files: sys_vendor, product_name, product_serial, product_uuid. */
  dmi: Record<string, string>;
  /** tpm_version_major of each TPM under /sys/class/tpm (`2`, `1`); an empty list when there is none; absent in older captures. */
  tpm?: string[];
  /** The ZFS module and `zpool` are present in the running image. */
  zfs: boolean;
  hostname?: string;
  at?: string;
  by?: string;
}

export interface RawNic {
  address?: string;
  /** `1` with a link; absent when the kernel refused to say (interface down). */
  carrier?: string;
  speed?: string;
  /** ARPHRD type: `1` for Ethernet. */
  type?: string;
  /** Basename of the device/driver link. */
  driver?: string;
}

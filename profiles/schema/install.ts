import {
  obj,
  secret,
  bool,
  int,
  oneOfStrings,
  list,
  size,
  glob,
  httpsUrl,
  line,
  KERNEL_ARG_PATTERN,
  KERNEL_ARG_HINT,
  Type,
} from '../../core/schema-helpers.js';

export const DISK_TRANSPORTS = ['sata', 'sas', 'nvme', 'scsi', 'virtio', 'usb', 'mmc'] as const;
export const FILESYSTEMS = ['ext4', 'xfs', 'lvm-thin', 'zfs'] as const;
export const RAID_LEVELS = ['single', 'raid0', 'raid1', 'raid10', 'raidz1', 'raidz2', 'raidz3'] as const;
/** LUKS2 ciphers offered: the kernel's fast XTS modes (AES-NI), and Adiantum for CPUs without AES instructions. */
export const LUKS_CIPHERS = ['aes-xts-plain64', 'serpent-xts-plain64', 'xchacha12,aes-adiantum-plain64'] as const;
export const LUKS_PBKDFS = ['argon2id', 'argon2i', 'pbkdf2'] as const;
/** Shortest passphrase accepted, and the longest (cryptsetup reads at most 512 characters typed at a prompt). */
export const MIN_PASSPHRASE_LENGTH = 8;
export const MAX_PASSPHRASE_LENGTH = 512;

export const EncryptionSchema = obj(
  'Encrypt the system with LUKS2 (below LVM or the root filesystem; /boot and the ESP stay unencrypted). The passphrase is asked at every boot on the console.',
  {
    passphrase: secret('The LUKS2 passphrase: asked at boot on the console (and the serial port). Never saved on the node, never logged.', {
      minLength: MIN_PASSPHRASE_LENGTH,
      maxLength: MAX_PASSPHRASE_LENGTH,
      'x-hint': `a passphrase of ${MIN_PASSPHRASE_LENGTH} to ${MAX_PASSPHRASE_LENGTH} characters on one line; a few random words are easier to type at a console than symbols`,
    }),
    tpm2: bool(
      "Also enrol the machine's TPM 2.0 (systemd-cryptenroll, bound to PCR 7, the Secure Boot state) as a second key. Without a TPM in the facts the plan warns and only the passphrase is set.",
      false,
    ),
    cipher: oneOfStrings('LUKS2 cipher (`cryptsetup --cipher`), with a 512-bit key for the XTS modes.', LUKS_CIPHERS, 'aes-xts-plain64'),
    pbkdf: oneOfStrings('How the passphrase is stretched into a key (`cryptsetup --pbkdf`).', LUKS_PBKDFS, 'argon2id'),
  },
);

export const DiskMatchSchema = obj(
  'Properties a target disk must have; every given property must match. Text values are shell-style globs. An empty match takes every disk except the boot medium.',
  {
    serial: Type.Optional(glob('Serial number (glob).')),
    model: Type.Optional(glob('Model name (glob).')),
    vendor: Type.Optional(glob('Vendor (glob).')),
    byId: Type.Optional(glob('A name under /dev/disk/by-id (glob), for example `nvme-Samsung*`.')),
    path: Type.Optional(glob('A name under /dev/disk/by-path (glob), for example `pci-0000:03:00.0-*`.')),
    transport: Type.Optional(oneOfStrings('Bus the disk is attached by.', DISK_TRANSPORTS)),
    rotational: Type.Optional(Type.Boolean({ description: '`true` for spinning disks, `false` for SSD and NVMe.' })),
    minSize: Type.Optional(size('Smallest acceptable disk size.')),
    maxSize: Type.Optional(size('Largest acceptable disk size.')),
  },
  { default: {} },
);

export const InstallSchema = obj(
  'How the system is installed: which disks, what layout, and what happens at the end.',
  {
    disks: obj(
      'Target disks. The selector must match exactly `expect` disks, or the install stops before touching anything and lists the candidates.',
      {
        match: DiskMatchSchema,
        expect: int('How many disks the selector must match, exactly.', { minimum: 1, maximum: 64, default: 1 }),
      },
      { default: {} },
    ),
    storage: obj(
      'Storage layout on the target disks.',
      {
        filesystem: oneOfStrings(
          'Root storage: `ext4` or `xfs` on plain partitions, `lvm-thin` (ext4 root plus a thin pool for guests), or `zfs`.',
          FILESYSTEMS,
          'lvm-thin',
        ),
        raid: oneOfStrings('RAID level across the target disks. `raidz*` need zfs; `raid0/1/10` use ZFS vdevs or mdadm.', RAID_LEVELS, 'single'),
        swapSize: size('Swap size; `0G` for none.', '4G'),
        rootSize: Type.Optional(size('Root volume size; by default what is left after swap and the guest pool share.')),
        diskSize: Type.Optional(size('Use only this much of each disk (leave the rest unpartitioned).')),
        minFree: Type.Optional(size('lvm-thin: space left free in the volume group for snapshots.')),
        encryption: Type.Optional(EncryptionSchema),
        zfs: obj(
          'ZFS pool settings (only with `filesystem: zfs`).',
          {
            ashift: int('Pool sector size exponent (12 = 4 KiB sectors).', { minimum: 9, maximum: 16, default: 12 }),
            compression: oneOfStrings('Dataset compression.', ['on', 'off', 'lz4', 'zstd', 'gzip'] as const, 'lz4'),
            arcMax: Type.Optional(size('Upper limit of the ZFS ARC cache.')),
          },
          { default: {} },
        ),
      },
      { default: {} },
    ),
    wipe: bool('Allow wiping disks that hold partitions or filesystems. Without it such disks stop the install.', false),
    onError: oneOfStrings(
      'What to do when the install fails: stay on the error screen (`halt`, keeps the logs in view), `reboot` or `poweroff`.',
      ['halt', 'reboot', 'poweroff'] as const,
      'halt',
    ),
    finish: oneOfStrings('What to do after a successful install.', ['reboot', 'poweroff'] as const, 'reboot'),
    kernelArgs: list(
      'Extra kernel command-line arguments for the installed system, one per entry (`iommu=pt`); no spaces or quotes.',
      line({ description: 'One argument.', pattern: KERNEL_ARG_PATTERN, 'x-hint': KERNEL_ARG_HINT }),
      { default: [], maxItems: 64 },
    ),
    debugSshKeys: list(
      'SSH public keys (authorized_keys format) that may log in as root to the live system while the unattended install runs, to debug it remotely; with none, sshd stays off and the live firewall closed.',
      line({ description: 'One public key, one line.' }),
      { default: [], maxItems: 16 },
    ),
    progress: obj(
      'Where install progress goes besides the console.',
      {
        webhook: Type.Optional(
          obj('An HTTPS endpoint that receives every install event as JSON, signed with HMAC-SHA256.', {
            url: httpsUrl(
              'The endpoint: an https URL without user or password.',
              'progress webhooks use https:// and authenticate with secret, not with a user or password in the URL',
            ),
            secret: Type.Optional(secret('Shared secret for the `X-DebVisor-Signature` HMAC header.')),
          }),
        ),
      },
      { default: {} },
    ),
  },
  { default: {} },
);

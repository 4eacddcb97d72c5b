import { parseSize } from '../../core/sizes.js';
import { finding, type Rule } from './types.js';
import type { Finding } from '../../core/issue.js';

/** Disks each RAID level needs: [minimum, must be even]. Same limits as Proxmox's installer. */
export const RAID_MIN_DISKS: Record<string, { min: number; even?: boolean }> = {
  single: { min: 1 },
  raid0: { min: 1 },
  raid1: { min: 2 },
  raid10: { min: 4, even: true },
  raidz1: { min: 3 },
  raidz2: { min: 4 },
  raidz3: { min: 5 },
};

export const checkStorage: Rule = (p) => {
  const out: Finding[] = [];
  const { storage, disks } = p.install;
  const n = disks.expect;
  const need = RAID_MIN_DISKS[storage.raid]!;
  if (storage.raid === 'single' && n > 1) {
    out.push(
      finding(
        '/install/storage/raid',
        'E_RAID_DISKS',
        `raid single uses one disk but install.disks.expect is ${n}`,
        'choose raid1, raid10 or raidz*, or expect: 1',
      ),
    );
  } else if (n < need.min) {
    out.push(
      finding(
        '/install/storage/raid',
        'E_RAID_DISKS',
        `${storage.raid} needs at least ${need.min} disks, but install.disks.expect is ${n}`,
        `set install.disks.expect to ${need.min} or more, or choose another raid level`,
      ),
    );
  } else if (need.even && n % 2 !== 0) {
    out.push(finding('/install/storage/raid', 'E_RAID_DISKS', `${storage.raid} needs an even number of disks, but install.disks.expect is ${n}`));
  }
  if (storage.raid.startsWith('raidz') && storage.filesystem !== 'zfs') {
    out.push(
      finding(
        '/install/storage/raid',
        'E_RAID_FILESYSTEM',
        `${storage.raid} is a ZFS layout but filesystem is ${storage.filesystem}`,
        'set filesystem: zfs, or use raid1/raid10',
      ),
    );
  }
  if (storage.filesystem !== 'zfs' && p.install.storage.zfs.arcMax !== undefined) {
    out.push(finding('/install/storage/zfs/arcMax', 'E_ZFS_ONLY', 'zfs settings are only used with filesystem: zfs'));
  }
  if (storage.filesystem !== 'lvm-thin' && storage.minFree !== undefined) {
    out.push(finding('/install/storage/minFree', 'E_LVM_ONLY', 'minFree is only used with filesystem: lvm-thin'));
  }
  if (storage.encryption && storage.filesystem === 'zfs') {
    out.push(
      finding(
        '/install/storage/encryption',
        'E_ZFS_ENCRYPTION',
        'encryption (LUKS2) is not supported with filesystem zfs yet, and ZFS native encryption is not supported either',
        'choose lvm-thin (LUKS2 below LVM), ext4 or xfs for an encrypted install, or remove install.storage.encryption',
      ),
    );
  }
  if (storage.encryption && (storage.filesystem === 'ext4' || storage.filesystem === 'xfs') && parseSize(storage.swapSize) > 0) {
    out.push(
      finding(
        '/install/storage/swapSize',
        'E_ENCRYPTED_SWAP',
        `an encrypted ${storage.filesystem} install would keep its swap partition unencrypted (memory, keys included, written to disk in clear)`,
        'set swapSize: 0G, or choose lvm-thin, where swap is a volume inside the encrypted volume group',
      ),
    );
  }
  const { minSize, maxSize } = disks.match;
  if (minSize && maxSize && parseSize(minSize) > parseSize(maxSize)) {
    out.push(finding('/install/disks/match/maxSize', 'E_SIZE_RANGE', `maxSize ${maxSize} is smaller than minSize ${minSize}`));
  }
  const used = [storage.swapSize, storage.rootSize].filter((s): s is string => s !== undefined).reduce((a, s) => a + parseSize(s), 0);
  if (storage.diskSize && used > parseSize(storage.diskSize)) {
    out.push(finding('/install/storage/diskSize', 'E_SIZE_RANGE', `swapSize and rootSize together are larger than diskSize ${storage.diskSize}`));
  }
  return out;
};

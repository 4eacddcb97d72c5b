import { describe, it, expect } from 'vitest';
import { GiB, MiB, alignDown, alignUp, formatBytes } from '../../core/sizes.js';
import { applyDefaults } from '../validate.js';
import type { DiskFacts } from '../facts.js';
import { checkLayoutFits, diskSpace, lvmSizes, raidDataDisks, systemBytes, ESP_BYTES_LARGE, ESP_BYTES_SMALL, BIOS_BOOT_BYTES } from './layout.js';

const disk = (sizeBytes: number, logicalSectorSize = 512): DiskFacts => ({
  name: 'sda',
  path: '/dev/sda',
  sizeBytes,
  logicalSectorSize,
  physicalSectorSize: logicalSectorSize,
  byId: [],
  byPath: [],
  rotational: false,
  removable: false,
  readOnly: false,
  bootMedium: false,
  partitions: [],
  signatures: [],
});
const profile = (storage: Record<string, unknown> = {}, expect = 1) =>
  applyDefaults({ version: 1, install: { disks: { expect }, storage }, users: { admin: { name: 'alice' } } });

describe('size arithmetic', () => {
  it('formats and aligns binary sizes', () => {
    expect(formatBytes(512 * MiB)).toBe('512 MiB');
    expect(formatBytes(1000204886016)).toBe('931.5 GiB');
    expect(formatBytes(4000787030016)).toBe('3.6 TiB');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(alignDown(3 * MiB - 1, MiB)).toBe(2 * MiB);
    expect(alignUp(2 * MiB + 1, MiB)).toBe(3 * MiB);
  });

  it('lays out BIOS boot, ESP and the rest on 1 MiB boundaries, the ESP 1 GiB above 100 GiB', () => {
    const big = diskSpace(profile(), disk(1000204886016));
    expect(big.partitions.map((p) => [p.role, p.typeCode])).toEqual([
      ['bios-boot', 'EF02'],
      ['esp', 'EF00'],
      ['lvm', '8E00'],
    ]);
    expect(big.partitions[0]).toMatchObject({ startBytes: MiB, sizeBytes: BIOS_BOOT_BYTES });
    expect(big.partitions[1]).toMatchObject({ startBytes: 2 * MiB, sizeBytes: ESP_BYTES_LARGE });
    for (const p of big.partitions) {
      expect(p.startBytes % MiB).toBe(0);
      expect(p.sizeBytes % MiB).toBe(0);
    }
    const last = big.partitions[2]!;
    expect(last.startBytes + last.sizeBytes).toBeLessThanOrEqual(1000204886016 - MiB);
    expect(diskSpace(profile(), disk(64 * GiB)).partitions[1]!.sizeBytes).toBe(ESP_BYTES_SMALL);
  });

  it('leaves the BIOS boot partition out on 4Kn disks', () => {
    expect(diskSpace(profile(), disk(500 * GiB, 4096)).partitions.map((p) => p.role)).toEqual(['esp', 'lvm']);
  });

  it('honours diskSize, and puts swap before root on plain filesystems', () => {
    const s = diskSpace(profile({ filesystem: 'ext4', diskSize: '100G', swapSize: '4G' }), disk(1000 * GiB));
    expect(s.partitions.map((p) => p.role)).toEqual(['bios-boot', 'esp', 'swap', 'root']);
    expect(s.partitions[2]!.sizeBytes).toBe(4 * GiB);
    const end = s.partitions[3]!.startBytes + s.partitions[3]!.sizeBytes;
    expect(end).toBe(100 * GiB);
    expect(s.unusedBytes).toBe(900 * GiB);
  });

  it('splits LVM-thin like Proxmox: root a quarter (at most 96 GiB), free an eighth (at most 16 GiB), the rest the pool', () => {
    const small = lvmSizes(profile({ swapSize: '4G' }), 100 * GiB);
    expect(small.rootBytes).toBe(alignDown((100 * GiB - MiB) / 4, 4 * MiB));
    expect(small.freeBytes).toBe(alignDown((100 * GiB - MiB) / 8, 4 * MiB));
    expect(small.vgBytes - small.rootBytes - small.swapBytes - small.freeBytes - 2 * small.metadataBytes - small.dataBytes).toBeLessThan(4 * MiB);
    const big = lvmSizes(profile(), 4000 * GiB);
    expect(big.rootBytes).toBe(96 * GiB);
    expect(big.freeBytes).toBe(16 * GiB);
    expect(big.metadataBytes).toBe(16 * GiB);
  });

  it('counts the space RAID levels yield', () => {
    expect([
      raidDataDisks('single', 1),
      raidDataDisks('raid0', 3),
      raidDataDisks('raid1', 4),
      raidDataDisks('raid10', 6),
      raidDataDisks('raidz1', 3),
      raidDataDisks('raidz2', 6),
      raidDataDisks('raidz3', 7),
    ]).toEqual([1, 3, 1, 3, 2, 4, 4]);
    const p = profile({ raid: 'raid1' }, 2);
    const spaces = [disk(500 * GiB), disk(1000 * GiB)].map((d) => diskSpace(p, d));
    expect(systemBytes(p, spaces)).toBe(spaces[0]!.partitions[2]!.sizeBytes - 128 * MiB);
  });

  it('refuses a disk too small, naming the key to change', () => {
    expect(checkLayoutFits(profile(), [diskSpace(profile(), disk(12 * GiB))])).toMatchObject([{ path: '/install/disks/match', code: 'E_DISK_TOO_SMALL' }]);
    expect(checkLayoutFits(profile(), [diskSpace(profile(), disk(64 * GiB))])).toEqual([]);
    const tiny = profile({ filesystem: 'xfs', rootSize: '4G' });
    expect(checkLayoutFits(tiny, [diskSpace(tiny, disk(64 * GiB))])).toMatchObject([{ path: '/install/storage/rootSize', code: 'E_ROOT_TOO_SMALL' }]);
    const huge = profile({ filesystem: 'ext4', rootSize: '100G' });
    expect(checkLayoutFits(huge, [diskSpace(huge, disk(64 * GiB))])).toMatchObject([{ path: '/install/storage/rootSize', code: 'E_DISK_TOO_SMALL' }]);
    for (const f of checkLayoutFits(profile(), [diskSpace(profile(), disk(12 * GiB))])) expect(f.hint).toBeTruthy();
  });
});

import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { applyDefaults } from '../validate.js';
import { NO_FACTS, type HardwareFacts } from '../facts.js';
import type { PlainObject } from '../merge.js';
import { checkHardware } from './hardware.js';
import { selectDisks, selectNics } from './select.js';
import { RULES } from './index.js';

const fixture = (name: string) =>
  applyFactsDefaults(JSON.parse(readFileSync(new URL(`../../test/fixtures/facts/${name}.json`, import.meta.url), 'utf8')) as HardwareFacts);
/** The fixtures are complete facts files; nothing to fill. */
const applyFactsDefaults = (f: HardwareFacts) => f;
const profile = (over: PlainObject = {}) =>
  applyDefaults({ version: 1, node: { hostname: 'pve1', domain: 'example.com' }, users: { admin: { name: 'alice' } }, ...over });

describe('disk selector', () => {
  it('says why each disk matched or not, and never takes the boot medium', () => {
    const facts = fixture('usb-boot');
    const c = selectDisks({ transport: 'sata', minSize: '400G' }, facts.disks!);
    expect(c.map((x) => [x.device.name, x.matched])).toEqual([
      ['sda', false],
      ['sdb', true],
      ['sdc', true],
    ]);
    expect(c[0]!.excluded).toContain('boot medium');
    expect(c[1]!.checks.map((x) => x.says)).toEqual(['transport sata', 'size 447.1 GiB ≥ 400G']);
    expect(
      selectDisks({}, facts.disks!)
        .filter((x) => x.matched)
        .map((x) => x.device.name),
    ).toEqual(['sdb', 'sdc']);
    expect(selectDisks({ transport: 'usb' }, facts.disks!).filter((x) => x.matched)).toEqual([]);
  });
  it('matches by-id and by-path names, serials and models by glob', () => {
    const disks = fixture('four-disks-old-raid').disks!;
    const names = (m: Parameters<typeof selectDisks>[0]) =>
      selectDisks(m, disks)
        .filter((x) => x.matched)
        .map((x) => x.device.name);
    expect(names({ byId: 'wwn-*' })).toEqual(['sda', 'sdb', 'sdc', 'sdd']);
    expect(names({ serial: 'ZC1B*' })).toEqual(['sdb']);
    expect(names({ path: 'pci-0000:00:17.0-ata-[12]' })).toEqual(['sda', 'sdb']);
    expect(names({ model: 'ST4000*', rotational: true, maxSize: '3T' })).toEqual([]);
    const miss = selectDisks({ serial: 'NOPE*' }, disks)[0]!;
    expect(miss.checks[0]!.says).toBe("serial ZC1A0ABC does not match 'NOPE*'");
  });
});

describe('NIC selector', () => {
  it('an empty selector takes the interfaces with a link; MAC globs ignore case', () => {
    const nics = fixture('four-disks-old-raid').nics!;
    expect(
      selectNics({}, nics)
        .filter((c) => c.matched)
        .map((c) => c.device.name),
    ).toEqual(['eno1']);
    expect(selectNics({ mac: '3C:EC:EF:10:20:0?' }, nics).filter((c) => c.matched).length).toBe(2);
  });
  it('a MAC selector also sees the current address of a bond member', () => {
    const nics = fixture('bond-four-nics').nics!;
    expect(
      selectNics({ mac: '52:54:00:20:00:01' }, nics)
        .filter((c) => c.matched)
        .map((c) => c.device.name),
    ).toEqual(['ens2f0', 'ens2f1']);
  });
});

describe('hardware rules', () => {
  it('a disk whose contents could not be probed counts as holding data', () => {
    const facts = fixture('one-disk');
    const disks = facts.disks!.map((d) => ({ ...d, unprobed: [d.name] }));
    const found = checkHardware(profile(), { ...facts, disks });
    expect(found.find((f) => f.code === 'E_DISK_NOT_EMPTY')?.message).toContain('unknown contents');
    expect(checkHardware(profile(), facts).some((f) => f.code === 'E_DISK_NOT_EMPTY')).toBe(false);
  });
  it('say nothing without facts, so plain validation is unchanged', () => {
    expect(checkHardware(profile(), NO_FACTS)).toEqual([]);
    expect(RULES).toContain(checkHardware);
  });

  const cases: { name: string; facts: string; profile: PlainObject; path: string; code: string; says: string }[] = [
    {
      name: 'no disk matches',
      facts: 'one-disk',
      profile: { install: { disks: { match: { minSize: '2T' } } } },
      path: '/install/disks/match',
      code: 'E_DISK_COUNT',
      says: 'matches no disk; the disks: /dev/nvme0n1 931.5 GiB nvme',
    },
    {
      name: 'two disks for one',
      facts: 'used-nvme',
      profile: { install: { wipe: true } },
      path: '/install/disks/match',
      code: 'E_DISK_COUNT',
      says: 'matches 2 disks but install.disks.expect is 1',
    },
    {
      name: 'data without wipe',
      facts: 'used-nvme',
      profile: { install: { disks: { match: { serial: 'S5GXNF0R100123' } } } },
      path: '/install/wipe',
      code: 'E_DISK_NOT_EMPTY',
      says: 'gpt partition table, vfat on nvme0n1p2, LVM physical volume on nvme0n1p3',
    },
    {
      name: 'old RAID without wipe',
      facts: 'four-disks-old-raid',
      profile: { install: { disks: { expect: 4 }, storage: { raid: 'raid10' } }, network: { interface: { match: { name: 'eno1' } } } },
      path: '/install/wipe',
      code: 'E_DISK_NOT_EMPTY',
      says: "md RAID member 'oldnas:0' on sda1",
    },
    { name: '4Kn on BIOS', facts: '4kn-bios', profile: { install: { wipe: true } }, path: '/install/disks/match', code: 'E_DISK_4KN_BIOS', says: '4Kn' },
    { name: 'too small', facts: 'small-disk', profile: {}, path: '/install/disks/match', code: 'E_DISK_TOO_SMALL', says: '/dev/vda is too small' },
    {
      name: 'ashift below the sector size',
      facts: '4kn-uefi',
      profile: { install: { storage: { filesystem: 'zfs', zfs: { ashift: 9 } } } },
      path: '/install/storage/zfs/ashift',
      code: 'E_ZFS_ASHIFT',
      says: 'ashift 9',
    },
    {
      name: 'ZFS without ZFS in the image',
      facts: 'one-disk',
      profile: { install: { storage: { filesystem: 'zfs' } } },
      path: '/install/storage/filesystem',
      code: 'E_ZFS_UNAVAILABLE',
      says: 'no ZFS module',
    },
    {
      name: 'ARC as large as memory',
      facts: 'zfs-image-three-nvme',
      profile: { install: { disks: { expect: 3 }, storage: { filesystem: 'zfs', raid: 'raidz1', zfs: { arcMax: '1T' } } } },
      path: '/install/storage/zfs/arcMax',
      code: 'E_ZFS_ARC',
      says: '512 GiB',
    },
    { name: 'no interface with a link', facts: 'no-link', profile: {}, path: '/network/interface/match', code: 'E_NIC_COUNT', says: 'none has a link' },
    {
      name: 'two interfaces match',
      facts: 'two-nics',
      profile: { network: { interface: { match: { driver: 'ixgbe' } } } },
      path: '/network/interface/match',
      code: 'E_NIC_COUNT',
      says: 'matches 2 interfaces (enp65s0f0, enp65s0f1)',
    },
    {
      name: 'bond member twice',
      facts: 'bond-four-nics',
      profile: {
        install: { disks: { expect: 2 }, storage: { raid: 'raid1' } },
        network: { bond: { members: [{ name: 'eno1' }, { mac: '3c:ec:ef:20:00:01' }] } },
      },
      path: '/network/bond/members/1',
      code: 'E_NIC_DUPLICATE',
      says: 'both match eno1',
    },
  ];
  it.each(cases)('$name: $code at $path, with a hint', ({ facts, profile: over, path, code, says }) => {
    const found = checkHardware(profile(over), fixture(facts));
    const f = found.find((x) => x.code === code);
    expect(f, JSON.stringify(found)).toBeDefined();
    expect(f!.path).toBe(path);
    expect(f!.message).toContain(says);
    expect(f!.hint).toBeTruthy();
  });
});

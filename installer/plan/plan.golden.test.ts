import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validateProfile } from '../../profiles/validate.js';
import { loadFactsFile } from '../facts/facts-file.js';
import { planInstall } from './plan-install.js';
import { formatPlan } from './format-plan.js';

/**
 * Golden (profile, facts) → plan pairs, one table, as pve-installer tests its answer + sysinfo
 * → install config. Each profile is a few lines over test/fixtures/profiles/base.yaml (NVMe of
 * 200G or more, one disk, LVM-thin, swap 8G, wipe allowed, management NIC by MAC 52:54:00:*,
 * static IPv4); each facts file is a machine under test/fixtures/facts. The plan is kept twice:
 * as the operator reads it (`.txt`) and as data (`.json`).
 */
interface GoldenCase {
  name: string;
  facts: string;
  /** YAML merged over base.yaml. */
  profile: string;
  ok: boolean;
  /** Error codes the plan must carry (in any order). */
  codes?: string[];
}

const NIC_ENO1 = 'network:\n  interface:\n    match: { mac: null, name: eno1 }\n';
const DHCP = 'network:\n  ipv4: { method: dhcp, address: null, gateway: null }\n';
/** A LUKS passphrase: it must never reach a plan (the JSON and text goldens are checked for it). */
const LUKS = 'correct-horse-battery-staple';

const GOLDEN: GoldenCase[] = [
  // one NVMe, UEFI
  { name: 'lvm-thin-one-nvme', facts: 'one-disk', profile: '', ok: true },
  { name: 'ext4-one-nvme', facts: 'one-disk', profile: 'install:\n  storage: { filesystem: ext4 }\n', ok: true },
  { name: 'xfs-root-size', facts: 'one-disk', profile: 'install:\n  storage: { filesystem: xfs, rootSize: 64G, swapSize: 16G }\n', ok: true },
  { name: 'lvm-thin-sizes-given', facts: 'one-disk', profile: 'install:\n  storage: { rootSize: 32G, minFree: 8G, swapSize: 2G }\n', ok: true },
  { name: 'disk-size-limit', facts: 'one-disk', profile: 'install:\n  storage: { diskSize: 200G }\n', ok: true },
  { name: 'no-swap', facts: 'one-disk', profile: 'install:\n  storage: { swapSize: 0G }\n', ok: true },
  { name: 'blank-disk-without-wipe', facts: 'one-disk', profile: 'install:\n  wipe: false\n', ok: true },
  { name: 'selector-too-narrow', facts: 'one-disk', profile: 'install:\n  disks:\n    match: { minSize: 2T }\n', ok: false, codes: ['E_DISK_COUNT'] },
  { name: 'zfs-without-zfs-in-image', facts: 'one-disk', profile: 'install:\n  storage: { filesystem: zfs }\n', ok: false, codes: ['E_ZFS_UNAVAILABLE'] },
  {
    name: 'pinned-names',
    facts: 'one-disk',
    profile: 'network:\n  pinning:\n    names: { "52:54:00:12:34:56": mgmt0, "aa:bb:cc:dd:ee:ff": spare0 }\n',
    ok: true,
  },
  {
    name: 'no-bridge-ipv6-static',
    facts: 'one-disk',
    profile: 'network:\n  bridge: { enabled: false }\n  ipv6: { method: static, address: "2001:db8::10/64", gateway: "fe80::1" }\n',
    ok: true,
  },
  {
    name: 'poweroff-kernel-args',
    facts: 'one-disk',
    profile: 'install:\n  finish: poweroff\n  onError: poweroff\n  kernelArgs: [iommu=pt, intel_iommu=on]\n',
    ok: true,
  },
  // disks that hold data
  { name: 'used-disk-wiped', facts: 'used-nvme', profile: 'install:\n  disks:\n    match: { serial: S5GXNF0R100123 }\n', ok: true },
  {
    name: 'used-disk-without-wipe',
    facts: 'used-nvme',
    profile: 'install:\n  wipe: false\n  disks:\n    match: { serial: S5GXNF0R100123 }\n',
    ok: false,
    codes: ['E_DISK_NOT_EMPTY'],
  },
  { name: 'two-disks-for-one', facts: 'used-nvme', profile: '', ok: false, codes: ['E_DISK_COUNT'] },
  // four old RAID disks and a USB stick, BIOS
  {
    name: 'old-raid-raid10-lvm-thin',
    facts: 'four-disks-old-raid',
    profile: `install:\n  disks:\n    match: { transport: sata, minSize: null }\n    expect: 4\n  storage: { raid: raid10 }\n${NIC_ENO1}`,
    ok: true,
  },
  {
    name: 'old-raid-without-wipe',
    facts: 'four-disks-old-raid',
    profile: `install:\n  wipe: false\n  disks:\n    match: { transport: sata, minSize: null }\n    expect: 4\n  storage: { raid: raid10 }\n${NIC_ENO1}`,
    ok: false,
    codes: ['E_DISK_NOT_EMPTY'],
  },
  {
    name: 'old-raid-raid1-ext4',
    facts: 'four-disks-old-raid',
    profile: `install:\n  disks:\n    match: { transport: sata, minSize: null }\n    expect: 4\n  storage: { raid: raid1, filesystem: ext4 }\n${NIC_ENO1}`,
    ok: true,
  },
  {
    name: 'old-raid-raidz1-no-zfs',
    facts: 'four-disks-old-raid',
    profile: `install:\n  disks:\n    match: { transport: sata, minSize: null }\n    expect: 4\n  storage: { raid: raidz1, filesystem: zfs }\n${NIC_ENO1}`,
    ok: false,
    codes: ['E_ZFS_UNAVAILABLE'],
  },
  {
    name: 'empty-selector-skips-boot-medium',
    facts: 'four-disks-old-raid',
    profile: `install:\n  disks:\n    match: { transport: null, minSize: null }\n    expect: 4\n  storage: { raid: raid10, filesystem: xfs, swapSize: 4G }\n${NIC_ENO1}`,
    ok: true,
  },
  // booted from a USB stick, UEFI
  {
    name: 'usb-boot-raid1',
    facts: 'usb-boot',
    profile: `install:\n  disks:\n    match: { transport: sata }\n    expect: 2\n  storage: { raid: raid1 }\n${NIC_ENO1}`,
    ok: true,
  },
  {
    name: 'usb-boot-selects-usb',
    facts: 'usb-boot',
    profile: `install:\n  disks:\n    match: { transport: usb, minSize: null }\n${NIC_ENO1}`,
    ok: false,
    codes: ['E_DISK_COUNT'],
  },
  // network
  { name: 'no-link-empty-selector', facts: 'no-link', profile: 'network:\n  interface:\n    match: { mac: null }\n', ok: false, codes: ['E_NIC_COUNT'] },
  {
    name: 'no-link-by-mac-dhcp',
    facts: 'no-link',
    profile: `network:\n  interface:\n    match: { mac: "52:54:00:aa:00:01" }\n  ipv4: { method: dhcp, address: null, gateway: null }\n`,
    ok: true,
  },
  { name: 'two-nics-ambiguous', facts: 'two-nics', profile: '', ok: false, codes: ['E_NIC_COUNT'] },
  {
    name: 'two-nics-by-name-vlan-mtu',
    facts: 'two-nics',
    profile: 'network:\n  interface:\n    match: { mac: null, name: enp65s0f0 }\n  vlan: { id: 20 }\n  mtu: 9000\n',
    ok: true,
  },
  {
    name: 'bond-members-by-mac-ambiguous',
    facts: 'bond-four-nics',
    profile: `install:\n  disks: { expect: 2 }\n  storage: { raid: raid1 }\nnetwork:\n  interface: null\n  bond:\n    members: [{ mac: "52:54:00:20:00:01" }, { mac: "52:54:00:20:00:02" }]\n`,
    ok: false,
    codes: ['E_NIC_COUNT'],
  },
  {
    name: 'bond-lacp-vlan',
    facts: 'bond-four-nics',
    profile: `install:\n  disks: { expect: 2 }\n  storage: { raid: raid1 }\nnetwork:\n  interface: null\n  bond:\n    mode: 802.3ad\n    xmitHashPolicy: layer3+4\n    members: [{ name: ens2f0 }, { name: ens2f1 }]\n  vlan: { id: 100 }\n`,
    ok: true,
  },
  {
    name: 'bond-member-twice',
    facts: 'bond-four-nics',
    profile: `install:\n  disks: { expect: 2 }\n  storage: { raid: raid1 }\nnetwork:\n  interface: null\n  bond:\n    members: [{ name: eno1 }, { mac: "3c:ec:ef:20:00:01" }]\n`,
    ok: false,
    codes: ['E_NIC_DUPLICATE'],
  },
  // sector sizes
  { name: '4kn-uefi-lvm-thin', facts: '4kn-uefi', profile: 'install:\n  disks:\n    match: { transport: sas }\n', ok: true },
  { name: '4kn-bios-refused', facts: '4kn-bios', profile: 'install:\n  disks:\n    match: { transport: sas }\n', ok: false, codes: ['E_DISK_4KN_BIOS'] },
  {
    name: '4kn-zfs-ashift-9',
    facts: '4kn-uefi',
    profile: 'install:\n  disks:\n    match: { transport: sas }\n  storage:\n    filesystem: zfs\n    zfs: { ashift: 9 }\n',
    ok: false,
    codes: ['E_ZFS_ASHIFT', 'E_ZFS_UNAVAILABLE'],
  },
  // small disk, no VT-x
  {
    name: 'small-disk-lvm-thin',
    facts: 'small-disk',
    profile: `install:\n  disks:\n    match: { transport: virtio, minSize: null }\nnetwork:\n  interface:\n    match: { mac: null }\n`,
    ok: false,
    codes: ['E_DISK_TOO_SMALL'],
  },
  {
    name: 'small-disk-ext4',
    facts: 'small-disk',
    profile: `install:\n  disks:\n    match: { transport: virtio, minSize: null }\n  storage: { filesystem: ext4, swapSize: 1G }\nnetwork:\n  interface:\n    match: { mac: null }\n`,
    ok: true,
  },
  {
    name: 'small-disk-root-too-small',
    facts: 'small-disk',
    profile: `install:\n  disks:\n    match: { transport: virtio, minSize: null }\n  storage: { filesystem: ext4, swapSize: 1G, rootSize: 4G }\nnetwork:\n  interface:\n    match: { mac: null }\n`,
    ok: false,
    codes: ['E_ROOT_TOO_SMALL'],
  },
  // BIOS, two SATA SSDs of different sizes
  {
    name: 'bios-raid1-ext4',
    facts: 'bios-two-disks',
    profile: `install:\n  disks:\n    match: { transport: sata }\n    expect: 2\n  storage: { raid: raid1, filesystem: ext4 }\n${DHCP}`,
    ok: true,
  },
  {
    name: 'bios-raid0-xfs',
    facts: 'bios-two-disks',
    profile: `install:\n  disks:\n    match: { transport: sata }\n    expect: 2\n  storage: { raid: raid0, filesystem: xfs }\n${DHCP}`,
    ok: true,
  },
  {
    name: 'mixed-sizes-raid1-lvm-thin',
    facts: 'mixed-sizes',
    profile: 'install:\n  disks:\n    match: { transport: sata }\n    expect: 2\n  storage: { raid: raid1 }\n',
    ok: true,
  },
  // ZFS in the image, Secure Boot on
  {
    name: 'zfs-raidz1-bond',
    facts: 'zfs-image-three-nvme',
    profile: `install:\n  disks: { expect: 3 }\n  storage:\n    filesystem: zfs\n    raid: raidz1\n    zfs: { arcMax: 32G, compression: zstd }\nnetwork:\n  interface: null\n  bond:\n    mode: 802.3ad\n    members: [{ name: ens1f0 }, { name: ens1f1 }]\n`,
    ok: true,
  },
  {
    name: 'zfs-mirror-arc-too-large',
    facts: 'zfs-image-three-nvme',
    profile: `install:\n  disks: { expect: 3 }\n  storage:\n    filesystem: zfs\n    raid: raid1\n    zfs: { arcMax: 1T }\nnetwork:\n  interface:\n    match: { mac: null, name: eno1 }\n`,
    ok: false,
    codes: ['E_ZFS_ARC'],
  },
  {
    name: 'zfs-single-by-serial',
    facts: 'zfs-image-three-nvme',
    profile: `install:\n  disks:\n    match: { serial: S5GXNF0R102123 }\n  storage: { filesystem: zfs, swapSize: 0G }\nnetwork:\n  interface:\n    match: { mac: null, name: eno1 }\n`,
    ok: true,
  },
  // LUKS2 below LVM or the root filesystem, a plain /boot beside the ESP
  { name: 'lvm-thin-luks', facts: 'one-disk', profile: `install:\n  storage:\n    encryption: { passphrase: ${LUKS} }\n`, ok: true },
  {
    name: 'bios-raid1-luks-lvm-thin',
    facts: 'bios-two-disks',
    profile: `install:\n  disks:\n    match: { transport: sata }\n    expect: 2\n  storage:\n    raid: raid1\n    encryption: { passphrase: ${LUKS} }\n${DHCP}`,
    ok: true,
  },
  {
    name: 'bios-raid1-luks-xfs',
    facts: 'bios-two-disks',
    profile: `install:\n  disks:\n    match: { transport: sata }\n    expect: 2\n  storage:\n    raid: raid1\n    filesystem: xfs\n    swapSize: 0G\n    encryption: { passphrase: ${LUKS}, cipher: "xchacha12,aes-adiantum-plain64" }\n${DHCP}`,
    ok: true,
  },
  {
    name: 'ext4-luks-tpm2',
    facts: 'one-disk-tpm2',
    profile: `install:\n  storage:\n    filesystem: ext4\n    swapSize: 0G\n    encryption: { passphrase: ${LUKS}, tpm2: true }\n`,
    ok: true,
  },
  {
    name: 'ext4-luks-tpm2-facts-without-tpm',
    facts: 'one-disk',
    profile: `install:\n  storage:\n    filesystem: ext4\n    swapSize: 0G\n    encryption: { passphrase: ${LUKS}, tpm2: true }\n`,
    ok: true,
  },
  // nothing to install on
  { name: 'no-disk', facts: 'no-disk', profile: '', ok: false, codes: ['E_DISK_COUNT'] },
];

const base = fileURLToPath(new URL('../../test/fixtures/profiles/', import.meta.url));
const factsDir = fileURLToPath(new URL('../../test/fixtures/facts/', import.meta.url));

function load(c: GoldenCase) {
  const file = `${base}golden-${c.name}.yaml`;
  const yaml = `version: 1\nextends: base.yaml\n${c.profile}`;
  const r = validateProfile(file, { read: (f) => (f === file ? yaml : readFileSync(f, 'utf8')) });
  if (!r.ok) throw new Error(`${c.name}: the profile is invalid: ${JSON.stringify(r.issues)}`);
  const f = loadFactsFile(`${factsDir}${c.facts}.json`);
  if (!f.ok) throw new Error(`${c.name}: the facts are invalid: ${JSON.stringify(f.issues)}`);
  return { profile: r.profile, facts: f.value };
}

describe('install plan: golden (profile, facts) pairs', () => {
  it('has at least 30 pairs, each with its own name', () => {
    expect(GOLDEN.length).toBeGreaterThanOrEqual(30);
    expect(new Set(GOLDEN.map((c) => c.name)).size).toBe(GOLDEN.length);
  });
  for (const c of GOLDEN) {
    it(`${c.name} (${c.facts}) ${c.ok ? 'plans' : `is refused: ${c.codes?.join(', ')}`}`, async () => {
      const { profile, facts } = load(c);
      const plan = planInstall(profile, facts);
      expect(plan.ok, JSON.stringify(plan.errors)).toBe(c.ok);
      if (c.codes) expect(plan.errors.map((e) => e.code)).toEqual(expect.arrayContaining(c.codes));
      for (const e of plan.errors) {
        expect(e.path).toMatch(/^\//);
        expect(e.hint).toBeTruthy();
      }
      expect(plan.steps.length > 0).toBe(c.ok);
      // Deterministic: the same pair gives the same plan.
      expect(planInstall(profile, facts)).toEqual(plan);
      expect(`${formatPlan(plan)}${JSON.stringify(plan)}`).not.toContain(LUKS);
      await expect(formatPlan(plan)).toMatchFileSnapshot(`./golden/${c.name}.txt`);
      await expect(`${JSON.stringify(plan, null, 2)}\n`).toMatchFileSnapshot(`./golden/${c.name}.json`);
    });
  }
});

import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RawFacts } from './raw.js';
import { factsFromRaw, parseNics, parsePermanentMacs } from './facts-from-raw.js';
import { parseLsblk, signatureKind } from './parse-lsblk.js';
import { parseWipefs, mergeSignatures } from './parse-wipefs.js';
import { parseCpuinfo, parseMeminfo } from './parse-proc.js';
import { formatFacts } from './format-facts.js';
import { loadFactsFile } from './facts-file.js';
import { checkYamlText } from '../../core/checked-yaml.js';
import { FactsSchema } from '../../profiles/facts.js';

const fixtures = new URL('../../test/fixtures/facts/', import.meta.url);
const raw = (name: string) => JSON.parse(readFileSync(new URL(`raw/${name}.json`, fixtures), 'utf8')) as RawFacts;

describe('lsblk', () => {
  it('reads a real capture (util-linux 2.38, no udev): the disk holding / is the boot medium; zram is no disk', () => {
    const disks = parseLsblk(raw('virtio-host').lsblk);
    expect(disks.map((d) => d.name)).toEqual(['vda']);
    expect(disks[0]).toMatchObject({
      path: '/dev/vda',
      transport: 'virtio',
      logicalSectorSize: 512,
      physicalSectorSize: 4096,
      rotational: true,
      bootMedium: true,
      byId: [],
    });
  });
  it('reads whole disks with their partitions; skips optical drives, zram and device-mapper children', () => {
    const disks = parseLsblk(raw('server-usb-boot').lsblk);
    expect(disks.map((d) => [d.name, d.transport, d.bootMedium, d.removable])).toEqual([
      ['sda', 'usb', true, true],
      ['sdb', 'sata', false, false],
      ['nvme0n1', 'nvme', false, false],
    ]);
    expect(disks[0]!.model).toBe('Cruzer Blade');
    expect(disks[2]!.partitions.map((p) => [p.name, p.fstype ?? null])).toEqual([
      ['nvme0n1p1', null],
      ['nvme0n1p2', 'vfat'],
      ['nvme0n1p3', 'LVM2_member'],
    ]);
  });
  it('skips a floppy drive (QEMU pc machine: fd0, a 4 KiB disk with no transport)', () => {
    const lsblk = JSON.stringify({
      blockdevices: [
        { name: 'fd0', kname: 'fd0', path: '/dev/fd0', type: 'disk', size: 4096, 'log-sec': 512, 'phy-sec': 512, rota: true, rm: true, ro: false, tran: null },
        {
          name: 'vda',
          kname: 'vda',
          path: '/dev/vda',
          type: 'disk',
          size: 17179869184,
          'log-sec': 512,
          'phy-sec': 512,
          rota: true,
          rm: false,
          ro: false,
          subsystems: 'block:virtio:pci',
        },
      ],
    });
    expect(parseLsblk(lsblk).map((d) => d.name)).toEqual(['vda']);
  });
  it('classifies libblkid types', () => {
    expect(['gpt', 'ext4', 'swap', 'LVM2_member', 'linux_raid_member', 'isw_raid_member', 'zfs_member', 'crypto_LUKS', 'BitLocker'].map(signatureKind)).toEqual(
      ['partition-table', 'filesystem', 'swap', 'lvm', 'md-raid', 'md-raid', 'zfs', 'luks', 'other'],
    );
  });
});

describe('wipefs', () => {
  it('reads every signature with its offset; merges backup copies and drops the protective MBR', () => {
    const r = raw('server-usb-boot');
    const sdb = parseWipefs('sdb', r.wipefs.sdb!);
    expect(sdb.map((s) => [s.type, s.offset])).toEqual([
      ['gpt', 0x200],
      ['gpt', 0x3a3817d5e00],
      ['PMBR', 0x1fe],
    ]);
    expect(mergeSignatures(sdb)).toEqual([{ on: 'sdb', type: 'gpt', kind: 'partition-table', offset: 0x200 }]);
    expect(parseWipefs('sdb1', r.wipefs.sdb1!)[0]).toMatchObject({ kind: 'md-raid', label: 'oldnas:0' });
    expect(parseWipefs('x', '')).toEqual([]);
  });
  it('a disk whose probe did not answer is unprobed, never blank', () => {
    const r = raw('server-usb-boot');
    const { sdb: _gone, ...rest } = r.wipefs;
    const sdb = factsFromRaw({ ...r, wipefs: rest }).disks!.find((d) => d.name === 'sdb')!;
    expect(sdb.unprobed).toEqual(['sdb']);
    const every = parseLsblk(r.lsblk).flatMap((d) => [d.name, ...d.partitions.map((p) => p.name)]);
    const blankRaw = { ...r, wipefs: Object.fromEntries(every.map((k) => [k, r.wipefs[k] ?? ''])) };
    expect(factsFromRaw(blankRaw).disks!.every((d) => d.unprobed === undefined)).toBe(true);
  });
});

describe('/proc and /sys', () => {
  it('counts sockets, cores and threads and sees VT-x', () => {
    expect(parseCpuinfo(raw('server-usb-boot').cpuinfo)).toEqual({
      model: 'Intel(R) Xeon(R) E-2236 CPU @ 3.40GHz',
      sockets: 1,
      cores: 2,
      threads: 4,
      virtualization: 'vmx',
    });
    expect(parseCpuinfo('')).toBeUndefined();
    expect(parseMeminfo('MemTotal:       32594408 kB\n')).toEqual({ totalBytes: 32594408 * 1024 });
  });
  it('keeps physical Ethernet interfaces, with the permanent MAC of a bond member', () => {
    const r = raw('server-usb-boot');
    expect(parsePermanentMacs(r.ipLink).get('eno2')).toBe('3c:ec:ef:10:20:02');
    expect(parseNics(r)).toEqual([
      { name: 'eno1', mac: '3c:ec:ef:10:20:01', link: true, driver: 'igb', speedMbps: 1000 },
      { name: 'eno2', mac: '3c:ec:ef:10:20:02', currentMac: '3c:ec:ef:10:20:01', link: false, driver: 'igb' },
      { name: 'wlp3s0', mac: '3c:ec:ef:10:20:99', link: false, driver: 'iwlwifi' },
    ]);
  });
});

describe('facts from a raw capture', () => {
  for (const name of ['virtio-host', 'server-usb-boot']) {
    it(`${name}: matches its golden facts file, which the facts schema accepts`, async () => {
      const facts = factsFromRaw(raw(name));
      const json = `${JSON.stringify(facts, null, 2)}\n`;
      await expect(json).toMatchFileSnapshot(`./golden/${name}.json`);
      await expect(formatFacts(facts)).toMatchFileSnapshot(`./golden/${name}.txt`);
      const checked = checkYamlText(`${name}.json`, json, { schema: FactsSchema });
      expect(checked.ok, JSON.stringify(checked)).toBe(true);
    });
  }
  it('reads Secure Boot from the EFI variable and DMI trimmed', () => {
    const f = factsFromRaw(raw('server-usb-boot'));
    expect(f.firmware).toEqual({ mode: 'uefi', secureBoot: true });
    expect(f.dmi).toMatchObject({ vendor: 'Supermicro', product: 'SYS-5019C-M' });
    expect(f.disks!.find((d) => d.name === 'nvme0n1')!.byId).toEqual(['nvme-Samsung_SSD_980_PRO_1TB_S5GXNF0R101123', 'nvme-eui.0025388b11000001']);
  });
  it('says which TPM the machine has, and nothing when the capture did not look (older captures)', () => {
    const r = raw('server-usb-boot');
    expect(factsFromRaw(r).tpm).toBeUndefined();
    expect(factsFromRaw({ ...r, tpm: ['2'] }).tpm).toEqual({ version: '2.0' });
    expect(factsFromRaw({ ...r, tpm: ['1'] }).tpm).toEqual({ version: '1.2' });
    expect(factsFromRaw({ ...r, tpm: [] }).tpm).toEqual({ version: 'none' });
    expect(formatFacts(factsFromRaw({ ...r, tpm: ['2'] }))).toContain('tpm:      TPM 2.0');
  });
  it('keeps control characters out of every text', () => {
    const r = raw('server-usb-boot');
    r.dmi.product_name = 'evil\u001b[2J\nname';
    expect(factsFromRaw(r).dmi!.product).toBe('evil\\x1b[2J\\nname');
  });
});

describe('facts fixtures (test/fixtures/facts)', () => {
  const files = readdirSync(fileURLToPath(fixtures)).filter((f) => f.endsWith('.json'));
  it('are at least ten machines', () => expect(files.length).toBeGreaterThanOrEqual(10));
  it.each(files)('%s is a valid facts file', (f) => {
    const r = loadFactsFile(fileURLToPath(new URL(f, fixtures)));
    expect(r.ok, JSON.stringify(r)).toBe(true);
  });
  it('a facts file that lies is refused with its key path', () => {
    const r = checkYamlText(
      'bad.json',
      JSON.stringify({
        disks: [
          {
            name: 'sda; rm -rf /',
            path: '/dev/../etc/passwd',
            sizeBytes: 1,
            logicalSectorSize: 512,
            physicalSectorSize: 512,
            byId: [],
            byPath: [],
            partitions: [],
            signatures: [],
          },
        ],
      }),
      { schema: FactsSchema },
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.path).sort()).toEqual(['/disks/0/name', '/disks/0/path']);
  });
});

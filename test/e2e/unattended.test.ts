import { afterAll, beforeAll, describe, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import pLimit from 'p-limit';
import { createEmitter, memorySink } from '../../core/events.js';
import { startAnswerServer } from '../../installer/unattended/answer-server.js';
import { GUEST_HTTP, guestFwd, TCG } from './helpers/qemu.js';
import { defaultBuild, GUESTS_AT_ONCE } from './helpers/default-build.js';
import { runAndWatch } from './helpers/qemu-watch.js';

/**
 * The short unattended runs from the ISO as a CD, each stopped at the plan (TCG time is dear):
 * 1. the unattended entry with a second disk image labelled DEBVISOR-PROFILE whose profile's disk
 *    selector matches nothing: the refusal and the failure screen on the serial port, no write
 *    to the blank disk (its checksum is unchanged), the support bundle copied onto the stick;
 * 2. an ISO made by `debvisor iso embed-profile` booted with no key pressed: its own boot menu
 *    picks the unattended entry, the embedded profile is found and planned.
 * 3. the profile from an answer server (`debvisor profile serve`'s code) on the host's loopback
 *    over HTTPS with a pinned certificate: the guest POSTs its facts and gets the profile kept for
 *    its MAC address; refused at the plan as in 1.
 * Only 3 has a network, restricted to the answer server. Each has its own blank disk image; two
 * run at a time (one TCG thread per guest, two cores here).
 */
/** QEMU's default MAC for the first NIC. */
const GUEST_MAC = '52:54:00:12:34:56';
const repo = fileURLToPath(new URL('../..', import.meta.url));
const PROFILE = join(repo, 'test/fixtures/profiles/e2e-unattended-nomatch.yaml');
const BIN = join(repo, 'bin/debvisor.js');
const BOOT_TIMEOUT_MS = 600_000;
const DISK_BYTES = 2 * 1024 ** 3;
const DISKS = ['stick', 'embedded', 'https'];
/** A run waiting for its turn counts towards its test's time limit, hence twice the bound. */
const guests = pLimit(GUESTS_AT_ONCE);
const TEST_MS = 2 * BOOT_TIMEOUT_MS + 60_000;

let dir: string;
let out: string;
let iso: string;

const sha = async (f: string) => (await execa('sha256sum', [f])).stdout.split(' ')[0];
const machine = ['-machine', 'q35', '-m', '2048', '-smp', '2', '-display', 'none', '-monitor', 'none', '-no-reboot'];
const base = [...machine, '-nic', 'none'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-unattended-'));
  out = join(repo, 'out');
  await defaultBuild();
  iso = join(out, readdirSync(out).find((f) => /^debvisor-[0-9.]+-amd64\.iso$/.test(f))!);
  for (const d of DISKS) await execa('truncate', ['-s', String(DISK_BYTES), join(dir, `disk-${d}.img`)]);
}, 3_000_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('unattended install from the ISO', () => {
  it.concurrent(
    'takes the profile from a stick labelled DEBVISOR-PROFILE, refuses its plan, shows why on the serial port, writes no disk, and leaves the support bundle on the stick',
    async ({ expect }) => {
      // The stick: an ext4 image made from a folder (mkfs.ext4 -d), no mount on the host.
      const content = join(dir, 'stick');
      mkdirSync(content);
      copyFileSync(PROFILE, join(content, 'profile.yaml'));
      const stick = join(dir, 'stick.img');
      await execa('truncate', ['-s', '16M', stick]);
      await execa('mkfs.ext4', ['-q', '-L', 'DEBVISOR-PROFILE', '-d', content, stick]);
      const disk = join(dir, 'disk-stick.img');
      const before = await sha(disk);
      const log = join(dir, 'serial-stick.log');
      // The unattended entry's command line; the kernel and initrd are the ISO's own (out/netboot).
      const r = await guests(() =>
        runAndWatch(
          [
            ...TCG,
            ...base,
            '-serial',
            `file:${log}`,
            '-drive',
            `file=${iso},media=cdrom,readonly=on,if=ide,index=1`,
            '-drive',
            `file=${disk},if=virtio,format=raw`,
            '-drive',
            `file=${stick},if=virtio,format=raw`,
            '-kernel',
            join(out, 'netboot/vmlinuz'),
            '-initrd',
            join(out, 'netboot/initrd.img'),
            '-append',
            'boot=live components console=tty0 console=ttyS0,115200n8 debvisor.mode=unattended',
          ],
          log,
          [
            /profile: filesystem labelled DEBVISOR-PROFILE \(\/dev\/vd[a-z]+\)/,
            /install\.disks\.match matches no disk/,
            /DebVisor install FAILED at step plan/,
            /Nothing was written to any disk/,
            /support bundle also on the profile stick \(\/dev\/vd[a-z]+\): debvisor-install-/,
          ],
          BOOT_TIMEOUT_MS,
          /DebVisor install SUCCEEDED/,
        ),
      );
      copyFileSync(log, join(out, 'e2e-unattended-stick-serial.log'));
      expect(r.matched, `after ${r.seconds} s; serial:\n${r.serial.slice(-5000)}`).toBe(true);
      // The events as JSON lines on the serial port too.
      expect(r.serial).toMatch(/\{"time":"[^"]+","level":"error"/);
      expect(await sha(disk)).toBe(before);
      // The bundle on the stick, read with debugfs (no mount on the host).
      const listing = (await execa('debugfs', ['-R', 'ls -l /', stick])).stdout;
      expect(listing).toMatch(/debvisor-install-\d{8}T\d{6}Z-e2e-node2\.tar\.gz/);
    },
    TEST_MS,
  );

  it.concurrent(
    'boots an ISO made by embed-profile straight into the unattended install, with no key pressed, to its plan',
    async ({ expect }) => {
      const auto = join(dir, 'auto.iso');
      await execa('node', [BIN, 'iso', 'embed-profile', iso, PROFILE, '--out', auto]);
      const disk = join(dir, 'disk-embedded.img');
      const before = await sha(disk);
      const log = join(dir, 'serial-embedded.log');
      // SeaBIOS, the ISO as a CD, its own ISOLINUX menu: nothing typed.
      const r = await guests(() =>
        runAndWatch(
          [
            ...TCG,
            ...base,
            '-serial',
            `file:${log}`,
            '-drive',
            `file=${auto},media=cdrom,readonly=on,if=none,id=cd`,
            '-device',
            'ide-cd,drive=cd,bootindex=0',
            '-drive',
            `file=${disk},if=virtio,format=raw`,
          ],
          log,
          [/profile: profile embedded in the ISO \(\/run\/live\/medium\/debvisor\/profile\.yaml\)/, /DebVisor install plan for e2e-node2\.lab\.example\.com/],
          BOOT_TIMEOUT_MS,
          /DebVisor install SUCCEEDED/,
        ),
      );
      copyFileSync(log, join(out, 'e2e-unattended-embedded-serial.log'));
      expect(r.matched, `after ${r.seconds} s; serial:\n${r.serial.slice(-5000)}`).toBe(true);
      expect(await sha(disk)).toBe(before);
    },
    TEST_MS,
  );
  it.concurrent(
    'POSTs its facts to a pinned HTTPS answer server, gets the profile kept for its MAC, and stops at the plan',
    async ({ expect }) => {
      const answers = join(dir, 'answers');
      mkdirSync(answers);
      copyFileSync(PROFILE, join(answers, `mac-${GUEST_MAC.replace(/:/g, '-')}.yaml`));
      writeFileSync(join(answers, 'default.yaml'), 'version: 1\n');
      const cert = join(dir, 'cert.pem');
      const key = join(dir, 'key.pem');
      await execa('openssl', [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=answers',
        '-keyout',
        key,
        '-out',
        cert,
      ]);
      const seen = memorySink();
      const server = await startAnswerServer({ dir: answers, host: '127.0.0.1', port: 0, cert, key, events: createEmitter({ sinks: [seen] }) });
      const disk = join(dir, 'disk-https.img');
      const before = await sha(disk);
      const log = join(dir, 'serial-https.log');
      try {
        const netdev = `user,id=n0,restrict=on,${guestFwd(GUEST_HTTP, 443, server.port)}`;
        const r = await guests(() =>
          runAndWatch(
            [
              ...TCG,
              ...machine,
              '-serial',
              `file:${log}`,
              '-netdev',
              netdev,
              '-device',
              `virtio-net-pci,netdev=n0,mac=${GUEST_MAC}`,
              '-drive',
              `file=${iso},media=cdrom,readonly=on,if=ide,index=1`,
              '-drive',
              `file=${disk},if=virtio,format=raw`,
              '-kernel',
              join(out, 'netboot/vmlinuz'),
              '-initrd',
              join(out, 'netboot/initrd.img'),
              '-append',
              // No ip=: as from the ISO or a stick, the live system gets its address itself (debvisor-live-network).
              `boot=live components console=tty0 console=ttyS0,115200n8 debvisor.mode=unattended debvisor.profile=https://${GUEST_HTTP}/ debvisor.profile.pin=${server.pin}`,
            ],
            log,
            [
              /live network: DHCP on [a-z0-9]+: lease/,
              /live network: up \([a-z0-9]+ 10\.0\.2\.15\/24\)/,
              new RegExp(`profile: kernel command line debvisor.profile=https://${GUEST_HTTP.replace(/\./g, '\\.')}/`),
              /install\.disks\.match matches no disk/,
              /DebVisor install FAILED at step plan/,
            ],
            BOOT_TIMEOUT_MS,
            /DebVisor install SUCCEEDED/,
          ),
        );
        copyFileSync(log, join(out, 'e2e-unattended-https-serial.log'));
        expect(r.matched, `after ${r.seconds} s; serial:\n${r.serial.slice(-5000)}`).toBe(true);
        expect(seen.events.map((e) => e.message)).toContainEqual(expect.stringMatching(new RegExp(`mac-52-54-00-12-34-56\\.yaml \\(by MAC ${GUEST_MAC}`)));
        expect(await sha(disk)).toBe(before);
      } finally {
        await server.close();
      }
    },
    TEST_MS,
  );
});

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { authenticator } from 'otplib';
import { parse, stringify } from 'yaml';
import { build } from '../../builder/build.js';
import { createEmitter, memorySink } from '../../core/events.js';
import { startAnswerServer, type RunningAnswerServer } from '../../installer/unattended/answer-server.js';
import { GUEST_HTTP, OVMF_CODE, OVMF_VARS, TCG } from './helpers/qemu.js';
import { runAndWatch } from './helpers/qemu-watch.js';
import { serveDirectory, type StaticServer } from './helpers/http-serve.js';

/**
 * The one full install of the end-to-end suite (TCG time is dear), as a fleet node gets it:
 * 1. the node boots by PXE (QEMU's TFTP hands its built-in iPXE ROM a boot script over HTTP:
 *    the netboot files of out/netboot/ with `debvisor.mode=unattended`), POSTs its facts to an
 *    answer server on the host's loopback over HTTPS with a pinned certificate, and installs the
 *    profile it gets (test/fixtures/profiles/e2e-install.yaml with this run's SSH key and TOTP
 *    secret) onto two blank sparse 16 GiB virtio disks (RAID1 under LVM-thin), then powers off;
 * 2. the installed disks boot alone with SeaBIOS to a login prompt with the profile's host name,
 *    first boot having run (its status line on the console);
 * 3. the same disks boot with OVMF and empty UEFI variables (the removable path).
 * The guest's network is restricted (restrict=on) to the servers the test forwards.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const PROFILE = join(repo, 'test/fixtures/profiles/e2e-install.yaml');
const HOSTNAME = 'e2e-node1';
const FQDN = `${HOSTNAME}.lab.example.com`;
const ADMIN = 'alice';
const DISK_BYTES = 16 * 1024 ** 3;
const DISKS = ['disk-a.img', 'disk-b.img'];
/** Both disks of the mirror, as virtio disks in this order (vda, vdb). */
const diskArgs = (): string[] => DISKS.flatMap((d) => ['-drive', `file=${join(dir, d)},if=virtio,format=raw`]);
const INSTALL_TIMEOUT_MS = 1_500_000;
const BOOT_TIMEOUT_MS = 600_000;
const BRIDGE = fileURLToPath(new URL('./helpers/tcp-bridge.mjs', import.meta.url));
/** A guest address:port whose TCP connections QEMU hands to a server on the host's loopback. */
const fwd = (ip: string, port: number, to: number) => `guestfwd=tcp:${ip}:${port}-cmd:${process.execPath} ${BRIDGE} ${to}`;
const machine = (mib: number) => ['-m', String(mib), '-smp', '2', '-display', 'none', '-monitor', 'none', '-no-reboot'];

let dir: string;
let out: string;
let http: StaticServer;
let answers: RunningAnswerServer;
const answerEvents = memorySink();
let totpSecret: string;
let tsigSecret: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-install-'));
  out = join(repo, 'out');
  await build({ repo, spec: join(repo, 'iso/build.yaml'), out });
  // This run's admin key and TOTP secret go into the profile the answer server gives.
  const key = join(dir, 'id_ed25519');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'alice@e2e', '-f', key]);
  totpSecret = authenticator.generateSecret(20);
  const profile = parse(readFileSync(PROFILE, 'utf8'));
  profile.users.admin.sshKeys = [readFileSync(`${key}.pub`, 'utf8').trim()];
  profile.users.admin.mfa = { totpSecret };
  tsigSecret = profile.dns.tsig.secret;
  const profiles = join(dir, 'answers');
  mkdirSync(profiles);
  writeFileSync(join(profiles, 'default.yaml'), stringify(profile));
  const cert = join(dir, 'cert.pem');
  const certKey = join(dir, 'key.pem');
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
    certKey,
    '-out',
    cert,
  ]);
  answers = await startAnswerServer({ dir: profiles, host: '127.0.0.1', port: 0, cert, key: certKey, events: createEmitter({ sinks: [answerEvents] }) });
  // The netboot files as built, with a boot script for the unattended mode and the pinned server.
  const www = join(dir, 'www');
  mkdirSync(www);
  for (const f of ['vmlinuz', 'initrd.img', 'filesystem.squashfs']) symlinkSync(join(out, 'netboot', f), join(www, f));
  const script = readFileSync(join(out, 'netboot/boot.ipxe'), 'utf8');
  expect(script).toContain('debvisor.mode=install ');
  writeFileSync(
    join(www, 'boot.ipxe'),
    script.replace('debvisor.mode=install ', `debvisor.mode=unattended debvisor.profile=https://${GUEST_HTTP}/ debvisor.profile.pin=${answers.pin} `),
  );
  http = await serveDirectory(www);
  for (const d of DISKS) await execa('truncate', ['-s', String(DISK_BYTES), join(dir, d)]);
}, 3_000_000);

afterAll(async () => {
  await http?.close();
  await answers?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the full install in QEMU', () => {
  it(
    'PXE, unattended over pinned HTTPS, onto two blank disks (RAID1); the disks boot by themselves (SeaBIOS, then OVMF) to a login prompt, first boot having run',
    async () => {
      // 1. PXE and the unattended install.
      const installLog = join(dir, 'serial-install.log');
      const netdev = `user,id=n0,restrict=on,tftp=${join(dir, 'www')},bootfile=http://${GUEST_HTTP}/boot.ipxe,${fwd(GUEST_HTTP, 80, http.port)},${fwd(GUEST_HTTP, 443, answers.port)}`;
      const install = await runAndWatch(
        [
          ...TCG,
          // The squashfs fetched over HTTP lives in RAM during the install.
          ...machine(4096),
          '-serial',
          `file:${installLog}`,
          '-netdev',
          netdev,
          '-device',
          'virtio-net-pci,netdev=n0,bootindex=0',
          ...diskArgs(),
        ],
        installLog,
        [/DebVisor install SUCCEEDED/],
        INSTALL_TIMEOUT_MS,
        /DebVisor install FAILED/,
      );
      copyFileSync(installLog, join(out, 'e2e-install-serial.log'));
      const asked = http.requests.map((q) => `${q.status} ${q.path}`).join('\n');
      expect(install.matched, `after ${install.seconds} s; HTTP requests:\n${asked}\nserial:\n${install.serial.slice(-6000)}`).toBe(true);
      for (const f of ['/boot.ipxe', '/vmlinuz', '/initrd.img', '/filesystem.squashfs']) expect(asked).toContain(`200 ${f}`);
      expect(install.serial).toMatch(new RegExp(`profile: kernel command line debvisor.profile=https://${GUEST_HTTP.replace(/\./g, '\\.')}/`));
      expect(answerEvents.events.map((e) => e.message)).toContainEqual(expect.stringMatching(/default\.yaml \(by default/));
      for (const step of ['check-disks', 'copy-system', 'install-bootloaders', 'update-initramfs', 'save-logs', 'finish'])
        expect(install.serial).toContain(`[install/${step}`);
      expect(install.serial).not.toContain(totpSecret);
      expect(install.serial).not.toContain(tsigSecret);
      expect(install.serial).toContain(`TOTP secret of ${ADMIN} written from the profile`);

      // 2. The installed disks alone (SeaBIOS), with no network.
      const bootLog = join(dir, 'serial-boot.log');
      const boot = await runAndWatch(
        [...TCG, ...machine(2048), '-nic', 'none', '-serial', `file:${bootLog}`, ...diskArgs()],
        bootLog,
        // First boot's status goes to the console (journal+console) when its run ends.
        [new RegExp(`${HOSTNAME} login:`), new RegExp(`DebVisor node ${FQDN.replace(/\./g, '\\.')}: \\w`)],
        BOOT_TIMEOUT_MS,
      );
      copyFileSync(bootLog, join(out, 'e2e-installed-boot-serial.log'));
      expect(boot.matched, `after ${boot.seconds} s; serial:\n${boot.serial.slice(-6000)}`).toBe(true);
      // The live system's boot is gone: no live-boot on the installed node (its banner says the boot mode).
      expect(boot.serial).not.toMatch(/DebVisor live system, boot mode/);
      // The saved profile, its TOTP secret redacted, loads in first boot (no "cannot be used").
      expect(boot.serial).not.toMatch(/node profile .* cannot be used/);

      // 3. UEFI with fresh variables (no boot entries): the firmware finds EFI/BOOT/BOOTX64.EFI by itself.
      const uefiLog = join(dir, 'serial-boot-uefi.log');
      const vars = join(dir, 'vars.fd');
      copyFileSync(OVMF_VARS, vars);
      const uefi = await runAndWatch(
        [
          ...TCG,
          '-machine',
          'q35',
          ...machine(2048),
          '-nic',
          'none',
          '-serial',
          `file:${uefiLog}`,
          '-drive',
          `if=pflash,format=raw,readonly=on,file=${OVMF_CODE}`,
          '-drive',
          `if=pflash,format=raw,file=${vars}`,
          ...diskArgs(),
        ],
        uefiLog,
        [/GNU GRUB/, new RegExp(`${HOSTNAME} login:`)],
        BOOT_TIMEOUT_MS,
      );
      copyFileSync(uefiLog, join(out, 'e2e-installed-boot-uefi-serial.log'));
      expect(uefi.matched, `after ${uefi.seconds} s; serial:\n${uefi.serial.slice(-6000)}`).toBe(true);
    },
    INSTALL_TIMEOUT_MS + 2 * BOOT_TIMEOUT_MS + 120_000,
  );
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { parse } from 'yaml';
import { build } from '../../builder/build.js';
import { TCG } from './helpers/qemu.js';
import { bootAndKeep, runAndWatch } from './helpers/qemu-watch.js';
import { luksPartitionOffset, startSwtpm, type Swtpm } from './helpers/swtpm.js';

/**
 * The encrypted install for real, where device-mapper exists (inside the guest): the ISO as a CD,
 * its unattended entry, the profile from a stick labelled DEBVISOR-PROFILE: one blank disk, LUKS2
 * (argon2id as cryptsetup measures it in the guest) under LVM-thin; the installer formats, opens,
 * builds LVM and the filesystems on the open container, writes crypttab and the initramfs with
 * cryptsetup. The install's guest has a software TPM 2.0 (swtpm): its facts find it and
 * systemd-cryptenroll enrols it as a second key (a systemd-tpm2 token in the LUKS2 header, read
 * back on the host with cryptsetup luksDump). Then the disk boots alone (SeaBIOS): the initramfs asks for the passphrase on the
 * serial console, a wrong one is refused, the right one unlocks the root, and the node reaches
 * its login prompt. The guest's network is QEMU's user network with restrict=on: nothing outside.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const PROFILE = join(repo, 'test/fixtures/profiles/e2e-luks.yaml');
const PASSPHRASE: string = parse(readFileSync(PROFILE, 'utf8')).install.storage.encryption.passphrase;
const INSTALL_MS = 1_500_000;
const BOOT_MS = 600_000;
const DISK_BYTES = 20 * 1024 ** 3;

let dir: string;
let out: string;
let iso: string;
/** The install guest's software TPM, stopped after the test even when it timed out. */
let tpm: Swtpm | undefined;

const machine = ['-machine', 'q35', '-m', '2048', '-smp', '2', '-display', 'none', '-monitor', 'none', '-no-reboot'];
const nic = ['-nic', 'user,model=virtio-net-pci,restrict=on'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-luks-'));
  out = join(repo, 'out');
  await build({ repo, spec: join(repo, 'iso/build.yaml'), out });
  iso = join(out, readdirSync(out).find((f) => /^debvisor-[0-9.]+-amd64\.iso$/.test(f))!);
  await execa('truncate', ['-s', String(DISK_BYTES), join(dir, 'disk.img')]);
}, 3_000_000);

afterAll(async () => {
  await tpm?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Waits (bounded, polling the log QEMU writes) until the pattern is in the serial output after `from`. */
async function waitFor(read: () => string, from: number, pattern: RegExp, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (pattern.test(read().slice(from))) return true;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return false;
}

describe('an encrypted install (LUKS2 under LVM-thin) in QEMU', () => {
  it(
    'installs from a profile stick, then the node asks for the passphrase at boot on the serial console, refuses a wrong one and boots with the right one',
    async () => {
      const content = join(dir, 'stick');
      mkdirSync(content);
      copyFileSync(PROFILE, join(content, 'profile.yaml'));
      const stick = join(dir, 'stick.img');
      await execa('truncate', ['-s', '16M', stick]);
      await execa('mkfs.ext4', ['-q', '-L', 'DEBVISOR-PROFILE', '-d', content, stick]);
      const disk = join(dir, 'disk.img');
      const installLog = join(dir, 'serial-install.log');
      tpm = await startSwtpm(join(dir, 'tpm'));
      const started = tpm;
      const install = await runAndWatch(
        [
          ...TCG,
          ...machine,
          ...nic,
          ...started.qemuArgs,
          '-serial',
          `file:${installLog}`,
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
        installLog,
        [/DebVisor install SUCCEEDED/],
        INSTALL_MS,
        /DebVisor install FAILED/,
      ).finally(() => started.stop());
      copyFileSync(installLog, join(out, 'e2e-luks-install-serial.log'));
      expect(install.matched, `after ${install.seconds} s; serial:\n${install.serial.slice(-6000)}`).toBe(true);
      // The passphrase went to cryptsetup's stdin only: never on the serial port (events, log lines).
      expect(install.serial).not.toContain(PASSPHRASE);
      expect(install.serial).toMatch(/"step":"encrypt-system"/);
      expect(install.serial).toMatch(/"step":"write-crypttab"/);
      // The TPM as a second key: the plan enrolled it (the facts saw a TPM 2.0), and the header says so.
      expect(install.serial).toMatch(/"step":"enrol-tpm2"/);
      const offset = await luksPartitionOffset(disk);
      expect(offset, 'no partition of the disk starts with a LUKS header').toBeDefined();
      const header = join(dir, 'luks-header.img');
      await execa('dd', [`if=${disk}`, `of=${header}`, 'bs=1M', `skip=${offset}`, 'count=16', 'iflag=skip_bytes', 'status=none']);
      const dump = (await execa('cryptsetup', ['luksDump', header])).stdout;
      expect(dump).toMatch(/^Version:\s+2$/m);
      expect(dump).toMatch(/^\s+\d+: systemd-tpm2$/m);
      // Two key slots: the passphrase's and the TPM's.
      expect(dump.match(/^\s+\d+: luks2$/gm)?.length).toBe(2);

      // The installed disk alone; the serial port is a socket the test types into, logged to a file.
      const bootLog = join(dir, 'serial-boot.log');
      const sock = join(dir, 'serial.sock');
      const vm = await bootAndKeep(
        [
          ...TCG,
          ...machine,
          ...nic,
          '-chardev',
          `socket,id=s0,path=${sock},server=on,wait=off,logfile=${bootLog}`,
          '-serial',
          'chardev:s0',
          '-drive',
          `file=${disk},if=virtio,format=raw`,
        ],
        bootLog,
        [/Please unlock disk|Enter passphrase/],
        BOOT_MS,
      );
      let serialPort: Socket | undefined;
      try {
        expect(vm.matched, `no passphrase prompt after ${vm.seconds} s; serial:\n${vm.serialNow().slice(-5000)}`).toBe(true);
        serialPort = connect(sock);
        await new Promise<void>((resolve, reject) => serialPort!.once('connect', resolve).once('error', reject));
        // The log file has everything; what comes back on the socket is read and dropped, or QEMU would stall the guest's console.
        serialPort.on('data', () => undefined);
        let at = vm.serialNow().length;
        serialPort.write('not the passphrase\r');
        // cryptroot says the key was wrong and asks again (up to three times).
        const refused = await waitFor(vm.serialNow, at, /(bad password|No key available)[\s\S]*(Please unlock disk|Enter passphrase)/, 180_000);
        expect(refused, `the wrong passphrase was not refused and asked again; serial:\n${vm.serialNow().slice(-3000)}`).toBe(true);
        expect(vm.serialNow().slice(at)).not.toMatch(/login:/);
        at = vm.serialNow().length;
        serialPort.write(`${PASSPHRASE}\r`);
        const up = await waitFor(vm.serialNow, at, /e2e-node3 login:/, BOOT_MS);
        copyFileSync(bootLog, join(out, 'e2e-luks-boot-serial.log'));
        expect(up, `no login prompt after the passphrase; serial:\n${vm.serialNow().slice(-5000)}`).toBe(true);
        // The root the kernel mounted is the opened container (cryptroot's message), by the crypttab's name.
        expect(vm.serialNow()).toMatch(/cryptsetup: \S+: set up successfully/);
      } finally {
        serialPort?.destroy();
        await vm.stop();
      }
    },
    INSTALL_MS + BOOT_MS + 120_000,
  );
});

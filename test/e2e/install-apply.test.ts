import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { build } from '../../builder/build.js';
import { GUEST_HTTP } from './helpers/qemu.js';
import { runAndWatch } from './helpers/qemu-watch.js';
import { serveDirectory, type StaticServer } from './helpers/http-serve.js';

/**
 * The proof of `debvisor install apply`: the built ISO's kernel and initrd boot under TCG with
 * a blank sparse 16 GiB virtio disk; systemd runs a script fetched from a server on the host's
 * loopback (the guest's network is restricted to it); the script gathers the guest's facts and
 * installs with the profile test/fixtures/profiles/e2e-install.yaml. Then the installed disk
 * boots alone with SeaBIOS to a login prompt with the profile's host name.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const PROFILE = join(repo, 'test/fixtures/profiles/e2e-install.yaml');
const HOSTNAME = 'e2e-node1';
const DISK_BYTES = 16 * 1024 ** 3;
const INSTALL_TIMEOUT_MS = 1_500_000;
const BOOT_TIMEOUT_MS = 600_000;
const BRIDGE = fileURLToPath(new URL('./helpers/tcp-bridge.mjs', import.meta.url));

let dir: string;
let out: string;
let http: StaticServer;

/** What the guest runs: its lines go to the serial port. */
const SCRIPT = `#!/bin/sh
exec > /dev/ttyS0 2>&1
echo "e2e: script started"
curl -sSf http://${GUEST_HTTP}/profile.yaml -o /run/profile.yaml || { echo "e2e: no profile"; exit 1; }
debvisor facts --out /run/facts.json && debvisor facts
debvisor install apply /run/profile.yaml --facts /run/facts.json --yes --no-reboot
echo "e2e: install apply exited with $?"
`;

function netdev(port: number): string {
  // restrict=on: the guest gets DHCP from QEMU and reaches only the forwarded test server.
  return `user,id=n0,restrict=on,guestfwd=tcp:${GUEST_HTTP}:80-cmd:${process.execPath} ${BRIDGE} ${port}`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-install-'));
  out = join(repo, 'out');
  await build({ repo, spec: join(repo, 'iso/build.yaml'), out });
  const www = join(dir, 'www');
  mkdirSync(www);
  writeFileSync(join(www, 'install.sh'), SCRIPT);
  copyFileSync(PROFILE, join(www, 'profile.yaml'));
  http = await serveDirectory(www);
  await execa('truncate', ['-s', String(DISK_BYTES), join(dir, 'disk.img')]);
}, 3_000_000);

afterAll(async () => {
  await http?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('install apply in QEMU', () => {
  it('installs from the live ISO onto a blank disk, and the disk boots alone (SeaBIOS) to a login prompt', async () => {
    const iso = readdirSync(out).find((f) => /^debvisor-.*-amd64\.iso$/.test(f));
    expect(iso, `no ISO in ${out}`).toBeTruthy();
    const fetch = `for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do curl -sf http://${GUEST_HTTP}/install.sh -o /run/install.sh && break; sleep 3; done; sh /run/install.sh`;
    const append = `boot=live components ip=dhcp console=ttyS0,115200n8 systemd.run="/bin/sh -c '${fetch}'"`;
    const installLog = join(dir, 'serial-install.log');
    const install = await runAndWatch(
      [
        '-accel', 'tcg', '-m', '4096', '-smp', '2', '-display', 'none', '-monitor', 'none', '-no-reboot',
        '-serial', `file:${installLog}`,
        '-netdev', netdev(http.port), '-device', 'virtio-net-pci,netdev=n0',
        '-drive', `file=${join(out, iso!)},media=cdrom,readonly=on,if=ide,index=1`,
        '-drive', `file=${join(dir, 'disk.img')},if=virtio,format=raw`,
        '-kernel', join(out, 'netboot/vmlinuz'), '-initrd', join(out, 'netboot/initrd.img'), '-append', append,
      ],
      installLog,
      [/DebVisor install SUCCEEDED/],
      INSTALL_TIMEOUT_MS,
      /DebVisor install FAILED|e2e: install apply exited with [1-9]|e2e: no profile/,
    );
    copyFileSync(installLog, join(repo, 'out/e2e-install-serial.log'));
    expect(install.matched, `after ${install.seconds} s; serial:\n${install.serial.slice(-6000)}`).toBe(true);
    for (const step of ['check-disks', 'copy-system', 'install-bootloaders', 'update-initramfs', 'save-logs', 'finish']) expect(install.serial).toContain(`[install/${step}`);

    const bootLog = join(dir, 'serial-boot.log');
    const boot = await runAndWatch(
      ['-accel', 'tcg', '-m', '2048', '-smp', '2', '-display', 'none', '-monitor', 'none', '-no-reboot', '-nic', 'none', '-serial', `file:${bootLog}`, '-drive', `file=${join(dir, 'disk.img')},if=virtio,format=raw`],
      bootLog,
      [new RegExp(`${HOSTNAME} login:`)],
      BOOT_TIMEOUT_MS,
    );
    copyFileSync(bootLog, join(repo, 'out/e2e-installed-boot-serial.log'));
    expect(boot.matched, `after ${boot.seconds} s; serial:\n${boot.serial.slice(-6000)}`).toBe(true);
    // The live system's boot is gone: no live-boot on the installed node.
    expect(boot.serial).not.toMatch(/DebVisor live system/);
  }, INSTALL_TIMEOUT_MS + BOOT_TIMEOUT_MS + 120_000);
});

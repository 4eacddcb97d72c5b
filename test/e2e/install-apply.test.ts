import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { build } from '../../builder/build.js';
import { GUEST_HTTP, OVMF_CODE, OVMF_VARS, TCG } from './helpers/qemu.js';
import { runAndWatch } from './helpers/qemu-watch.js';
import { serveDirectory, type StaticServer } from './helpers/http-serve.js';

/**
 * The proof of `debvisor install apply`: the built ISO's kernel and initrd boot under TCG with
 * two blank sparse 16 GiB virtio disks (RAID1 under LVM-thin); systemd runs a script fetched from a server on the host's
 * loopback (the guest's network is restricted to it); the script gathers the guest's facts and
 * installs with the profile test/fixtures/profiles/e2e-install.yaml. Then the installed disk
 * boots alone with SeaBIOS to a login prompt with the profile's host name (first boot having run),
 * and with OVMF and empty UEFI variables (the removable path) to the same prompt.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const PROFILE = join(repo, 'test/fixtures/profiles/e2e-install.yaml');
const HOSTNAME = 'e2e-node1';
const DISK_BYTES = 16 * 1024 ** 3;
const DISKS = ['disk-a.img', 'disk-b.img'];
/** Both disks of the mirror, as virtio disks in this order (vda, vdb). */
const diskArgs = (): string[] => DISKS.flatMap((d) => ['-drive', `file=${join(dir, d)},if=virtio,format=raw`]);
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
# What the installed disk holds, read back in the live system.
mount /dev/pve/root /mnt && mount /dev/vda2 /mnt/boot/efi
echo "e2e: image machine-id: [$(unsquashfs -cat /run/live/medium/live/filesystem.squashfs etc/machine-id)]"
echo "e2e: node machine-id: [$(cat /mnt/etc/machine-id)]"
echo "e2e: image host key: [$(unsquashfs -cat /run/live/medium/live/filesystem.squashfs etc/ssh/ssh_host_ed25519_key.pub 2>/dev/null | cut -d' ' -f2)]"
echo "e2e: node host key: [$(cut -d' ' -f2 /mnt/etc/ssh/ssh_host_ed25519_key.pub)]"
echo "e2e: node host keys: $(ls /mnt/etc/ssh | grep -c 'ssh_host_.*_key$')"
test -s /mnt/boot/efi/EFI/BOOT/BOOTX64.EFI && echo "e2e: removable path EFI/BOOT/BOOTX64.EFI present"
test -s /mnt/boot/efi/EFI/debvisor/grubx64.efi && echo "e2e: EFI/debvisor/grubx64.efi present"
mkdir -p /run/esp2 && mount /dev/vdb2 /run/esp2 && test -s /run/esp2/EFI/BOOT/BOOTX64.EFI && echo "e2e: second disk's removable path present"; umount /run/esp2
grep -q '^ARRAY /dev/md' /mnt/etc/mdadm/mdadm.conf && echo "e2e: mdadm.conf names the array"
grep -E '^md[0-9]+ : active raid1 vd[ab]3\\[[01]\\] vd[ab]3\\[[01]\\]' /proc/mdstat | sed 's/^/e2e: mdstat: /'
echo "e2e: redacted secrets: $(grep -c '<redacted>' /mnt/etc/debvisor/installed-profile.yaml)"
grep -q DFh99qzjtiolv4mqI2F5FONS2y75yEIqsMt3FZE /mnt/etc/debvisor/installed-profile.yaml && echo "e2e: SECRET LEAKED"
echo "e2e: logs: $(ls /mnt/var/log/debvisor | tr '\\n' ' ')"
echo "e2e: live packages left: $(chroot /mnt dpkg-query -W -f '\${Package} \${db:Status-Status}\\n' 'live-*' 2>/dev/null | grep -c ' installed$')"
grep -v '^#' /mnt/etc/fstab | sed 's/^/e2e: fstab: /'
umount /mnt/boot/efi /mnt
echo "e2e: checks done"
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
  for (const d of DISKS) await execa('truncate', ['-s', String(DISK_BYTES), join(dir, d)]);
}, 3_000_000);

afterAll(async () => {
  await http?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('install apply in QEMU', () => {
  it(
    'installs from the live ISO onto two blank disks (RAID1), and they boot by themselves (SeaBIOS, then OVMF) to a login prompt',
    async () => {
      const iso = readdirSync(out).find((f) => /^debvisor-.*-amd64\.iso$/.test(f));
      expect(iso, `no ISO in ${out}`).toBeTruthy();
      const fetch = `for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do curl -sf http://${GUEST_HTTP}/install.sh -o /run/install.sh && break; sleep 3; done; sh /run/install.sh`;
      const append = `boot=live components ip=dhcp console=ttyS0,115200n8 systemd.run="/bin/sh -c '${fetch}'"`;
      const installLog = join(dir, 'serial-install.log');
      const install = await runAndWatch(
        [
          ...TCG,
          '-m',
          '4096',
          '-smp',
          '2',
          '-display',
          'none',
          '-monitor',
          'none',
          '-no-reboot',
          '-serial',
          `file:${installLog}`,
          '-netdev',
          netdev(http.port),
          '-device',
          'virtio-net-pci,netdev=n0',
          '-drive',
          `file=${join(out, iso!)},media=cdrom,readonly=on,if=ide,index=1`,
          ...diskArgs(),
          '-kernel',
          join(out, 'netboot/vmlinuz'),
          '-initrd',
          join(out, 'netboot/initrd.img'),
          '-append',
          append,
        ],
        installLog,
        [/DebVisor install SUCCEEDED/, /e2e: checks done/],
        INSTALL_TIMEOUT_MS,
        /DebVisor install FAILED|e2e: install apply exited with [1-9]|e2e: no profile/,
      );
      copyFileSync(installLog, join(repo, 'out/e2e-install-serial.log'));
      expect(install.matched, `after ${install.seconds} s; serial:\n${install.serial.slice(-6000)}`).toBe(true);
      for (const step of ['check-disks', 'copy-system', 'install-bootloaders', 'update-initramfs', 'save-logs', 'finish'])
        expect(install.serial).toContain(`[install/${step}`);
      // Nothing node-unique from the image; the removable UEFI path; secrets out of the saved profile; logs on the node.
      const image = /e2e: image machine-id: \[([0-9a-f]*)\]/.exec(install.serial)?.[1];
      const node = /e2e: node machine-id: \[([0-9a-f]*)\]/.exec(install.serial)?.[1];
      expect(node).toMatch(/^[0-9a-f]{32}$/);
      expect(node).not.toBe(image);
      const imageKey = /e2e: image host key: \[([^\]]*)\]/.exec(install.serial)?.[1];
      const nodeKey = /e2e: node host key: \[([^\]]*)\]/.exec(install.serial)?.[1];
      expect(nodeKey).toMatch(/^AAAAC3NzaC1lZDI1NTE5/);
      expect(nodeKey).not.toBe(imageKey);
      expect(install.serial).toMatch(/e2e: node host keys: 2/);
      expect(install.serial).toContain('e2e: removable path EFI/BOOT/BOOTX64.EFI present');
      expect(install.serial).toMatch(/e2e: redacted secrets: [1-9]/);
      expect(install.serial).not.toContain('SECRET LEAKED');
      expect(install.serial).toMatch(/e2e: logs: .*events\.jsonl.*install\.log/);
      expect(install.serial).toMatch(/e2e: live packages left: 0/);
      expect(install.serial).toContain("e2e: second disk's removable path present");
      expect(install.serial).toContain('e2e: mdadm.conf names the array');
      expect(install.serial).toMatch(/e2e: mdstat: md\d+ : active raid1/);

      const bootLog = join(dir, 'serial-boot.log');
      const boot = await runAndWatch(
        [...TCG, '-m', '2048', '-smp', '2', '-display', 'none', '-monitor', 'none', '-no-reboot', '-nic', 'none', '-serial', `file:${bootLog}`, ...diskArgs()],
        bootLog,
        [new RegExp(`${HOSTNAME} login:`), /DebVisor first boot ran at/],
        BOOT_TIMEOUT_MS,
      );
      copyFileSync(bootLog, join(repo, 'out/e2e-installed-boot-serial.log'));
      expect(boot.matched, `after ${boot.seconds} s; serial:\n${boot.serial.slice(-6000)}`).toBe(true);
      // The live system's boot is gone: no live-boot on the installed node.
      expect(boot.serial).not.toMatch(/DebVisor live system/);

      // UEFI with fresh variables (no boot entries): the firmware finds EFI/BOOT/BOOTX64.EFI by itself.
      const uefiLog = join(dir, 'serial-boot-uefi.log');
      const vars = join(dir, 'vars.fd');
      copyFileSync(OVMF_VARS, vars);
      const uefi = await runAndWatch(
        [
          ...TCG,
          '-machine',
          'q35',
          '-m',
          '2048',
          '-smp',
          '2',
          '-display',
          'none',
          '-monitor',
          'none',
          '-no-reboot',
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
      copyFileSync(uefiLog, join(repo, 'out/e2e-installed-boot-uefi-serial.log'));
      expect(uefi.matched, `after ${uefi.seconds} s; serial:\n${uefi.serial.slice(-6000)}`).toBe(true);
    },
    INSTALL_TIMEOUT_MS + 2 * BOOT_TIMEOUT_MS + 120_000,
  );
});

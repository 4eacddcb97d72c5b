import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { closeSync, copyFileSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { authenticator } from 'otplib';
import { GUEST_HTTP, OVMF_CODE, OVMF_VARS, TCG } from './helpers/qemu.js';
import { defaultBuild } from './helpers/default-build.js';
import { bootAndKeep, runAndWatch, serialConsole, waitForSerial, type RunningVm, type SerialConsole } from './helpers/qemu-watch.js';
import { startSwtpm, type Swtpm } from './helpers/swtpm.js';
import { canLogin, endAllSessions, sshBanner, sshLogin, type Session } from './helpers/ssh.js';
import { freePort } from './helpers/acme-dns.js';
import { ADMIN, DISKS, FQDN, GUEST_IP, HOSTNAME, PASSWORD, machine, startNodeLab, type NodeLab } from './helpers/node-lab.js';

/**
 * The one full install of the end-to-end suite (TCG time is dear), as a fleet node gets it, in the
 * lab of helpers/node-lab.ts (netboot files, answer server, knot and pebble on the host's loopback):
 * 1. the node boots by PXE (QEMU's TFTP hands its built-in iPXE ROM a boot script over HTTP,
 *    the netboot files of out/netboot/ with `debvisor.mode=unattended`), POSTs its facts to an
 *    answer server on the host's loopback over HTTPS with a pinned certificate, and installs the
 *    profile it gets (test/fixtures/profiles/e2e-install.yaml with this run's SSH key and TOTP
 *    secret, and disk encryption) onto two blank sparse 18 GiB virtio disks: RAID1, LUKS2 on the
 *    mirror (argon2id as cryptsetup measures it in the guest) under LVM-thin, /boot a plain RAID1;
 *    the guest has a software TPM 2.0 (swtpm), which its facts find and systemd-cryptenroll enrols
 *    as a second key; then it powers off;
 * 2. the installed disks boot alone with SeaBIOS: the initramfs asks for the passphrase on the
 *    serial console, a wrong one is refused, the right one unlocks the root; first boot reaches
 *    `ready` with its name in knot and a certificate from pebble on 443; through a forwarded port
 *    the test logs in as the admin
 *    with the key and a TOTP code (otplib), runs `sudo debvisor audit` (grade A), sees root and
 *    password-only logins refused, node-unique machine-id and host keys, the saved profile
 *    replaying to the plan of the install, the TPM's token in the LUKS2 header, and what the
 *    install left on the disks;
 * 3. last on that boot (it bans the host's forwarded address): failed logins get banned by the
 *    rendered fail2ban jail (journald backend);
 * 4. the same disks boot with OVMF and empty UEFI variables (the removable path) to the login.
 * The encrypted mirror is the one full install's layout: one install, every layer of the stack
 * (md, LUKS, LVM-thin, two bootloaders on a mirrored /boot) booted for real.
 * The guest's network is restricted (restrict=on) to the servers the test forwards.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const INSTALL_TIMEOUT_MS = 1_500_000;
const BOOT_TIMEOUT_MS = 600_000;
/** Bound on everything done over SSH on the booted node. */
const CHECKS_TIMEOUT_MS = 600_000;
/** The disks' passphrase: typed on the serial console at every boot, never on the serial port's output. */
const PASSPHRASE = 'correct horse battery staple';
/** cryptroot's prompt in the initramfs. */
const UNLOCK = /Please unlock disk|Enter passphrase/;

let parent: string;
let out: string;
let lab: NodeLab;
let vm: RunningVm | undefined;
let tty: SerialConsole | undefined;
/** The install guest's software TPM, stopped after the install even when it timed out. */
let tpm: Swtpm | undefined;

/** pam_google_authenticator refuses a code used before: each login waits for a fresh 30 s step. */
let lastStep = -1;
async function freshCode(): Promise<string> {
  const step = () => Math.floor(Date.now() / 30_000);
  while (step() <= lastStep) await new Promise((r) => setTimeout(r, 1000));
  lastStep = step();
  return authenticator.generate(lab.totpSecret);
}

beforeAll(async () => {
  parent = mkdtempSync(join(tmpdir(), 'debvisor-install-'));
  out = join(repo, 'out');
  await defaultBuild();
  // The plain /boot mirror takes 1 GiB of each disk: 18 GiB (sparse) leave the thin pool more than its 4 GiB.
  lab = await startNodeLab(parent, out, { storage: { encryption: { passphrase: PASSPHRASE, tpm2: true } }, diskBytes: 18 * 1024 ** 3 });
}, 3_000_000);

afterAll(async () => {
  await endAllSessions();
  tty?.close();
  await vm?.stop();
  await tpm?.stop();
  await lab?.close();
  if (parent) rmSync(parent, { recursive: true, force: true });
});

describe('the full install in QEMU', () => {
  it(
    'PXE, unattended over pinned HTTPS, onto two blank disks (RAID1, LUKS2 with a TPM key, LVM-thin); the node asks for its passphrase, boots (SeaBIOS), takes the admin with key and TOTP, grades A, bans failed logins, and boots with OVMF',
    async () => {
      const { dir, key, totpSecret, tsigSecret, http, answerEvents, remotes } = lab;
      const diskArgs = () => lab.diskArgs();
      // 1. PXE and the unattended install.
      const installLog = join(dir, 'serial-install.log');
      const started = await startSwtpm(join(dir, 'tpm'));
      tpm = started;
      const install = await runAndWatch(
        [
          ...TCG,
          // The squashfs fetched over HTTP lives in RAM during the install.
          ...machine(4096),
          '-serial',
          `file:${installLog}`,
          ...started.qemuArgs,
          ...lab.pxeArgs(),
          ...diskArgs(),
        ],
        installLog,
        [/DebVisor install SUCCEEDED/],
        INSTALL_TIMEOUT_MS,
        /DebVisor install FAILED/,
      ).finally(() => started.stop());
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
      // The passphrase went to cryptsetup's stdin only: never on the serial port (events, log lines).
      expect(install.serial).not.toContain(PASSPHRASE);
      // The TPM as a second key: the plan enrolled it (the facts saw a TPM 2.0).
      for (const step of ['encrypt-system', 'write-crypttab', 'enrol-tpm2']) expect(install.serial).toMatch(new RegExp(`"step":"${step}"`));
      expect(install.serial).toContain(`TOTP secret of ${ADMIN} written from the profile`);
      // To look into a later step without a new install: DEBVISOR_E2E_KEEP_DISKS=DIR keeps a copy of the installed disks.
      const keep = process.env.DEBVISOR_E2E_KEEP_DISKS;
      if (keep) for (const d of DISKS) await execa('cp', ['--sparse=always', join(dir, d), join(keep, d)]);
      // BIOS GRUB: grub-install made it on the first disk, grub-bios-setup wrote the same onto the
      // second; boot code and core image must be byte for byte what grub-install writes on disk 1.
      const biosGrub = async (d: string) => {
        // partx (util-linux) reads the GPT of an image file: start and size in 512-byte sectors, the type's UUID.
        const rows = (await execa('partx', ['--raw', '--noheadings', '-o', 'START,SECTORS,TYPE', join(dir, d)])).stdout.split('\n').map((l) => l.split(' '));
        const row = rows.find((r) => r[2]?.toLowerCase() === '21686148-6449-6e6f-744e-656564454649');
        if (!row) throw new Error(`${d} has no BIOS boot partition; partx says:\n${rows.map((r) => r.join(' ')).join('\n')}`);
        const part = { start: Number(row[0]), size: Number(row[1]) };
        const ss = 512;
        const fd = openSync(join(dir, d), 'r');
        try {
          const mbr = Buffer.alloc(440);
          readSync(fd, mbr, 0, 440, 0);
          const core = Buffer.alloc(part.size * ss);
          readSync(fd, core, 0, core.length, part.start * ss);
          return { mbr, core };
        } finally {
          closeSync(fd);
        }
      };
      const [bios1, bios2] = [await biosGrub(DISKS[0]!), await biosGrub(DISKS[1]!)];
      expect(
        bios1.core.some((b) => b !== 0),
        "a core image in the first disk's BIOS boot partition",
      ).toBe(true);
      expect(bios2.mbr.equals(bios1.mbr), 'the same boot code in both MBRs').toBe(true);
      expect(bios2.core.equals(bios1.core), 'the same core image in both BIOS boot partitions').toBe(true);

      // 2. The installed disks alone (SeaBIOS), SSH and the panel forwarded from the host's loopback, knot and pebble to it.
      const sshPort = await freePort();
      const panelPort = await freePort();
      const bootLog = join(dir, 'serial-boot.log');
      // The serial port is a socket the test types into, logged to a file.
      const sock = join(dir, 'serial.sock');
      vm = await bootAndKeep(
        [
          ...TCG,
          ...machine(2048),
          '-chardev',
          `socket,id=s0,path=${sock},server=on,wait=off,logfile=${bootLog}`,
          '-serial',
          'chardev:s0',
          ...lab.nodeArgs(sshPort, panelPort),
          ...diskArgs(),
        ],
        bootLog,
        [UNLOCK],
        BOOT_TIMEOUT_MS,
      );
      const booted = vm;
      expect(booted.matched, `no passphrase prompt after ${booted.seconds} s; serial:\n${booted.serialNow().slice(-6000)}`).toBe(true);
      tty = await serialConsole(sock);
      let at = booted.serialNow().length;
      tty.type('not the passphrase\r');
      // cryptroot says the key was wrong and asks again (up to three times).
      const refused = await waitForSerial(booted.serialNow, at, [/(bad password|No key available)[\s\S]*(Please unlock disk|Enter passphrase)/], 180_000);
      expect(refused, `the wrong passphrase was not refused and asked again; serial:\n${booted.serialNow().slice(-3000)}`).toBe(true);
      expect(booted.serialNow().slice(at)).not.toMatch(/login:/);
      at = booted.serialNow().length;
      tty.type(`${PASSPHRASE}\r`);
      // First boot's status goes to the console (journal+console) when its run ends.
      const up = await waitForSerial(
        booted.serialNow,
        at,
        [new RegExp(`${HOSTNAME} login:`), new RegExp(`DebVisor node ${FQDN.replace(/\./g, '\\.')}: \\w`)],
        BOOT_TIMEOUT_MS,
      );
      copyFileSync(bootLog, join(out, 'e2e-installed-boot-serial.log'));
      expect(up, `no login prompt and first-boot status after the passphrase; serial:\n${booted.serialNow().slice(-6000)}`).toBe(true);
      const serial = booted.serialNow();
      // The root the kernel mounted is the opened container (cryptroot's message).
      expect(serial).toMatch(/cryptsetup: \S+: set up successfully/);
      // The archive the install appends to the initramfs (mdadm.conf, crypttab) was read: the kernel
      // unpacked everything, and the mirrors have the names mdadm.conf gives them.
      expect(serial).not.toMatch(/Initramfs unpacking failed/);
      expect(serial).toMatch(/md\/raid1:md0: active with 2 out of 2 mirrors/);
      // The live system's boot is gone: no live-boot on the installed node (its banner says the boot mode).
      expect(serial).not.toMatch(/DebVisor live system, boot mode/);
      // The saved profile, its TOTP secret redacted, loads in first boot (no "cannot be used").
      expect(serial).not.toMatch(/node profile .* cannot be used/);

      const host = '127.0.0.1';
      const checksStarted = Date.now();
      let s: Session | undefined;
      // sshd may still be starting after the login prompt: a few tries, bounded.
      for (let i = 0; i < 6 && !s; i++) {
        try {
          s = await sshLogin({ host, port: sshPort, user: ADMIN, key, code: await freshCode() });
        } catch (err) {
          if (i === 5) throw new Error(`no SSH login as ${ADMIN}: ${(err as Error).message}\nserial:\n${vm.serialNow().slice(-4000)}`);
        }
      }
      const session = s!;
      const run = async (cmd: string, input?: string) => session.exec(cmd, input);
      /** sudo asks for the admin's password (sudoers: a password every time after 5 minutes); -k makes it ask now, on stdin. */
      const sudo = (cmd: string, input = '') => run(`sudo -k -S -p '' ${cmd}`, `${PASSWORD}\n${input}`);

      expect((await run('id -un')).stdout.trim()).toBe(ADMIN);

      // First boot to ready with no manual step: the name in knot, a certificate from pebble on 443.
      // `--wait` returns once first boot has settled, `ready (degraded)` included; the timer's reruns may still make it ready.
      let st = await sudo('debvisor status --wait --timeout 420 --json');
      const stateNow = () => (JSON.parse(st.stdout || '{}') as { state?: string }).state;
      for (const end = Date.now() + 420_000; stateNow() !== 'ready' && Date.now() < end; ) {
        await new Promise((r) => setTimeout(r, 15_000));
        st = await sudo('debvisor status --json');
      }
      const status = JSON.parse(st.stdout || '{}') as { state?: string; certificate?: { selfSigned: boolean; issuer: string } };
      expect(status.state, `${st.stdout}\n${st.stderr}\nserial:\n${vm.serialNow().slice(-4000)}`).toBe('ready');
      expect(status.certificate?.selfSigned).toBe(false);
      // First boot's Node started from the snapshot the install made with the node's own Node
      // (enable-units), removed once first boot was done.
      expect(vm.serialNow()).toMatch(/Node started from the installer's start snapshot/);
      const stateFiles = await sudo('ls -a /var/lib/debvisor/firstboot');
      expect(stateFiles.stdout, stateFiles.stderr).toMatch(/summary\.json/);
      expect(stateFiles.stdout).not.toMatch(/node-start\.blob/);
      expect(await remotes.dig(FQDN, 'A')).toEqual([GUEST_IP]);
      const pebbleRoot = join(dir, 'pebble-root.pem');
      writeFileSync(pebbleRoot, await remotes.pebbleRoot());
      const tls = await execa(
        'openssl',
        ['s_client', '-connect', `127.0.0.1:${panelPort}`, '-servername', FQDN, '-CAfile', pebbleRoot, '-verify_return_error'],
        {
          input: '',
          reject: false,
        },
      );
      expect(tls.stdout, tls.stderr).toMatch(/Verify return code: 0 \(ok\)/);
      expect(tls.stdout).toMatch(/issuer=.*Pebble Intermediate/);
      // The node's boot: the interfaces came up only after the firewall's ruleset was loaded, and
      // first boot began only after they were up (network-online.target means ifup -a is done).
      // As root: the node runs no D-Bus, and systemctl reaches systemd's private socket only as root.
      const mono = async (unit: string, prop: string) => {
        const r = await sudo(`systemctl show -p ${prop} --value ${unit}`);
        const n = Number(r.stdout.trim());
        if (!Number.isFinite(n)) throw new Error(`systemctl show -p ${prop} ${unit}: ${r.stdout} ${r.stderr}`);
        return n;
      };
      const nftLoaded = await mono('nftables.service', 'ActiveEnterTimestampMonotonic');
      const netStarted = await mono('networking.service', 'InactiveExitTimestampMonotonic');
      const netDone = await mono('networking.service', 'ActiveEnterTimestampMonotonic');
      const firstbootStarted = await mono('debvisor-firstboot.service', 'InactiveExitTimestampMonotonic');
      expect(nftLoaded, 'nftables loaded').toBeGreaterThan(0);
      expect(netStarted, 'networking.service started after the ruleset was loaded').toBeGreaterThanOrEqual(nftLoaded);
      expect(firstbootStarted, 'first boot started after the interfaces were up').toBeGreaterThanOrEqual(netDone);
      // The consoles tty2-tty6 (getty-static: no D-Bus here) waited for first boot's first run, and
      // are there. The unit's timestamps are its last run's (the timer may have rerun it): the
      // first run's end is read from the journal, in seconds since boot.
      const runs = await sudo('journalctl -b -o short-monotonic --no-pager -u debvisor-firstboot.service');
      const ended =
        /^\[\s*(\d+\.\d+)\].*(Finished debvisor-firstboot\.service|debvisor-firstboot\.service: (Deactivated successfully|Failed with result))/m.exec(
          runs.stdout,
        );
      expect(ended, `first boot's first run has not ended:\n${runs.stdout.slice(-3000)}`).not.toBeNull();
      const tty2Started = await mono('getty@tty2.service', 'ActiveEnterTimestampMonotonic');
      expect(tty2Started, 'the getty on tty2 started after first boot ended').toBeGreaterThanOrEqual(Number(ended![1]) * 1e6 - 1);
      // /etc and /var were marked up to date with /usr: the first boot rebuilt no cache the image has.
      const updates = await sudo('systemctl show -p ConditionResult --value ldconfig.service systemd-journal-catalog-update.service systemd-sysusers.service');
      expect(updates.stdout.trim().split(/\s+/), updates.stderr).toEqual(['no', 'no', 'no']);
      const audit = await sudo('debvisor audit');
      expect(audit.stdout, audit.stderr).toMatch(/^grade: A$/m);
      expect(audit.code).toBe(0);

      // Node-unique: machine-id and host keys are not the image's (read from the squashfs served).
      const squashfs = join(out, 'netboot/filesystem.squashfs');
      const fromImage = async (p: string) => (await execa('unsquashfs', ['-cat', squashfs, p], { reject: false })).stdout.trim();
      const nodeId = (await run('cat /etc/machine-id')).stdout.trim();
      expect(nodeId).toMatch(/^[0-9a-f]{32}$/);
      expect(nodeId).not.toBe(await fromImage('etc/machine-id'));
      const pubs = (await run('ls /etc/ssh')).stdout.split('\n').filter((f) => /^ssh_host_.*_key\.pub$/.test(f));
      expect(pubs.length).toBeGreaterThanOrEqual(2);
      for (const p of pubs) {
        const node = (await run(`cat /etc/ssh/${p}`)).stdout.split(' ')[1];
        expect(node).toMatch(/^AAAA/);
        expect(node).not.toBe((await fromImage(`etc/ssh/${p}`)).split(' ')[1]);
      }
      expect((await run(`cat /etc/ssh/ssh_host_ed25519_key.pub`)).stdout.split(' ')[1]).toBe(session.hostKey);

      // The saved profile (secrets removed) with the saved facts plans as the install did.
      const replay = await sudo('debvisor install plan /etc/debvisor/installed-profile.yaml --facts /var/log/debvisor/facts.json');
      expect(replay.code, replay.stderr).toBe(0);
      const planned = await sudo('cat /var/log/debvisor/plan.txt');
      expect(planned.stdout).toContain(`DebVisor install plan for ${HOSTNAME}.lab.example.com`);
      expect(replay.stdout).toBe(planned.stdout);

      // LUKS2 on the mirror: two key slots, the passphrase's and the TPM's (a systemd-tpm2 token).
      const luks = await sudo('sh -c \'for d in $(blkid -t TYPE=crypto_LUKS -o device); do echo "luks on $d"; cryptsetup luksDump "$d"; done\'');
      expect(luks.stdout, luks.stderr).toMatch(/^luks on \/dev\/md\d+$/m);
      expect(luks.stdout.match(/^luks on /gm)?.length).toBe(1);
      expect(luks.stdout).toMatch(/^Version:\s+2$/m);
      expect(luks.stdout).toMatch(/^\s+\d+: systemd-tpm2$/m);
      expect(luks.stdout.match(/^\s+\d+: luks2$/gm)?.length).toBe(2);

      // What the install left on the disks.
      const state = await sudo(
        'sh -s',
        [
          'set -u',
          `echo "redacted secrets: $(grep -c '<redacted>' /etc/debvisor/installed-profile.yaml)"`,
          `grep -qe '${tsigSecret}' -e '${totpSecret}' /etc/debvisor/installed-profile.yaml && echo "SECRET LEAKED"`,
          // 0600 as written; pam_google_authenticator rewrites it 0400 after a login (its timestamps of used codes).
          `case "$(stat -c '%U %a' /var/lib/debvisor/mfa/${ADMIN})" in "root 600" | "root 400") echo "totp state root only" ;; esac`,
          // Both ESPs (one is /boot/efi): each has the removable path.
          'for d in vda2 vdb2; do m=$(findmnt -rn -S /dev/$d -o TARGET | head -n1); if [ -z "$m" ]; then m=/run/esp-$d; mkdir -p $m; mount -o ro /dev/$d $m; fi; test -s $m/EFI/BOOT/BOOTX64.EFI && echo "removable path on $d"; done',
          "grep -q '^ARRAY /dev/md' /etc/mdadm/mdadm.conf && echo 'mdadm.conf names the array'",
          // Two mirrors: the encrypted one under LVM and the plain /boot.
          "grep -E '^md[0-9]+ : active raid1 vd[ab][0-9]\\[[01]\\] vd[ab][0-9]\\[[01]\\]' /proc/mdstat | sed 's/^/mdstat: /'",
          'findmnt -rn -o SOURCE /boot | sed "s/^/boot on: /"',
          'echo "logs: $(ls /var/log/debvisor | tr "\\n" " ")"',
          // Nothing of the live system's own: its units, the drop-in keeping ifupdown2 off, the installer's consoles.
          'echo "live files left: $(ls -d /etc/systemd/system/debvisor-unattended.service /etc/systemd/system/debvisor-live-firewall.service /etc/systemd/system/networking.service.d/debvisor-live.conf /etc/live 2>/dev/null | wc -l)"',
          'systemctl is-active networking.service | sed "s/^/networking: /"',
          'systemctl is-active nginx.service | sed "s/^/nginx: /"',
          `echo "live packages left: $(dpkg-query -W -f '\${Package} \${db:Status-Status}\\n' 'live-*' 2>/dev/null | grep -c ' installed$')"`,
          '',
        ].join('\n'),
      );
      expect(state.stdout, state.stderr).toMatch(/redacted secrets: [1-9]/);
      expect(state.stdout).not.toContain('SECRET LEAKED');
      for (const line of [
        'totp state root only',
        'removable path on vda2',
        'removable path on vdb2',
        'mdadm.conf names the array',
        'live packages left: 0',
        'live files left: 0',
        'networking: active',
        'nginx: active',
      ])
        expect(state.stdout, state.stderr).toContain(line);
      expect(state.stdout.match(/^mdstat: md\d+ : active raid1/gm)?.length, state.stdout).toBe(2);
      expect(state.stdout).toMatch(/^boot on: \/dev\/md\d+$/m);
      expect(state.stdout).toMatch(/logs: .*events\.jsonl.*facts\.json.*install\.log/);
      await session.end();

      // Refused: root (locked, not in the login group), the admin with the password alone, the key without the code.
      const root = await canLogin({ host, port: sshPort, user: 'root', key, password: PASSWORD });
      expect(root.ok).toBe(false);
      const passwordOnly = await canLogin({ host, port: sshPort, user: ADMIN, password: PASSWORD, code: PASSWORD });
      expect(passwordOnly.ok).toBe(false);
      expect(Date.now() - checksStarted).toBeLessThan(CHECKS_TIMEOUT_MS);

      // 3. Last on this boot: failed logins from the forwarded address (QEMU's 10.0.2.2) get it banned.
      expect(await sshBanner(host, sshPort, 15_000)).toMatch(/^SSH-2\.0-OpenSSH/);
      let banned = false;
      for (let i = 0; i < 12 && !banned; i++) {
        await canLogin({ host, port: sshPort, user: `nosuchuser${i}`, password: 'wrong' });
        banned = (await sshBanner(host, sshPort, 10_000)) === undefined;
      }
      expect(banned, `still answering after 12 failed logins; serial:\n${vm.serialNow().slice(-3000)}`).toBe(true);
      tty.close();
      await vm.stop();
      vm = undefined;

      // 4. UEFI with fresh variables (no boot entries): the firmware finds EFI/BOOT/BOOTX64.EFI by itself.
      const uefiLog = join(dir, 'serial-boot-uefi.log');
      const vars = join(dir, 'vars.fd');
      copyFileSync(OVMF_VARS, vars);
      const uefiSock = join(dir, 'serial-uefi.sock');
      vm = await bootAndKeep(
        [
          ...TCG,
          '-machine',
          'q35',
          ...machine(2048),
          '-nic',
          'none',
          '-chardev',
          `socket,id=s0,path=${uefiSock},server=on,wait=off,logfile=${uefiLog}`,
          '-serial',
          'chardev:s0',
          '-drive',
          `if=pflash,format=raw,readonly=on,file=${OVMF_CODE}`,
          '-drive',
          `if=pflash,format=raw,file=${vars}`,
          ...diskArgs(),
        ],
        uefiLog,
        [/GNU GRUB/, UNLOCK],
        BOOT_TIMEOUT_MS,
      );
      const uefi = vm;
      expect(uefi.matched, `no GRUB and passphrase prompt after ${uefi.seconds} s; serial:\n${uefi.serialNow().slice(-6000)}`).toBe(true);
      tty = await serialConsole(uefiSock);
      at = uefi.serialNow().length;
      tty.type(`${PASSPHRASE}\r`);
      const uefiUp = await waitForSerial(uefi.serialNow, at, [new RegExp(`${HOSTNAME} login:`)], BOOT_TIMEOUT_MS);
      copyFileSync(uefiLog, join(out, 'e2e-installed-boot-uefi-serial.log'));
      expect(uefiUp, `no login prompt after the passphrase (OVMF); serial:\n${uefi.serialNow().slice(-6000)}`).toBe(true);
      tty.close();
      await uefi.stop();
      vm = undefined;
    },
    INSTALL_TIMEOUT_MS + 4 * BOOT_TIMEOUT_MS + CHECKS_TIMEOUT_MS + 300_000,
  );
});

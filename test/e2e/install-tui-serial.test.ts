import { execa } from 'execa';
import { tmuxPane } from '../integration/helpers/tmux-pane.js';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { authenticator } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { finishLines } from '../../installer/tui/ui/lines.js';
import { validateProfile } from '../../profiles/validate.js';
import { TCG } from './helpers/qemu.js';
import { defaultBuild } from './helpers/default-build.js';

/**
 * The installer as an operator meets it on a serial console: the built ISO's kernel and initrd
 * boot under TCG with the command line of the ISO's own `install-serial` entry (read from its
 * grub.cfg, the same in isolinux.cfg) plus `debvisor.dryrun=1`, one blank sparse 128 GiB virtio disk
 * and one NIC. QEMU runs inside tmux with its serial port on stdio, so tmux is the serial
 * terminal: capture-pane reads the screen, send-keys types. The whole install is typed (a wrong
 * TOTP code first, then the right one computed with otplib from the secret on screen), the
 * profile is read off the screen (Ctrl-E on the summary), the install is confirmed, and the dry
 * run ends at the plan; the console then prints the facts it planned with. On the host, the
 * profile read off the screen must validate, and `debvisor install plan` of it on those facts
 * must print exactly the plan the installer showed, line by line.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const out = join(repo, 'out');
const SOCKET = `dv-tui-e2e-${process.pid}`;
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEuWckL1NtDTIOYh5bLjRD1Ot+xL7dkjRPIjSUTMVpVa alice@laptop';
const PASSWORD = 'correct-horse-9';
const MAC = '52:54:00:12:34:56';
/** Under TCG the live system reaches the installer in a few minutes on a busy machine. */
const BOOT_WAIT_S = 900;
/** Each screen (node under emulation: the password hash and the plan take longest). */
const SCREEN_WAIT_S = 180;

let dir: string;
let entryCmdline: string;

const { tmux, keys, type, screen, history, waitFor, settle } = tmuxPane({
  socket: SOCKET,
  target: 'tui',
  waitS: SCREEN_WAIT_S,
  pollMs: 500,
  // Settled: unchanged for a second.
  settleStepMs: 1000,
  settleRounds: 60,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The body of the frame (ASCII border: `| text |`), between the title and the status line. */
function body(s: string): { lines: string[]; from: number; to: number; total: number } {
  const rows = s.split('\n');
  const status = rows.map((r) => /lines (\d+)-(\d+) of (\d+)/.exec(r)).find((m) => m);
  if (!status) throw new Error(`no "lines a-b of n" status on screen:\n${s}`);
  const [from, to, total] = status.slice(1, 4).map(Number) as [number, number, number];
  // Rows: 0 border, 1 title, 2..20 the body.
  const lines = rows.slice(2, 21).map((r) => r.slice(2, 78).trimEnd());
  return { lines, from, to, total };
}

/** Pages through a scrolling screen (Down a line at a time under the hood of PgDn), collecting its lines by number. */
async function readPages(first: string, skip = 0): Promise<string[]> {
  let b = body(first);
  const all: string[] = [];
  for (let page = 0; page < 50; page++) {
    for (let n = b.from; n <= b.to; n++) all[n - 1] = b.lines[n - b.from + skip] ?? '';
    if (b.to >= b.total) return all;
    const before = b.from;
    await keys('PageDown');
    const until = Date.now() + SCREEN_WAIT_S * 1000;
    // A screen read while the serial line is still redrawing may lack the status line: read again.
    while (Date.now() < until) {
      await sleep(500);
      const now = /lines (\d+)-\d+ of \d+/.exec(await screen());
      if (now && Number(now[1]) !== before) break;
    }
    b = body(await settle());
  }
  throw new Error('more than 50 pages');
}

/** The kernel command line of a menu entry, from the ISO's GRUB menu and its ISOLINUX menu (which must agree). */
async function entryOf(iso: string, id: string): Promise<string> {
  const read = async (path: string) => {
    const local = join(dir, path.replace(/\//g, '_'));
    await execa('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', path, local]);
    return readFileSync(local, 'utf8');
  };
  const grub = new RegExp(`menuentry "[^"]*" --id ${id} \\{\\n\\s*linux /live/vmlinuz (.*)\\n`).exec(await read('/boot/grub/grub.cfg'))?.[1];
  const isolinux = new RegExp(`label ${id}\\n\\s*linux .*\\n\\s*initrd .*\\n\\s*append (.*)\\n`).exec(await read('/isolinux/isolinux.cfg'))?.[1];
  if (!grub) throw new Error(`no menu entry ${id} in the ISO's grub.cfg`);
  expect(isolinux, 'the ISOLINUX entry').toBe(grub);
  return grub;
}

beforeAll(async () => {
  const v = await execa('tmux', ['-V'], { reject: false });
  if (v.exitCode !== 0) throw new Error('tmux is missing: apt-get install tmux (scripts/packages/test.txt)');
  dir = mkdtempSync(join(tmpdir(), 'debvisor-tui-e2e-'));
  const built = await defaultBuild();
  if (!built.iso || !existsSync(built.iso)) throw new Error(`the build made no ISO in ${out}`);
  entryCmdline = await entryOf(built.iso, 'install-serial');
  await execa('truncate', ['-s', String(128 * 1024 ** 3), join(dir, 'disk.img')]);
  const qemu = [
    'qemu-system-x86_64',
    ...TCG,
    // q35: no floppy drive (an empty one is listed among the disks).
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
    '-pidfile',
    join(dir, 'qemu.pid'),
    // The serial port on tmux's terminal; Ctrl-C goes to the guest, not to QEMU.
    '-chardev',
    'stdio,id=s0,signal=off',
    '-serial',
    'chardev:s0',
    // A NIC for the network screen, reaching nothing (restrict=on).
    '-netdev',
    'user,id=n0,restrict=on',
    '-device',
    `virtio-net-pci,netdev=n0,mac=${MAC}`,
    '-drive',
    `file=${built.iso},media=cdrom,readonly=on,if=ide,index=1`,
    '-drive',
    `file=${join(dir, 'disk.img')},if=virtio,format=raw`,
    '-kernel',
    join(out, 'netboot/vmlinuz'),
    '-initrd',
    join(out, 'netboot/initrd.img'),
    '-append',
    `${entryCmdline} debvisor.dryrun=1`,
  ];
  const cmd = `${qemu.map((a) => `'${a}'`).join(' ')}; echo $? > '${dir}/exit'; sleep 600`;
  const r = await tmux('new-session', '-d', '-x', '80', '-y', '25', '-s', 'tui', cmd);
  if (r.exitCode !== 0) throw new Error(`tmux: ${r.stderr}`);
  await tmux('set-option', '-t', 'tui', 'history-limit', '20000');
}, 3_000_000);

afterAll(async () => {
  const pidFile = dir ? join(dir, 'qemu.pid') : '';
  if (pidFile && existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await tmux('kill-server');
  rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, SOCKET), { force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the install-serial entry in QEMU (dry run)', () => {
  it('is the serial console entry with the installer mode', () => {
    expect(entryCmdline).toMatch(/(^| )console=ttyS0,115200n8( |$)/);
    expect(entryCmdline).toMatch(/(^| )debvisor\.mode=install-serial( |$)/);
  });

  it(
    'types a whole install over the serial port; the profile read off the screen plans, on the guest facts, to the plan the installer showed',
    async () => {
      const welcome = await waitFor('Press Enter to accept the licence', BOOT_WAIT_S);
      // vt220: the ASCII look, no box drawing.
      expect(welcome).toMatch(/^\+-+\+$/m);
      expect([...welcome].every((c) => c.charCodeAt(0) < 128)).toBe(true);
      await settle();
      await keys('Enter');
      const disks = await waitFor('Target disks (2/10)');
      expect(disks).toContain('vda');
      await keys('Space');
      await settle();
      await keys('C-n');
      await waitFor('Location (3/10)');
      await type('berlin');
      await keys('Down');
      await type('de');
      await keys('Down');
      await type('de_DE');
      await settle();
      await keys('C-n');
      await waitFor('Administrator (4/10)');
      await type('alice');
      await keys('Down');
      await type(PASSWORD);
      await keys('Down');
      await type(PASSWORD);
      await keys('Down');
      await type(KEY);
      await settle();
      await keys('Enter');
      await settle();
      await keys('C-n');
      const mfa = await waitFor('the secret:');
      const secret = (mfa.match(/ {2}([A-Z2-7]{4}(?: [A-Z2-7]{4}){3})\n.* {2}([A-Z2-7]{4}(?: [A-Z2-7]{4}){3})/) ?? []).slice(1, 3).join('').replace(/ /g, '');
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      const right = authenticator.generate(secret);
      await type(String((Number(right) + 500_000) % 1_000_000).padStart(6, '0'));
      // Over a serial line typed text and Enter can arrive in one read: Enter only once the text is drawn, as a person would.
      await settle();
      await keys('Enter');
      await waitFor('wrong code for this secret');
      await settle();
      // Computed just before it is typed: the guest's clock is the host's (QEMU's RTC).
      await type(authenticator.generate(secret));
      await settle();
      await keys('Enter');
      const network = await waitFor('Network (6/10)');
      expect(network).toContain(MAC);
      // One NIC: one row in the list, then the host name.
      await keys('Down');
      await type('pve1.lab.example.com');
      await keys('Down', 'Right', 'Down');
      await type('192.0.2.10/24');
      await keys('Down');
      await type('192.0.2.1');
      await keys('Down', 'Down');
      await type('192.0.2.53');
      await settle();
      await keys('C-n');
      await waitFor('Security (7/10)');
      await keys('Down', 'Space', 'Down');
      await type('192.0.2.0/24');
      await settle();
      await keys('C-n');
      await waitFor('Certificates and DNS (8/10)');
      await keys('Down');
      await type('ops@example.com');
      await keys('Down', 'Down', 'Space');
      await settle();
      await keys('C-n');
      await waitFor('Cluster (9/10)');
      await keys('Right', 'Down');
      await type('lab');
      await settle();
      await keys('C-n');
      const summary = await waitFor('Summary (10/10)');
      expect(summary).toContain('WILL BE WIPED');
      expect(summary).toContain('/dev/vda');
      await settle();

      // The profile, shown on screen (Ctrl-E) and read off it page by page.
      await keys('C-e');
      const shown = await waitFor('the profile of these answers');
      const yaml = (await readPages(shown)).join('\n');
      writeFileSync(join(dir, 'screen-profile.yaml'), `${yaml}\n`);
      const profile = parse(yaml) as { users: { admin: { name: string; passwordHash: string; sshKeys: string[] } }; node: { hostname: string } };
      expect(profile.node.hostname).toBe('pve1');
      expect(profile.users.admin.sshKeys).toEqual([KEY]);
      // The hash is whole (it is wider than the screen): the typed password hashes to it again.
      const salt = profile.users.admin.passwordHash.split('$')[2]!;
      const again = await execa('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], { input: `${PASSWORD}\n` });
      expect(again.stdout.trim()).toBe(profile.users.admin.passwordHash);
      await keys('Escape');
      await waitFor('Summary (10/10)');
      await settle();

      await keys('Down');
      await type('yes');
      await settle();
      await keys('Enter');
      const plan = await waitFor('Dry run: this is the plan; nothing was touched.', SCREEN_WAIT_S * 2);
      const b = body(plan);
      // Body rows: the head line, a blank, then the plan text from line `from` on.
      const shownPlan = await readPages(plan, 2);
      expect(b.total).toBeGreaterThan(5);
      await keys('q');
      const tail = await waitFor('Press Enter to start the installer again.');
      expect(tail).not.toMatch(/login:/);

      // The facts the guest planned with, printed by the console after the installer left.
      const all = await history();
      const facts = /--- facts ---\n([\s\S]*?)\n?--- end of facts ---/.exec(all.replace(/\r/g, ''))?.[1];
      expect(facts, 'the facts block on the console').toBeTruthy();
      writeFileSync(join(dir, 'facts.json'), facts!);
      expect((JSON.parse(facts!) as { disks: { name: string }[] }).disks.map((d) => d.name)).toContain('vda');

      // On the host: the profile from the screen validates and plans, on those facts, to the plan on screen.
      const v = validateProfile(join(dir, 'screen-profile.yaml'));
      expect(v.ok, JSON.stringify(v.ok ? [] : v.issues)).toBe(true);
      const p = await execa(
        process.execPath,
        [join(repo, 'bin/debvisor.js'), 'install', 'plan', join(dir, 'screen-profile.yaml'), '--facts', join(dir, 'facts.json')],
        {
          reject: false,
        },
      );
      expect(p.exitCode, p.stderr).toBe(0);
      const want = finishLines(p.stdout).map((l) => l.trimEnd());
      while (want.length && want[want.length - 1] === '') want.pop();
      const got = shownPlan.map((l) => l.trimEnd());
      while (got.length && got[got.length - 1] === '') got.pop();
      expect(got).toEqual(want);
      expect(got.join('\n')).toContain('DebVisor install plan for pve1.lab.example.com');
      // Nothing was written to the guest's disk: the sparse file still has no block of its own.
      expect(statSync(join(dir, 'disk.img')).blocks).toBe(0);
    },
    (BOOT_WAIT_S + 30 * SCREEN_WAIT_S) * 1000,
  );
});

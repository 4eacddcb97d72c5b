import { execa } from 'execa';
import { tmuxPane } from './helpers/tmux-pane.js';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { authenticator } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { HardwareFacts } from '../../profiles/facts.js';
import { validateProfile } from '../../profiles/validate.js';
import { formatPlan } from '../../installer/plan/format-plan.js';
import { planInstall } from '../../installer/plan/plan-install.js';

/**
 * The real binary in a real terminal: tmux (80x25) runs `debvisor install tui --facts ...
 * --dry-run --export ...`, send-keys types a whole install (a wrong TOTP code first, then the
 * right one computed with otplib from the secret read off the screen), capture-pane reads each
 * screen. The exported profile must be the expected one and plan to the expected plan.
 * DEBVISOR_TUI_SCREENS=DIR keeps the captured screens (docs/install.md shows them).
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const SOCKET = `dv-tui-${process.pid}`;
const FACTS = join(repo, 'test/fixtures/facts/two-nics.json');
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEuWckL1NtDTIOYh5bLjRD1Ot+xL7dkjRPIjSUTMVpVa alice@laptop';
const PASSWORD = 'correct-horse-9';
/** Bound on each wait for a screen. */
const SCREEN_WAIT_S = 30;
/** The first screen: Node loading Ink and the profile schema on a loaded two-core machine can take a while. */
const START_WAIT_S = 120;

let dir: string;
const screensDir = process.env.DEBVISOR_TUI_SCREENS;

const pane = tmuxPane({ socket: SOCKET, target: 'tui', waitS: SCREEN_WAIT_S, pollMs: 200, settleStepMs: 150, settleRounds: 50 });
const { tmux, keys, type, waitFor } = pane;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the screen stops changing (the keys just sent are drawn), then keeps it as `name`. */
async function settle(name?: string): Promise<string> {
  const now = await pane.settle();
  if (name && screensDir) writeFileSync(join(screensDir, `${name}.txt`), `${now.replace(/\s+$/gm, '')}\n`);
  return now;
}

function fits(s: string) {
  const lines = s.replace(/\n+$/, '').split('\n');
  expect(lines.length).toBeLessThanOrEqual(25);
  for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(80);
}

async function startTui(args: string[]): Promise<void> {
  // CI=true as on a CI runner, whatever this machine has: Ink then draws only its last frame unless
  // the installer loads it without (the suite failed in CI on exactly that, with a blank screen).
  const cmd = `CI=true ${['node', 'bin/debvisor.js', 'install', 'tui', ...args].map((a) => `'${a}'`).join(' ')}`;
  // A session an earlier, failed test left behind must not make this one fail too.
  await tmux('kill-session', '-t', 'tui');
  const r = await tmux('new-session', '-d', '-x', '80', '-y', '25', '-s', 'tui', '-c', repo, `${cmd}; echo $? > '${dir}/exit'; sleep 60`);
  expect(r.exitCode, r.stderr).toBe(0);
}

async function exitCode(): Promise<number> {
  const until = Date.now() + SCREEN_WAIT_S * 1000;
  while (Date.now() < until) {
    if (existsSync(join(dir, 'exit'))) return Number(readFileSync(join(dir, 'exit'), 'utf8').trim());
    await sleep(200);
  }
  throw new Error('the installer did not exit');
}

beforeAll(async () => {
  const v = await execa('tmux', ['-V'], { reject: false });
  if (v.exitCode !== 0) throw new Error('tmux is missing: apt-get install tmux (scripts/packages/test.txt)');
  dir = mkdtempSync(join(tmpdir(), 'dv-tui-'));
  if (screensDir) mkdirSync(screensDir, { recursive: true });
});

afterAll(async () => {
  await tmux('kill-server');
  // The server leaves its socket behind.
  rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, SOCKET), { force: true });
  rmSync(dir, { recursive: true, force: true });
});

describe('debvisor install tui in tmux (mock mode: recorded facts, dry run)', () => {
  it('types a whole install; the exported profile is the expected one and plans to the expected plan', async () => {
    const exported = join(dir, 'answers.yaml');
    await startTui(['--facts', FACTS, '--dry-run', '--export', exported]);
    fits(await waitFor('Press Enter to accept the licence', START_WAIT_S));
    await settle('01-welcome');
    await keys('Enter');
    await waitFor('Target disks (2/10)');
    await keys('Space');
    fits(await settle('02-disks'));
    await keys('C-n');
    await waitFor('Location (3/10)');
    await type('berlin');
    await keys('Down');
    await type('de');
    await keys('Down');
    await type('de_DE');
    fits(await settle('03-location'));
    await keys('C-n');
    await waitFor('Administrator (4/10)');
    await type('alice');
    await keys('Down');
    await type(PASSWORD);
    await keys('Down');
    await type(PASSWORD);
    await keys('Down');
    await type(KEY);
    await keys('Enter');
    fits(await settle('04-admin'));
    await keys('C-n');
    // The password is hashed (openssl), then the TOTP secret is shown.
    const mfa = await waitFor('the secret:');
    fits(mfa);
    const secret = (mfa.match(/ {2}([A-Z2-7]{4}(?: [A-Z2-7]{4}){3})\n.* {2}([A-Z2-7]{4}(?: [A-Z2-7]{4}){3})/) ?? []).slice(1, 3).join('').replace(/ /g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const right = authenticator.generate(secret);
    const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
    await type(wrong);
    await keys('Enter');
    fits(await waitFor('wrong code for this secret'));
    await settle('05-mfa-wrong-code');
    await type(authenticator.generate(secret));
    await keys('Enter');
    await waitFor('Network (6/10)');
    await keys('Down', 'Down');
    await type('pve1.lab.example.com');
    await keys('Down', 'Right', 'Down');
    await type('192.0.2.10/24');
    await keys('Down');
    await type('192.0.2.1');
    await keys('Down', 'Down');
    await type('192.0.2.53');
    fits(await settle('06-network'));
    await keys('C-n');
    await waitFor('Security (7/10)');
    await keys('Down', 'Space', 'Down');
    await type('192.0.2.0/24');
    fits(await settle('07-security'));
    await keys('C-n');
    await waitFor('Certificates and DNS (8/10)');
    await keys('Down');
    await type('ops@example.com');
    // DNS registration is on by default: opt out.
    await keys('Down', 'Down', 'Space');
    fits(await settle('08-certificates'));
    await keys('C-n');
    await waitFor('Cluster (9/10)');
    await keys('Right', 'Down');
    await type('lab');
    fits(await settle('09-cluster'));
    await keys('C-n');
    const summary = await waitFor('Summary (10/10)');
    fits(summary);
    expect(summary).toContain('WILL BE WIPED');
    expect(summary).toContain('/dev/nvme0n1');
    await settle('10-summary');
    await keys('Down');
    await type('yes');
    await keys('Enter');
    fits(await waitFor('Dry run: this is the plan; nothing was touched.'));
    await settle('11-plan');
    await keys('q');
    expect(await exitCode()).toBe(0);

    // The exported profile: the expected one, the hash made from the typed password.
    const text = readFileSync(exported, 'utf8');
    const got = parse(text) as { users: { admin: { passwordHash: string } } };
    const hash = got.users.admin.passwordHash;
    const salt = hash.split('$')[2]!;
    const again = await execa('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], { input: `${PASSWORD}\n` });
    expect(again.stdout.trim()).toBe(hash);
    const expected = {
      version: 1,
      node: { hostname: 'pve1', domain: 'lab.example.com', timezone: 'Europe/Berlin', locale: 'de_DE.UTF-8', keyboard: 'de' },
      install: { disks: { match: {}, expect: 1 }, storage: { filesystem: 'lvm-thin', raid: 'single', swapSize: '4G' } },
      network: {
        interface: { match: { mac: '52:54:00:bb:00:01' } },
        ipv4: { method: 'static', address: '192.0.2.10/24', gateway: '192.0.2.1' },
        ipv6: { method: 'auto' },
        dns: { servers: ['192.0.2.53'] },
      },
      users: { admin: { name: 'alice', passwordHash: hash, sshKeys: [KEY], mfa: { totp: true } } },
      security: { ssh: { level: 'hardened' }, firewall: { enabled: true, lockdown: true, ipsets: { management: ['192.0.2.0/24'] } } },
      tls: { acme: { enabled: true, ca: 'letsencrypt', email: 'ops@example.com' } },
      dns: { register: false },
      cluster: { role: 'init', name: 'lab' },
    };
    expect(got).toEqual(expected);

    // It validates as any profile file does, and plans to the plan of the expected profile on the same facts.
    const facts = JSON.parse(readFileSync(FACTS, 'utf8')) as HardwareFacts;
    const v = validateProfile(exported);
    expect(v.ok, JSON.stringify(v.issues)).toBe(true);
    const want = join(dir, 'expected.yaml');
    writeFileSync(want, JSON.stringify(expected));
    const w = validateProfile(want);
    if (!v.ok || !w.ok) throw new Error('invalid');
    const plan = planInstall(v.profile, facts);
    expect(plan.ok, JSON.stringify(plan.errors)).toBe(true);
    expect(plan).toEqual(planInstall(w.profile, facts));
    expect(plan.wipe.map((d) => d.path)).toEqual(['/dev/nvme0n1']);
    expect(formatPlan(plan)).toContain('DebVisor install plan for pve1.lab.example.com');
    await tmux('kill-session', '-t', 'tui');
  });

  it('on a serial console (ASCII), abort asks first and leaves with nothing touched', async () => {
    rmSync(join(dir, 'exit'), { force: true });
    await startTui(['--facts', join(repo, 'test/fixtures/facts/no-link.json'), '--dry-run', '--ascii']);
    const first = await waitFor('Press Enter to accept the licence', START_WAIT_S);
    expect(first.split('\n')[0]).toMatch(/^\+-+\+$/);
    expect([...first].every((c) => c.charCodeAt(0) < 128)).toBe(true);
    await keys('C-c');
    await waitFor('Abort the install? Nothing has been written to any disk.');
    await keys('y');
    await waitFor('installer aborted: nothing was touched');
    expect(await exitCode()).toBe(1);
  });
});

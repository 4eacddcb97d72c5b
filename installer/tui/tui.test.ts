import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { HardwareFacts } from '../../profiles/facts.js';
import type { TuiEngine } from './engine.js';
import { startState, type TuiEnv } from './model/navigation.js';
import { App, type TuiExit } from './ui/app.js';
import { LookContext } from './ui/look.js';
import { cleanup } from 'ink-testing-library';

const facts = (name: string) => JSON.parse(readFileSync(new URL(`../../test/fixtures/facts/${name}.json`, import.meta.url), 'utf8')) as HardwareFacts;
const HASH = `$6$saltsalt$${'a'.repeat(86)}`;
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEuWckL1NtDTIOYh5bLjRD1Ot+xL7dkjRPIjSUTMVpVa alice@laptop';
const K = { enter: '\r', down: '\x1b[B', up: '\x1b[A', right: '\x1b[C', esc: '\x1b', ctrlC: '\x03', ctrlN: '\x0e', bs: '\x7f' };
const tick = (ms = 60) => new Promise((r) => setTimeout(r, ms));

function start(f: HardwareFacts, opts: { ascii?: boolean; base?: Record<string, unknown>; install?: TuiEngine['install']; from?: string } = {}) {
  const env: TuiEnv = {
    ctx: { facts: f },
    newTotp: () => ({
      secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
      uri: 'otpauth://totp/DebVisor:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=DebVisor',
      recoveryCodes: ['11111111', '22222222'],
    }),
    checkCode: (_s, code) => code === '123456',
  };
  const saved: Record<string, string> = {};
  const engine: TuiEngine = {
    hashPassword: async () => HASH,
    finish: async () => {},
    readKeys: async () => `# keys\n${KEY}\n`,
    saveProfile: async (path, yaml) => {
      saved[path] = yaml;
    },
    install:
      opts.install ??
      (async ({ onEvent }) => {
        onEvent({ time: 't', level: 'info', message: 'plan ready', step: 'plan', progress: 1 });
        return { ok: true, text: 'DebVisor install plan for pve1\n' };
      }),
  };
  const exits: TuiExit[] = [];
  const app = render(
    createElement(
      LookContext.Provider,
      { value: { ascii: opts.ascii ?? false } },
      createElement(App, {
        initial: startState(opts.base ?? {}, env.ctx, opts.from ? { preloadedFrom: opts.from } : {}),
        env,
        engine,
        dryRun: true,
        onExit: (e: TuiExit) => exits.push(e),
      }),
    ),
  );
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      app.stdin.write(k);
      await tick(k === K.esc ? 120 : 40);
    }
    await tick();
    return app.lastFrame() ?? '';
  };
  return { app, press, exits, saved };
}

/** Every frame drawn so far fits the console: at most 80 columns and 25 lines. */
function expectFits(frames: string[]) {
  for (const f of frames) {
    const lines = f.split('\n');
    expect(lines.length).toBeLessThanOrEqual(25);
    for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(80);
  }
}

const PRELOADED = {
  version: 1,
  node: { hostname: 'pve1', domain: 'lab.example.com', timezone: 'Europe/Berlin' },
  install: { disks: { match: { transport: 'nvme' }, expect: 1 } },
  users: { admin: { name: 'alice', passwordHash: HASH, sshKeys: [KEY], mfa: { totp: false } } },
  network: { ipv4: { method: 'dhcp' } },
  security: { ssh: { level: 'hardened' } },
  tls: { acme: { email: 'ops@example.com' } },
  dns: { register: false },
  cluster: { role: 'standalone' },
};

afterEach(() => cleanup());

describe('the installer TUI, frame by frame', () => {
  it('welcome, then disks: a choice is required, Esc goes back, every frame fits 80x25', async () => {
    const { app, press } = start(facts('four-disks-old-raid'));
    await tick();
    expect(app.lastFrame()).toContain('GNU Affero General Public License');
    let f = await press(K.enter);
    expect(f).toContain('Target disks (2/10)');
    expect(f).toContain('holds: gpt partition table, md RAID member');
    f = await press(K.ctrlN);
    expect(f).toContain('! no disk is chosen');
    f = await press(' ', K.down, ' ');
    expect(f).toContain('[x] sda');
    expect(f).toContain('[x] sdb');
    // Two of four identical disks: told apart by a serial class, so no problem.
    expect(f).not.toContain('! no single selector');
    // Two disks on `single`: the profile's storage rule flags the RAID level.
    expect(f).toContain('!RAID level');
    f = await press(K.down, K.down, K.down, K.down, K.right, K.right);
    expect(f).toContain('single raid0 [raid1]');
    expect(f).not.toContain('!RAID level');
    f = await press(K.ctrlN);
    expect(f).toContain('Location (3/10)');
    f = await press(K.esc);
    expect(f).toContain('Target disks (2/10)');
    expectFits(app.frames);
  });

  it("admin: the profile's own messages as typed, the password typed twice", async () => {
    const { app, press } = start(facts('one-disk'));
    await press(K.enter, ' ', K.ctrlN, K.ctrlN);
    let f = await press(K.ctrlN);
    expect(f).toContain('Administrator (4/10)');
    expect(f).toContain("! missing required key 'name'");
    f = await press('root');
    expect(f).toContain("! 'root' is a system account");
    f = await press(K.bs, K.bs, K.bs, K.bs, 'alice', K.down, 'correct-horse-9', K.down, 'correct-horse-8');
    expect(f).toContain('(strong)');
    f = await press(K.ctrlN);
    expect(f).toContain('! the two passwords differ');
    f = await press(K.bs, '9', K.down, K.down, '/media/usb/id_ed25519.pub', K.enter);
    expect(f).toContain('1 key read from /media/usb/id_ed25519.pub');
    expect(f).toMatch(/SSH public keys +1 key/);
    expectFits(app.frames);
  });

  it('MFA: a wrong code keeps the operator there, the right one goes on', async () => {
    const { app, press } = start(facts('one-disk'));
    await press(K.enter, ' ', K.ctrlN, K.ctrlN, 'alice', K.down, 'correct-horse-9', K.down, 'correct-horse-9', K.down, KEY, K.enter);
    let f = await press(K.ctrlN);
    expect(f).toContain('JBSW Y3DP EHPK 3PXP');
    expect(f).toContain('11111111');
    f = await press('654321', K.enter);
    expect(f).toContain('! wrong code for this secret');
    f = await press('123456', K.enter);
    expect(f).toContain('Network (6/10)');
    expectFits(app.frames);
  });

  it('abort asks first and touches nothing', async () => {
    const { press, exits } = start(facts('one-disk'));
    let f = await press(K.enter, K.ctrlC);
    expect(f).toContain('Abort the install? Nothing has been written to any disk.');
    f = await press('n');
    expect(f).toContain('Target disks');
    await press(K.ctrlC, 'y');
    expect(exits).toEqual([{ code: 'aborted' }]);
  });

  it('ASCII look for serial consoles: no box drawing', async () => {
    const { app, press } = start(facts('two-nics'), { ascii: true });
    await press(K.enter, ' ', K.ctrlN, K.ctrlN, 'alice', K.down, 'correct-horse-9', K.down, 'correct-horse-9', K.down, KEY, K.enter);
    const f = await press(K.ctrlN);
    // The MFA screen on a serial console: the secret as text, no QR blocks.
    expect(f).toContain('JBSW Y3DP EHPK 3PXP');
    expect(f).toContain('No QR code');
    for (const frame of app.frames)
      expect(
        [...frame].every((c) => c.charCodeAt(0) < 128),
        frame,
      ).toBe(true);
    expect((app.frames[0] ?? '').split('\n')[0]).toMatch(/^\+-+\+$/);
    expectFits(app.frames);
  });

  it("progress shows the engine's events; a failure ends on the failure screen, and keys cannot abort a running install", async () => {
    let release: () => void = () => {};
    const install: TuiEngine['install'] = async ({ onEvent }) => {
      onEvent({ time: 't', level: 'info', message: 'wipe the disks', step: 'wipe-disks', progress: 0.1 });
      onEvent({ time: 't', level: 'info', message: 'copy the system', step: 'copy-system', progress: 0.5 });
      await new Promise<void>((r) => {
        release = r;
      });
      return { ok: false, text: 'DebVisor install FAILED at step copy-system\nunsquashfs: no space left\n' };
    };
    const { app, press } = start(facts('one-disk'), { base: PRELOADED, install });
    await press(K.enter, K.down, 'yes', K.enter);
    let f = app.lastFrame() ?? '';
    expect(f).toContain('step: copy-system');
    expect(f).toContain('50%');
    expect(f).toContain('wipe the disks');
    f = await press(K.ctrlC, 'y');
    expect(f).not.toContain('Abort the install?');
    release();
    await tick(100);
    f = app.lastFrame() ?? '';
    expect(f).toContain('The install failed.');
    expect(f).toContain('unsquashfs: no space left');
    expectFits(app.frames);
  });

  it('a preloaded key no field asks is shown where it belongs and refused at the summary, without holding the operator', async () => {
    const base = { ...PRELOADED, security: { firewall: { rules: [{ action: 'ACCEPT', macro: 'SSH' }] } } };
    const { press } = start(facts('one-disk'), { base });
    let f = await press(K.enter);
    expect(f).toContain('Security (2/3)');
    expect(f).toContain("! /security/firewall/rules/0/action: the string 'ACCEPT'");
    f = await press(K.ctrlN);
    expect(f).toContain('Summary (3/3)');
    expect(f).toContain('The answers do not make a valid profile:');
    expect(f).toContain('The install cannot start');
    f = await press(K.down, 'yes', K.enter);
    expect(f).toContain('the plan has problems');
  });

  it('a partial profile preloads its answers and skips the screens it answers; the summary shows the plan', async () => {
    const base = PRELOADED;
    const from = `filesystem labelled DEBVISOR-PROFILE (/dev/sdb1) ${'x'.repeat(60)}`;
    const { app, press, saved } = start(facts('one-disk'), { base, from });
    await tick();
    expect(app.lastFrame()).toContain('From the profile (not asked again');
    // install tui --discover names where the answers came from, cut to the frame.
    expect(app.lastFrame()).toContain('Answers preloaded from filesystem labelled DEBVISOR-PROFILE (/dev/sdb1)');
    let f = await press(K.enter);
    expect(f).toContain('Summary (2/2)');
    expect(f).toContain('/dev/nvme0n1');
    f = await press('/tmp/x.yaml', '\x13');
    expect(Object.keys(saved)).toEqual(['/tmp/x.yaml']);
    expect(saved['/tmp/x.yaml']).toContain('match:\n      transport: nvme');
    f = await press(K.down, 'nvme0n1', K.enter);
    await tick(200);
    expect(app.lastFrame()).toContain('Dry run: this is the plan; nothing was touched.');
    expectFits(app.frames);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extract } from 'tar';
import { recordingRunner } from '../../test/fixtures/recording-runner.js';
import type { ApplyContext } from '../apply/context.js';
import { SCREEN_COLUMNS } from './failure.js';
import { FAILED, SUCCEEDED, runInstall, type RunInstallOptions } from './run-install.js';

/**
 * runInstall end to end on this machine without touching a disk: recorded facts, and for the
 * apply a recording runner and a temporary target. The webhook points at a closed loopback port
 * here (its deliveries are tested against a real HTTPS receiver in test/integration).
 */
const BASE = fileURLToPath(new URL('../../test/fixtures/profiles/base.yaml', import.meta.url));
const FACTS = fileURLToPath(new URL('../../test/fixtures/facts/one-disk.json', import.meta.url));
const PASSWORD_HASH = '$y$j9T$acrhuYhRJDsGQYJNuubr81$YZItglN4LP/5Tq1L4hC5.Xl50yr.hpH8hMoUVdnqj9.';
const TSIG = 'DFh99qzjtiolv4mqI2F5FONS2y75yEIqsMt3FZE+Wfs=';
const WEBHOOK_SECRET = 'whsec-3f9a0c1d-never-in-a-bundle';
const SECRETS = [PASSWORD_HASH, TSIG, WEBHOOK_SECRET];
const DISK = { path: '/dev/nvme0n1', sizeBytes: 1000204886016, serial: 'S5GXNF0R100123' };

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

function profile(extra: string): string {
  const dir = tmp('debvisor-run-profile-');
  const file = join(dir, 'profile.yaml');
  writeFileSync(
    file,
    `version: 1\nextends: ${BASE}\ninstall:\n  progress:\n    webhook: { url: "https://127.0.0.1:9/hook", secret: "${WEBHOOK_SECRET}" }\n${extra}`,
  );
  return file;
}

function options(profilePath: string, over: Partial<RunInstallOptions> = {}) {
  const out: string[] = [];
  const json: string[] = [];
  const bundleDir = tmp('debvisor-run-bundle-');
  const logDir = tmp('debvisor-run-log-');
  const rec = recordingRunner([DISK]);
  const opts: RunInstallOptions = {
    profilePath,
    profileOrigin: `test file ${profilePath}`,
    factsPath: FACTS,
    consoles: [{ write: (t: string) => out.push(t) }],
    eventStreams: [{ write: (t: string) => json.push(t) }],
    bundleDirs: [join(bundleDir, 'missing'), bundleDir],
    logDir,
    webhookFlushMs: 50,
    run: rec.runner,
    ...over,
  };
  return { opts, out, json, bundleDir, logDir, calls: rec.calls };
}

/** Every file of a bundle, unpacked: name → text. */
async function unpack(bundle: string): Promise<Record<string, string>> {
  const dir = tmp('debvisor-run-unpacked-');
  await extract({ file: bundle, cwd: dir });
  const files: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) files[join(e.parentPath, e.name).slice(dir.length + 1)] = readFileSync(join(e.parentPath, e.name), 'utf8');
  return files;
}

function applyTarget(): Pick<RunInstallOptions, 'target' | 'squashfs' | 'createAccounts' | 'renderDefaults'> {
  const createAccounts: ApplyContext['createAccounts'] = async (c) =>
    void (await c.run(['(accounts)', c.profile.users.admin.name], { step: 'create-accounts' }));
  const renderDefaults: ApplyContext['renderDefaults'] = async (c) => void (await c.run(['(render)'], { step: 'render-defaults' }));
  return { target: tmp('debvisor-run-target-'), squashfs: fileURLToPath(import.meta.url), createAccounts, renderDefaults };
}

describe('runInstall before anything is touched', () => {
  it('a disk selector that matches nothing: the failure screen at step plan, a bundle without secrets, no command run', async () => {
    const t = options(profile('  disks:\n    match: { transport: nvme, minSize: 4T }\n'), { dryRun: true });
    const r = await runInstall(t.opts);
    expect(r.ok).toBe(false);
    expect(r.failure).toMatchObject({ step: 'plan', code: 'E_PLAN_REFUSED', touched: false, after: 'exit' });
    expect(r.failure!.problems!.join('\n')).toMatch(/profile\.yaml:\d+:\d+: \/install\/disks\/match: install\.disks\.match matches no disk/);
    expect(t.calls).toEqual([]);
    const screen = t.out.join('');
    expect(screen).toContain(`${FAILED} at step plan`);
    expect(screen).toContain('Nothing was written to any disk.');
    expect(screen).toContain('Nothing was rebooted.');
    // The screen is the last thing on the console, and every line of it fits.
    const block = screen.slice(screen.lastIndexOf(`${'='.repeat(SCREEN_COLUMNS)}\n${FAILED}`));
    for (const l of block.split('\n')) expect(l.length).toBeLessThanOrEqual(SCREEN_COLUMNS);
    // The first bundle directory does not exist: the next one took it.
    expect(r.bundle!.startsWith(t.bundleDir)).toBe(true);
    expect(r.bundle).toMatch(/debvisor-install-\d{8}T\d{6}Z-pve1\.tar\.gz$/);
    expect(block).toContain(r.bundle!.split('/').at(-1));
    const files = await unpack(r.bundle!);
    expect(Object.keys(files).sort()).toEqual(
      ['about.json', 'facts.json', 'failure.json', 'failure.txt', 'logs/events.jsonl', 'logs/install.log', 'plan.json', 'plan.txt', 'profile.yaml'].sort(),
    );
    expect(files['profile.yaml']).toContain('<redacted>');
    expect(files['logs/events.jsonl']).toContain('"step":"plan"');
    expect(JSON.parse(files['failure.json']!)).toMatchObject({ step: 'plan', touched: false });
    const all = Object.values(files).join('\n');
    for (const s of SECRETS) expect(all).not.toContain(s);
    // Nor on the consoles or in the JSON event lines.
    for (const s of SECRETS) expect(`${screen}${t.json.join('')}`).not.toContain(s);
    expect(t.json.map((l) => JSON.parse(l) as { level: string; step?: string }).find((e) => e.level === 'error')).toMatchObject({ step: 'plan' });
  });

  it('an invalid profile: step validate, its problems by key path, the bundle has them and the profile as loaded, redacted', async () => {
    const t = options(profile('  disks:\n    expect: many\n'), { dryRun: false, finishAction: false });
    const r = await runInstall(t.opts);
    expect(r.failure).toMatchObject({ step: 'validate', touched: false });
    expect(r.failure!.problems!.join('\n')).toMatch(/\/install\/disks\/expect/);
    expect(t.calls).toEqual([]);
    const files = await unpack(r.bundle!);
    expect(files['issues.txt']).toMatch(/\/install\/disks\/expect/);
    expect(files['profile.yaml']).toMatch(/not valid/);
    for (const s of SECRETS) expect(Object.values(files).join('\n')).not.toContain(s);
  });

  it('a profile that cannot be read, or facts that are not valid: the failure screen and a bundle, nothing thrown', async () => {
    const missing = options(join(tmp('debvisor-run-none-'), 'nothing.yaml'), { dryRun: true });
    expect((await runInstall(missing.opts)).failure).toMatchObject({ step: 'validate', touched: false });
    expect(missing.out.join('')).toContain(`${FAILED} at step validate`);
    const badFacts = join(tmp('debvisor-run-facts-'), 'facts.json');
    writeFileSync(badFacts, '{"disks": "none"}\n');
    const f = options(profile(''), { dryRun: true, factsPath: badFacts });
    const r = await runInstall(f.opts);
    expect(r.failure).toMatchObject({ step: 'facts', code: 'E_FACTS', touched: false });
    expect(r.failure!.problems!.join('\n')).toMatch(/facts\.json:1:\d+: \/disks/);
    expect(Object.keys(await unpack(r.bundle!))).toContain('profile.yaml');
  });

  it('a dry run with a good plan: ok, the plan printed, nothing run, no bundle', async () => {
    const t = options(profile(''), { dryRun: true, finishAction: true });
    const r = await runInstall(t.opts);
    expect(r).toEqual({ ok: true, fqdn: 'pve1.lab.example.com' });
    expect(t.out.join('')).toContain('DebVisor install plan for pve1.lab.example.com');
    expect(t.calls).toEqual([]);
    expect(readdirSync(t.bundleDir)).toEqual([]);
  });
});

describe('runInstall through the apply (recorded commands, temporary target)', () => {
  it('succeeds: the SUCCEEDED line, install.finish carried out when asked', async () => {
    const t = options(profile('  finish: poweroff\n'), { ...applyTarget(), finishAction: true });
    const r = await runInstall(t.opts);
    expect(r).toEqual({ ok: true, fqdn: 'pve1.lab.example.com' });
    expect(t.out.join('')).toContain(`${SUCCEEDED}: pve1.lab.example.com\n`);
    expect(t.calls.at(-1)!.argv).toEqual(['systemctl', 'poweroff']);
    expect(t.calls.map((c) => c.step)).toContain('copy-system');
    // The events went out as JSON lines too, each step with its progress.
    const steps = t.json.map((l) => JSON.parse(l) as { data?: { kind?: string }; step?: string }).filter((e) => e.data?.kind === 'step');
    expect(steps[0]!.step).toBe('check-disks');
    expect(steps.at(-1)!.step).toBe('finish');
  });

  it('a failed command: the step, the command, its exit code and output; install.onError poweroff after the screen', async () => {
    const rec = recordingRunner([DISK], {
      argv0: 'mkfs.ext4',
      exitCode: 1,
      stderr: ['mke2fs 1.47.2 (1-Jan-2025)', '/dev/nvme0n1p3 is apparently in use by the system'],
    });
    const t = options(profile('  onError: poweroff\n  storage: { filesystem: ext4 }\n'), {
      ...applyTarget(),
      finishAction: true,
      onErrorDelaySeconds: 0,
      run: rec.runner,
    });
    const r = await runInstall(t.opts);
    expect(r.ok).toBe(false);
    expect(r.failure).toMatchObject({ step: 'make-filesystems', exitCode: 1, touched: true, after: 'poweroff' });
    expect(r.failure!.command![0]).toBe('mkfs.ext4');
    expect(r.failure!.output).toContain('/dev/nvme0n1p3 is apparently in use by the system');
    const screen = t.out.join('');
    expect(screen).toContain(`${FAILED} at step make-filesystems`);
    expect(screen).toMatch(/^exit: +1$/m);
    expect(screen).toContain('| /dev/nvme0n1p3 is apparently in use by the system');
    expect(screen).toContain('install.onError: poweroff: the machine will poweroff in 0 s.');
    expect(rec.calls.at(-1)!.argv).toEqual(['systemctl', 'poweroff']);
    expect(rec.calls.some((c) => c.argv.includes('sgdisk'))).toBe(true);
    const files = await unpack(r.bundle!);
    expect(files['logs/install.log']).toContain('command failed (exit code 1): mkfs.ext4');
    for (const s of SECRETS) expect(Object.values(files).join('\n')).not.toContain(s);
  });

  it('onError halt, or finishAction off: nothing is rebooted or powered off', async () => {
    for (const [extra, finishAction] of [
      ['  onError: halt\n', true],
      ['  onError: reboot\n', false],
    ] as const) {
      const rec = recordingRunner([{ ...DISK, serial: 'OTHER' }]);
      const t = options(profile(extra), { ...applyTarget(), finishAction, onErrorDelaySeconds: 0, run: rec.runner });
      const r = await runInstall(t.opts);
      expect(r.failure).toMatchObject({ step: 'check-disks', code: 'E_DISKS_CHANGED', touched: false, after: finishAction ? 'halt' : 'exit' });
      expect(rec.calls.map((c) => c.argv[0])).toEqual(['lsblk']);
      expect(t.out.join('')).toContain('Nothing was rebooted');
      if (finishAction) expect(t.out.join('')).toContain('press Alt+F2 for tty2');
    }
  });
});

describe('runInstall log files', () => {
  it('writes install.log and events.jsonl into its log directory, creating it', async () => {
    const parent = tmp('debvisor-run-logparent-');
    const t = options(profile(''), { dryRun: true, logDir: join(parent, 'a', 'b') });
    await runInstall(t.opts);
    expect(readdirSync(join(parent, 'a', 'b')).sort()).toEqual(['events.jsonl', 'install.log']);
  });
});

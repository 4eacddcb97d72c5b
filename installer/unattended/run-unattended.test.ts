import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HardwareFacts } from '../../profiles/facts.js';
import type { DiscoverEffects } from './discover.js';
import { runUnattended } from './run-unattended.js';

/** The runner with a machine made of files: recorded facts, a profile "on the ISO", no disk touched (dry run or refusal). */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const FACTS = JSON.parse(readFileSync(join(repo, 'installer/facts/golden/virtio-host.json'), 'utf8')) as HardwareFacts;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-unattended-run-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function effects(files: Record<string, string>, cmdline = 'boot=live debvisor.mode=unattended'): DiscoverEffects {
  return {
    cmdline: () => cmdline,
    readFile: (p) => files[p],
    findLabel: async (l) => (files[`label:${l}`] !== undefined ? '/dev/vdb' : undefined),
    withReadOnlyMount: async (_device, use) => use('/stick'),
    dhcpUrl: () => undefined,
    factsJson: async () => '{}',
    fetch: async () => {
      throw new Error('no network in this test');
    },
  };
}

function screen() {
  let text = '';
  return { out: { write: (t: string) => (text += t) }, text: () => text };
}

const opened: (readonly string[])[] = [];
const copied: string[] = [];
const run = (files: Record<string, string>, extra: { allowedSigners?: string; cmdline?: string; facts?: HardwareFacts } = {}) => {
  const con = screen();
  const json = screen();
  const sub = mkdtempSync(join(dir, 'run-'));
  const done = runUnattended({
    consoles: [con.out],
    eventStreams: [json.out],
    dryRun: true,
    finishAction: false,
    effects: effects(files, extra.cmdline),
    allowedSigners: extra.allowedSigners ?? join(dir, 'no-signers'),
    runDir: sub,
    logDir: join(sub, 'log'),
    gather: async () => extra.facts ?? FACTS,
    bundleDirs: [sub],
    debugSsh: async (keys) => {
      opened.push(keys);
    },
    copyToStick: async (device: string, bundle: string) => {
      copied.push(`${device} ${bundle}`);
      return 'bundle.tar.gz';
    },
  });
  return done.then((ok) => ({ ok, console: con.text(), json: json.text(), sub }));
};

describe('install unattended', () => {
  it('plans the embedded profile, naming where it came from; a refused plan gives the failure screen and a bundle, nothing written', async () => {
    const profile = readFileSync(join(repo, 'test/fixtures/profiles/e2e-unattended-nomatch.yaml'), 'utf8').replace('transport: nvme', 'transport: virtio');
    // The golden machine's only disk is its boot medium: the plan is refused, and says so on the console.
    const r = await run({ '/run/live/medium/debvisor/profile.yaml': profile });
    expect(r.ok).toBe(false);
    expect(r.console).toContain('DebVisor install FAILED at step plan');
    expect(r.console).toContain('Nothing was written to any disk.');
    expect(r.console).toContain(`support bundle (events, logs, facts, plan, profile without secrets):\n  ${r.sub}/`);
    expect(r.console).toContain('profile: profile embedded in the ISO (/run/live/medium/debvisor/profile.yaml)');
    expect(r.console).toContain('DebVisor install plan for e2e-node2.lab.example.com');
    expect(readFileSync(join(r.sub, 'profile.yaml'), 'utf8')).toBe(profile);
    expect(JSON.parse(readFileSync(join(r.sub, 'facts.json'), 'utf8')).disks[0].name).toBe('vda');
  });

  it('a plan that fits the machine: a dry run ends after the plan with success', async () => {
    const profile = readFileSync(join(repo, 'test/fixtures/profiles/e2e-unattended-nomatch.yaml'), 'utf8').replace('transport: nvme', 'transport: virtio');
    const facts = structuredClone(FACTS);
    facts.disks![0]!.bootMedium = false;
    const r = await run({ '/run/live/medium/debvisor/profile.yaml': profile }, { facts });
    expect(r.console).toContain('dry run: nothing was touched');
    expect(r.ok).toBe(true);
    expect(opened).toEqual([]);
  });

  it("opens sshd for the profile's install.debugSshKeys, and only then", async () => {
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEuWckL1NtDTIOYh5bLjRD1Ot+xL7dkjRPIjSUTMVpVa debug';
    const profile = readFileSync(join(repo, 'test/fixtures/profiles/e2e-unattended-nomatch.yaml'), 'utf8').replace(
      '  wipe: true',
      `  wipe: true\n  debugSshKeys: ["${key}"]`,
    );
    const r = await run({ '/run/live/medium/debvisor/profile.yaml': profile });
    expect(opened).toEqual([[key]]);
    expect(r.console).toContain('remote debugging: sshd started for 1 key of install.debugSshKeys (root, keys only)');
    opened.length = 0;
    await run({ '/run/live/medium/debvisor/profile.yaml': profile.replace('version: 1', 'version: 1\nbogus: 1') });
    expect(opened).toEqual([]);
  });

  it('a failure with the profile from a stick copies the support bundle onto the stick', async () => {
    const profile = readFileSync(join(repo, 'test/fixtures/profiles/e2e-unattended-nomatch.yaml'), 'utf8');
    const r = await run({ 'label:DEBVISOR-PROFILE': '', '/stick/profile.yaml': profile });
    expect(r.ok).toBe(false);
    expect(r.console).toContain('profile: filesystem labelled DEBVISOR-PROFILE (/dev/vdb)');
    expect(copied).toEqual([expect.stringMatching(new RegExp(`^/dev/vdb ${r.sub}/debvisor-install-.*\\.tar\\.gz$`))]);
    expect(r.console).toContain('support bundle also on the profile stick (/dev/vdb): bundle.tar.gz');
  });

  it('no profile anywhere: FAILED before the install, on the console and as a JSON line', async () => {
    const r = await run({});
    expect(r.ok).toBe(false);
    expect(r.console).toContain('DebVisor install FAILED: before the install started, nothing was touched');
    expect(r.console).toContain('no profile found; looked, in order, at:');
    const line = JSON.parse(r.json.trim().split('\n').pop()!);
    expect(line).toMatchObject({ level: 'error', step: 'discover', code: 'E_PROFILE_NONE' });
  });

  it('an image with allowed signers refuses an unsigned profile before planning', async () => {
    const signers = join(dir, 'signers');
    writeFileSync(signers, 'ops@example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEuWckL1NtDTIOYh5bLjRD1Ot+xL7dkjRPIjSUTMVpVa\n');
    const r = await run({ '/etc/debvisor/profile.yaml': 'version: 1\n' }, { allowedSigners: signers });
    expect(r.ok).toBe(false);
    expect(r.console).toContain('profile built into the image (/etc/debvisor/profile.yaml): the profile is not signed');
    expect(r.console).not.toContain('install plan for');
  });
});

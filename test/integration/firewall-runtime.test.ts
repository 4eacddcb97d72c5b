import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLab, type Lab } from './helpers/netns-lab.js';
import { RULESET_FILE } from '../../overlays/firewall/compile.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const PROFILE = join(root, 'test/fixtures/profiles/lab-node.yaml');
/** Bound on waiting for the armed rollback to fire. */
const ROLLBACK_WAIT_MS = 20_000;

let lab: Lab;
let sys: string;

const dv = (args: string[], reject = false) =>
  lab.exec(
    'node',
    [process.execPath, join(root, 'bin/debvisor.js'), ...args, ...(args[0] === 'firewall' && !['ban', 'unban'].includes(args[1]!) ? ['--root', sys] : [])],
    { reject },
  );
const listing = async () =>
  (await lab.exec('node', ['nft', 'list', 'table', 'inet', 'debvisor'], { reject: false })).stdout.replace(/counter packets \d+ bytes \d+/g, 'counter');

async function reach(from: string, port: number): Promise<string> {
  const [r] = await lab.probe(from, [{ host: lab.hosts.node!.v4, port, proto: 'tcp' }]);
  return r!.result;
}

async function until(what: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await what()) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

beforeAll(async () => {
  sys = mkdtempSync(join(tmpdir(), 'debvisor-fwrt-'));
  lab = await createLab(['node', 'mgmt', 'out']);
  await lab.listen('node', [22, 443, 9100], []);
  await lab.exec('node', [process.execPath, join(root, 'bin/debvisor.js'), 'render', PROFILE, '--root', sys]);
});

afterAll(async () => {
  // A rollback watcher may still sleep; it exits by itself once nothing is pending for its token.
  await lab?.cleanup();
  if (sys) rmSync(sys, { recursive: true, force: true });
});

describe('debvisor firewall on a node (in a network namespace)', () => {
  it('apply --yes loads and saves; status reports it', async () => {
    const r = await dv(['firewall', 'apply', '--yes']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('applied and saved');
    const st = JSON.parse((await dv(['firewall', 'status', '--json'])).stdout) as {
      loaded: boolean;
      inputPolicy: string;
      lockdown: boolean;
      sets: Record<string, number>;
    };
    expect(st).toMatchObject({ loaded: true, inputPolicy: 'drop', lockdown: false });
    expect(st.sets.management_v4).toBe(1);
    expect(existsSync(join(sys, RULESET_FILE))).toBe(true);
    expect(await reach('out', 22)).toBe('open');
  });

  it('an apply that is not confirmed rolls back by itself (the lockout guard)', async () => {
    const before = await listing();
    const r = await dv(['firewall', 'lockdown', 'on', '--confirm-timeout', '2']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('unless you run: debvisor firewall confirm');
    expect(await reach('out', 22)).toBe('timeout');
    expect(await reach('mgmt', 22)).toBe('open');
    expect(await until(async () => (await reach('out', 22)) === 'open', ROLLBACK_WAIT_MS)).toBe(true);
    expect(await listing()).toBe(before);
    expect(existsSync(join(sys, 'run/debvisor/firewall/pending.json'))).toBe(false);
    // The model still says lockdown: the operator sees the intent, the kernel the last good ruleset.
    expect(readFileSync(join(sys, 'etc/debvisor/firewall.yaml'), 'utf8')).toContain('lockdown: true');
    expect((await dv(['firewall', 'lockdown', 'off', '--yes'])).exitCode).toBe(0);
  });

  it('a confirmed apply stays, and becomes the saved ruleset', async () => {
    const r = await dv(['firewall', 'lockdown', 'on', '--confirm-timeout', '3']);
    expect(r.exitCode, r.stderr).toBe(0);
    const st = JSON.parse((await dv(['firewall', 'status', '--json'])).stdout) as { pending?: { deadline: string } };
    expect(st.pending?.deadline).toBeDefined();
    const c = await dv(['firewall', 'confirm']);
    expect(c.exitCode, c.stderr).toBe(0);
    await new Promise((res) => setTimeout(res, 4500));
    expect(await reach('out', 22)).toBe('timeout');
    expect(readFileSync(join(sys, RULESET_FILE), 'utf8')).toContain('management services (lockdown)');
    expect((await dv(['firewall', 'confirm'])).exitCode).toBe(1);
    expect((await dv(['firewall', 'lockdown', 'off', '--yes'])).exitCode).toBe(0);
    expect(await reach('out', 22)).toBe('open');
  });

  it('ban and unban; bans survive an apply', async () => {
    const out = lab.hosts.out!.v4;
    expect((await dv(['firewall', 'ban', out, '--for', '1h'])).exitCode).toBe(0);
    expect(await reach('out', 22)).toBe('timeout');
    expect((await dv(['firewall', 'apply', '--yes'])).exitCode).toBe(0);
    expect(await reach('out', 22)).toBe('timeout');
    const st = JSON.parse((await dv(['firewall', 'status', '--json'])).stdout) as { bans: { value: string; seconds: number }[] };
    expect(st.bans.find((b) => b.value === out)?.seconds).toBeGreaterThan(3500);
    expect((await dv(['firewall', 'unban', out])).exitCode).toBe(0);
    expect(await reach('out', 22)).toBe('open');
    const again = await dv(['firewall', 'unban', out]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('not in the blocklist');
    expect((await dv(['firewall', 'ban', 'not-an-ip'])).exitCode).toBe(2);
  });

  it('a bad model is refused with positions, and nothing is applied', async () => {
    const model = join(sys, 'etc/debvisor/firewall.yaml');
    const good = readFileSync(model, 'utf8');
    const before = await listing();
    writeFileSync(
      model,
      good.replace(
        'rules:',
        'rules:\n    - { action: accept, macro: Telnett }\n    - { action: accept, proto: tcp, dport: 99999 }\n    - { action: accept, macro: SSH, source: +nosuchset }',
      ),
    );
    const r = await dv(['firewall', 'apply', '--yes']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/firewall\.yaml:\d+:\d+: \/firewall\/rules\/0\/macro: unknown macro 'Telnett' \(did you mean 'Telnet'\?\)/);
    expect(r.stderr).toMatch(/\/firewall\/rules\/1\/dport: port 99999 is out of range/);
    expect(r.stderr).toMatch(/\/firewall\/rules\/2\/source: IP set 'nosuchset' is not defined/);
    expect(r.stderr).toContain('nothing was applied');
    expect(await listing()).toBe(before);
    expect((await dv(['firewall', 'check'])).exitCode).toBe(1);
    writeFileSync(model, good);
    expect((await dv(['firewall', 'check'])).exitCode).toBe(0);
  });

  it('lockdown on is refused while the management set is empty', async () => {
    const model = join(sys, 'etc/debvisor/firewall.yaml');
    const good = readFileSync(model, 'utf8');
    writeFileSync(model, good.replace(/management:\n(\s+- .*\n)+/, 'management: []\n'));
    const r = await dv(['firewall', 'lockdown', 'on', '--yes']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('management IP set is empty');
    expect(readFileSync(model, 'utf8')).not.toContain('lockdown: true');
    writeFileSync(model, good);
  });
});

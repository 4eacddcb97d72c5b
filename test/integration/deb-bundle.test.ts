import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeb, readVersion } from '../../builder/deb.js';
import { COMMANDS } from '../../cli/main.js';
import { tmuxPane } from './helpers/tmux-pane.js';

/**
 * The Debian package as a node gets it: built (compiled, bundled, node_modules pruned), unpacked
 * with dpkg-deb, and run. Every command must load from the bundle and behave as the checkout's.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const CHECKOUT_BIN = join(repo, 'bin/debvisor.js');
const EXAMPLES = join(repo, 'profiles/examples');
const FACTS = join(repo, 'test/fixtures/facts/bios-two-disks.json');
const SOCKET = `debvisor-deb-bundle-${process.pid}`;
let dir: string;
let lib: string;
let bin: string;

const dv = (b: string, args: string[], cwd = dir) => execa(process.execPath, [b, ...args], { reject: false, stdin: 'ignore', cwd, env: { CI: 'true' } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deb-bundle-'));
  const deb = await buildDeb({
    repo,
    work: join(dir, 'work'),
    outDir: join(dir, 'out'),
    version: readVersion(repo),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', SOURCE_DATE_EPOCH: '1700000000' },
    logFile: join(dir, 'build.log'),
  });
  await execa('dpkg-deb', ['-x', deb, join(dir, 'root')]);
  lib = join(dir, 'root/usr/lib/debvisor');
  bin = join(lib, 'bin/debvisor.js');
}, 300_000);

afterAll(async () => {
  await execa('tmux', ['-L', SOCKET, 'kill-server'], { reject: false });
  rmSync(dir, { recursive: true, force: true });
});

describe('the packaged tool (one bundle, pruned node_modules)', () => {
  it('ships the bundle, the data files and only the run-time packages: no compiled module of its own beside the bundle', () => {
    const files = readdirSync(lib, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(lib, join(e.parentPath, e.name)));
    const own = files.filter((f) => f.endsWith('.js') && !/^(bundle|bin|node_modules)\//.test(f));
    expect(own).toEqual([]);
    expect(files).toContain('bundle/main.js');
    expect(files.filter((f) => /\/templates\/.*\.hbs$/.test(f)).length).toBeGreaterThan(5);
    expect(readdirSync(join(lib, 'node_modules')).sort()).toEqual(expect.arrayContaining(['ajv', 'ajv-formats', 'handlebars']));
    for (const gone of ['ink', 'react', 'execa', 'yaml', 'acme-client', 'es-toolkit']) expect(readdirSync(join(lib, 'node_modules'))).not.toContain(gone);
    expect(readFileSync(join(dir, 'build.log'), 'utf8')).toMatch(/^bundle: 0 warnings$/m);
  });

  it('loads every command from the bundle (each one --help)', async () => {
    expect((await dv(bin, ['--version'])).stdout).toBe(`debvisor ${readVersion(repo)}`);
    for (const c of COMMANDS) {
      const r = await dv(bin, [...c.words, '--help']);
      expect(r.exitCode, `${c.words.join(' ')} --help: ${r.stderr}`).toBe(0);
      expect(r.stdout, c.words.join(' ')).toContain(`usage: debvisor ${c.words.join(' ')}`);
    }
  }, 180_000);

  it('validates, renders (templates, validators, handlebars, daemon checks) and plans exactly as the checkout does', async () => {
    const examples = readdirSync(EXAMPLES)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => join(EXAMPLES, f));
    const v = await dv(bin, ['profile', 'validate', ...examples]);
    expect(v.exitCode, v.stderr).toBe(0);
    const standalone = join(EXAMPLES, 'standalone.yaml');
    for (const b of [bin, CHECKOUT_BIN]) {
      const root = join(dir, b === bin ? 'render-deb' : 'render-checkout');
      mkdirSync(root);
      const r = await dv(b, ['render', standalone, '--root', root]);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    const diff = await execa('diff', ['-r', join(dir, 'render-deb'), join(dir, 'render-checkout')], { reject: false });
    expect(diff.stdout).toBe('');
    expect(diff.exitCode).toBe(0);
    const [fromDeb, fromCheckout] = await Promise.all([bin, CHECKOUT_BIN].map((b) => dv(b, ['install', 'plan', standalone, '--facts', FACTS, '--json'])));
    expect(fromDeb!.stdout.length).toBeGreaterThan(1000);
    expect(fromDeb!.stdout).toBe(fromCheckout!.stdout);
    expect(fromDeb!.exitCode).toBe(fromCheckout!.exitCode);
  }, 120_000);

  it('draws the installer TUI (ink, react, yoga) in a terminal', async () => {
    const pane = tmuxPane({ socket: SOCKET, target: 'tui', waitS: 30, pollMs: 200, settleStepMs: 150, settleRounds: 50 });
    await pane.tmux('new-session', '-d', '-x', '80', '-y', '25', '-s', 'tui', `CI=true node '${bin}' install tui --facts '${FACTS}' --dry-run; sleep 60`);
    await pane.waitFor('Welcome (1/10)');
    await pane.keys('Enter');
    await pane.waitFor('Target disks (2/10)');
  }, 90_000);
});

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extract } from 'tar';
import type { RunOptions, RunResult } from '../../core/run.js';
import { recordingRunner } from '../../test/fixtures/recording-runner.js';
import type { ApplyContext } from './context.js';
import { runInstall, type RunInstallOptions } from '../run/run-install.js';

/**
 * An encrypted install through the whole install path (runInstall: validate, plan, apply, the
 * console, the events, the log, the support bundle, the node's files), with a recording runner:
 * the passphrase reaches cryptsetup's stdin and nothing else, even when the tool itself prints
 * it in its error output.
 */
const BASE = fileURLToPath(new URL('../../test/fixtures/profiles/base.yaml', import.meta.url));
const FACTS = fileURLToPath(new URL('../../test/fixtures/facts/one-disk.json', import.meta.url));
const DISK = { path: '/dev/nvme0n1', sizeBytes: 1000204886016, serial: 'S5GXNF0R100123' };
const PASSPHRASE = 'tr0ub4dor and 3 horses';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** Every file under a directory, as text. */
function texts(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
    .join('\n');
}

function setup(run: RunInstallOptions['run']) {
  const profilePath = join(tmp('debvisor-luks-profile-'), 'profile.yaml');
  writeFileSync(profilePath, `version: 1\nextends: ${BASE}\ninstall:\n  storage:\n    encryption: { passphrase: "${PASSPHRASE}" }\n`);
  const out: string[] = [];
  const json: string[] = [];
  const bundleDir = tmp('debvisor-luks-bundle-');
  const logDir = tmp('debvisor-luks-log-');
  const target = tmp('debvisor-luks-target-');
  const createAccounts: ApplyContext['createAccounts'] = async (c) => void (await c.run(['(accounts)'], { step: 'create-accounts' }));
  const renderDefaults: ApplyContext['renderDefaults'] = async (c) => void (await c.run(['(render)'], { step: 'render-defaults' }));
  const opts: RunInstallOptions = {
    profilePath,
    profileOrigin: 'test file',
    factsPath: FACTS,
    consoles: [{ write: (t: string) => out.push(t) }],
    eventStreams: [{ write: (t: string) => json.push(t) }],
    bundleDirs: [bundleDir],
    logDir,
    run,
    target,
    squashfs: fileURLToPath(import.meta.url),
    createAccounts,
    renderDefaults,
  };
  return { opts, out, json, bundleDir, logDir, target };
}

describe('an encrypted install, end to end with a recording runner', () => {
  it('succeeds; the passphrase went to cryptsetup on stdin only, and the node keeps it nowhere', async () => {
    const rec = recordingRunner([DISK]);
    const stdin: { argv: string[]; input: string }[] = [];
    const run = async (argv: string[], o: RunOptions = {}): Promise<RunResult> => {
      if (o.input !== undefined) stdin.push({ argv, input: o.input });
      if (argv[0] === 'cryptsetup' && argv[1] === 'luksUUID')
        return { argv, exitCode: 0, stdout: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\n', stderr: '', durationMs: 0 };
      return rec.runner(argv, o);
    };
    const t = setup(run);
    const r = await runInstall(t.opts);
    expect(r.ok, t.out.join('')).toBe(true);
    expect(stdin.map((s) => [s.argv[1], s.input])).toEqual([
      ['luksFormat', PASSPHRASE],
      ['open', PASSPHRASE],
    ]);
    expect(JSON.stringify(rec.calls)).not.toContain(PASSPHRASE);
    const installed = readFileSync(join(t.target, 'etc/debvisor/installed-profile.yaml'), 'utf8');
    expect(installed).toMatch(/passphrase: <redacted>/);
    expect((statSync(join(t.target, 'etc/debvisor/installed-profile.yaml')).mode & 0o777).toString(8)).toBe('600');
    for (const where of [t.out.join(''), t.json.join(''), texts(t.logDir), texts(t.target)]) expect(where).not.toContain(PASSPHRASE);
  });

  it('fails at encrypt-system with a tool that echoes the passphrase: the screen, events, log and bundle mask it', async () => {
    const rec = recordingRunner([DISK], { argv0: 'cryptsetup', exitCode: 1, stderr: [`No key available with this passphrase: ${PASSPHRASE}`] });
    const t = setup(rec.runner);
    const r = await runInstall(t.opts);
    expect(r.ok).toBe(false);
    expect(r.failure).toMatchObject({ step: 'encrypt-system', exitCode: 1, touched: true });
    const dir = tmp('debvisor-luks-unpacked-');
    await extract({ file: r.bundle!, cwd: dir });
    const bundle = texts(dir);
    expect(bundle).toContain('encrypt-system');
    for (const where of [t.out.join(''), t.json.join(''), texts(t.logDir), bundle]) expect(where).not.toContain(PASSPHRASE);
  });
});

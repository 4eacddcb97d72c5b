import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileSet, STAGE_PREFIX, type RenderedFile } from './fileset.js';
import { openTargetRoot } from './target-root.js';

let dir: string;
let root: string;
let outside: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-fileset-'));
  root = join(dir, 'root');
  outside = join(dir, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = (path: string, extra: Partial<RenderedFile> = {}): RenderedFile => ({
  id: path,
  path,
  content: `new ${path}\n`,
  mode: 0o644,
  owner: 'root',
  ...extra,
});
const tree = (d: string): string[] => readdirSync(d, { recursive: true }).map(String).sort();

describe('writeFileSet: one way into a root (issue 9, points 1, 14, 17)', () => {
  it('a symlinked directory inside the root is refused; the file it points at is not touched', async () => {
    writeFileSync(join(outside, 'sshd_config'), 'host file\n', { mode: 0o600 });
    mkdirSync(join(root, 'etc'));
    symlinkSync(outside, join(root, 'etc/ssh'));
    await expect(writeFileSet(root, [file('/etc/issue.net'), file('/etc/ssh/sshd_config', { mode: 0o666 })])).rejects.toMatchObject({ code: 'E_ROOT_SYMLINK' });
    expect(readFileSync(join(outside, 'sshd_config'), 'utf8')).toBe('host file\n');
    expect(statSync(join(outside, 'sshd_config')).mode & 0o777).toBe(0o600);
    // Refused before anything was written: not even the file without a link on its way.
    expect(readdirSync(root)).toEqual(['etc']);
    expect(readdirSync(join(root, 'etc'))).toEqual(['ssh']);
  });
  it('an absolute link (as a chroot would read it) is refused as well', async () => {
    symlinkSync('/', join(root, 'home'));
    await expect(writeFileSet(root, [file('/home/alice/.ssh/authorized_keys', { mode: 0o600 })])).rejects.toMatchObject({ code: 'E_ROOT_SYMLINK' });
  });
  it('a link as the file itself is replaced by the file, not followed', async () => {
    writeFileSync(join(outside, 'victim'), 'host file\n', { mode: 0o600 });
    mkdirSync(join(root, 'etc'));
    symlinkSync(join(outside, 'victim'), join(root, 'etc/nftables.conf'));
    await writeFileSet(root, [file('/etc/nftables.conf', { mode: 0o755 })]);
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('host file\n');
    expect(statSync(join(outside, 'victim')).mode & 0o777).toBe(0o600);
    expect(lstatSync(join(root, 'etc/nftables.conf')).isFile()).toBe(true);
    expect(readFileSync(join(root, 'etc/nftables.conf'), 'utf8')).toBe('new /etc/nftables.conf\n');
  });
  it('a file that fails its check refuses the whole set with the tool output; the root is unchanged', async () => {
    writeFileSync(join(root, 'keep'), 'x');
    const bad = file('/etc/b.conf', { check: ['sh', '-c', 'echo "line 3: bad value in $1" >&2; exit 1', 'check', '{}'], checkName: 'fake -t' });
    const err = await writeFileSet(root, [file('/etc/a.conf'), bad]).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_CHECK_FAILED', details: ['line 3: bad value in /etc/b.conf'] });
    expect((err as Error).message).toContain('/etc/b.conf (/etc/b.conf) does not pass fake -t');
    expect(tree(root)).toEqual(['keep']);
  });
  it('checks see the staged copy; a tool missing here or of another version is reported, not passed', async () => {
    const res = await writeFileSet(root, [
      file('/etc/ok', { check: ['sh', '-c', 'grep -q "^new /etc/ok$" "$1"', 'check', '{}'] }),
      file('/etc/a', { check: ['debvisor-no-such-tool', '{}'] }),
      file('/etc/b', { check: ['sh', '-c', 'echo "this machine has X 1.0, the file is for X 2.0"; exit 125'], checkName: 'x -t' }),
    ]);
    expect(res.unchecked).toEqual([
      { path: '/etc/a', check: 'debvisor-no-such-tool', reason: 'debvisor-no-such-tool is not installed on this machine' },
      { path: '/etc/b', check: 'x -t', reason: 'this machine has X 1.0, the file is for X 2.0' },
    ]);
    expect(tree(root)).toEqual(['etc', 'etc/a', 'etc/b', 'etc/ok']);
    expect(readdirSync(root).some((n) => n.startsWith(STAGE_PREFIX))).toBe(false);
  });
  it('modes are set, a private directory gets its mode, absent files are removed (a link unlinked, not followed)', async () => {
    writeFileSync(join(outside, 'default'), 'host site\n');
    mkdirSync(join(root, 'etc/nginx/sites-enabled'), { recursive: true });
    symlinkSync(join(outside, 'default'), join(root, 'etc/nginx/sites-enabled/default'));
    const res = await writeFileSet(root, [
      file('/var/lib/x/secret', { mode: 0o600, dir: { mode: 0o700 } }),
      file('/etc/nginx/sites-enabled/default', { absent: true }),
    ]);
    expect(statSync(join(root, 'var/lib/x/secret')).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'var/lib/x')).mode & 0o777).toBe(0o700);
    expect(res.removed).toEqual([join(res.root, 'etc/nginx/sites-enabled/default')]);
    expect(readFileSync(join(outside, 'default'), 'utf8')).toBe('host site\n');
  });
  it('a root that is missing, a file, or not a plain path is refused with a DebvisorError', async () => {
    writeFileSync(join(dir, 'file'), '');
    await expect(writeFileSet(join(dir, 'file'), [file('/etc/x')])).rejects.toMatchObject({ code: 'E_ROOT_NOT_DIR' });
    await expect(writeFileSet(join(dir, 'nope'), [file('/etc/x')])).rejects.toMatchObject({ code: 'E_ROOT_MISSING' });
    await expect(writeFileSet(root, [file('/etc/../../x')])).rejects.toMatchObject({ code: 'E_ROOT_PATH' });
    await expect(writeFileSet(root, [file('etc/x')])).rejects.toMatchObject({ code: 'E_ROOT_PATH' });
  });
});

describe('openTargetRoot (issue 9, point 13)', () => {
  it('refuses this running system, also through a link, unless allowed', () => {
    expect(() => openTargetRoot('/')).toThrow(expect.objectContaining({ code: 'E_ROOT_IS_SYSTEM' }));
    symlinkSync('/', join(dir, 'slash'));
    expect(() => openTargetRoot(join(dir, 'slash'), { systemHint: 'add --this-system' })).toThrow(
      expect.objectContaining({ code: 'E_ROOT_IS_SYSTEM', hint: 'add --this-system' }),
    );
    expect(openTargetRoot('/', { allowSystem: true })).toBe('/');
  });
});

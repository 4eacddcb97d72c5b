import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execa } from 'execa';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, copyFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../scripts/compare-builds.sh', import.meta.url));
let dir: string;

/** A small ISO laid out like the real one: a file beside live/filesystem.squashfs. */
async function makeIso(name: string, readme: string, inside: Record<string, string>, modes: Record<string, number> = {}): Promise<string> {
  const tree = join(dir, `${name}-tree`);
  const fs = join(dir, `${name}-fs`);
  mkdirSync(join(tree, 'live'), { recursive: true });
  for (const [p, c] of Object.entries(inside)) {
    mkdirSync(join(fs, p, '..'), { recursive: true });
    writeFileSync(join(fs, p), c);
    chmodSync(join(fs, p), modes[p] ?? 0o644);
  }
  writeFileSync(join(tree, 'README'), readme);
  const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000' };
  await execa('mksquashfs', [fs, join(tree, 'live/filesystem.squashfs'), '-noappend', '-quiet', '-all-root'], { env });
  const iso = join(dir, `${name}.iso`);
  await execa('xorriso', ['-as', 'mkisofs', '-quiet', '-V', 'TEST', '--modification-date=2023111422132000', '-o', iso, tree], { env });
  return iso;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-compare-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scripts/compare-builds.sh', () => {
  it('says two identical builds are identical', async () => {
    const a = await makeIso('a', 'same', { 'etc/motd': 'hello' });
    const b = join(dir, 'a-copy.iso');
    copyFileSync(a, b);
    const r = await execa('bash', [SCRIPT, a, b], { reject: false });
    expect(r.exitCode).toBe(0);
    expect(String(r.stdout)).toMatch(/^identical: [0-9a-f]{64}$/);
  });
  it('names the differing files, inside the ISO and inside its squashfs', async () => {
    const a = await makeIso('c', 'one', { 'etc/motd': 'hello', 'usr/bin/tool': 'x' });
    const b = await makeIso('d', 'two', { 'etc/motd': 'hello', 'usr/bin/tool': 'y' });
    const r = await execa('bash', [SCRIPT, a, b], { reject: false });
    expect(r.exitCode).toBe(1);
    const out = String(r.stdout);
    expect(out).toContain('the ISOs differ');
    expect(out).toMatch(/^ {2}README$/m);
    expect(out).toMatch(/^ {2}live\/filesystem\.squashfs$/m);
    expect(out).toContain('files inside live/filesystem.squashfs that differ:');
    expect(out).toMatch(/^ {2}usr\/bin\/tool$/m);
    expect(out).not.toMatch(/^ {2}etc\/motd$/m);
  });
  it('names files whose contents match but whose metadata differ', async () => {
    const a = await makeIso('e', 'same', { 'usr/bin/tool': 'x' }, { 'usr/bin/tool': 0o755 });
    const b = await makeIso('f', 'same', { 'usr/bin/tool': 'x' }, { 'usr/bin/tool': 0o644 });
    const r = await execa('bash', [SCRIPT, a, b], { reject: false });
    expect(r.exitCode).toBe(1);
    const out = String(r.stdout);
    expect(out).toContain('metadata inside live/filesystem.squashfs that differ');
    expect(out).toMatch(/^ {2}< -rwxr-xr-x .*usr\/bin\/tool$/m);
    expect(out).toMatch(/^ {2}> -rw-r--r-- .*usr\/bin\/tool$/m);
  });
});

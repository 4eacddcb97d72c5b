import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { build } from '../../builder/build.js';

/**
 * `debvisor iso embed-profile` on the ISO `debvisor build` makes in out/ (reused from the cache
 * after `npm run iso`): the new ISO holds the profile and
 * its signature at /debvisor/, both menus default to the unattended entry, its boot records are
 * the input's, and the input is unchanged. A profile with errors writes no ISO.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const out = join(repo, 'out');
const BIN = join(repo, 'bin/debvisor.js');
let dir: string;
let iso: string;

async function extract(image: string, path: string): Promise<string> {
  const dst = join(dir, `x-${path.replace(/\//g, '_')}`);
  await execa('xorriso', ['-osirrox', 'on', '-indev', image, '-extract', path, dst]);
  return readFileSync(dst, 'utf8');
}

beforeAll(async () => {
  // The default spec into out/ with the shared cache: after `npm run iso` every stage is reused.
  const built = await build({ repo, spec: join(repo, 'iso/build.yaml'), out });
  if (!built.iso || !existsSync(built.iso)) throw new Error(`the build made no ISO in ${out}`);
  iso = built.iso;
  dir = mkdtempSync(join(tmpdir(), 'debvisor-embed-'));
}, 3_000_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('iso embed-profile', () => {
  it('writes an ISO with the profile and its signature, booting the unattended entry by default', async () => {
    const profile = join(dir, 'node.yaml');
    copyFileSync(join(repo, 'test/fixtures/profiles/e2e-install.yaml'), profile);
    writeFileSync(`${profile}.sig`, '-----BEGIN SSH SIGNATURE-----\nfake\n-----END SSH SIGNATURE-----\n');
    const before = await execa('sha256sum', [iso]);
    const mtime = statSync(iso).mtimeMs;
    const target = join(dir, 'auto.iso');
    const r = await execa('node', [BIN, 'iso', 'embed-profile', iso, profile, '--out', target]);
    expect(r.stdout).toContain('default boot entry: unattended in /isolinux/isolinux.cfg, /boot/grub/grub.cfg');
    expect(await extract(target, '/debvisor/profile.yaml')).toBe(readFileSync(profile, 'utf8'));
    expect(await extract(target, '/debvisor/profile.yaml.sig')).toContain('BEGIN SSH SIGNATURE');
    const isolinux = await extract(target, '/isolinux/isolinux.cfg');
    expect(isolinux).toMatch(/^default unattended$/m);
    expect(isolinux).toMatch(/^timeout \d+$/m);
    const grub = await extract(target, '/boot/grub/grub.cfg');
    expect(grub).toMatch(/^set default="unattended"$/m);
    // The rest of the menus as they were.
    expect(grub.replace(/^set default=.*$/m, '')).toBe((await extract(iso, '/boot/grub/grub.cfg')).replace(/^set default=.*$/m, ''));
    // Same boot records (BIOS El Torito, EFI image, hybrid MBR/GPT), same live system.
    const report = async (i: string) =>
      (await execa('xorriso', ['-indev', i, '-report_el_torito', 'as_mkisofs'])).stdout.split('\n').filter((l) => !/modification-date|local_fs/.test(l));
    expect(await report(target)).toEqual(await report(iso));
    const squash = async (i: string) => (await execa('xorriso', ['-indev', i, '-find', '/live/filesystem.squashfs', '-exec', 'get_md5'])).stdout;
    expect(await squash(target)).toBe(await squash(iso));
    // The input is only read.
    expect((await execa('sha256sum', [iso])).stdout).toBe(before.stdout);
    expect(statSync(iso).mtimeMs).toBe(mtime);
  }, 300_000);

  it('refuses a profile with errors, printing them, and writes nothing', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: 1\nnode: { hostname: "Not_A_Host" }\n');
    const target = join(dir, 'bad.iso');
    const r = await execa('node', [BIN, 'iso', 'embed-profile', iso, bad, '--out', target], { reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+: /);
    expect(r.stderr).toContain('no ISO written: fix the profile first');
    expect(existsSync(target)).toBe(false);
  }, 120_000);
});

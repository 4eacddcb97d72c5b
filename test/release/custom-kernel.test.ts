import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { build, type BuildResult, type BuildReport } from '../../builder/build.js';
import { bootAndWatch } from '../e2e/helpers/qemu.js';

/**
 * kernel.source: custom end to end: Debian's linux-source with the DebVisor fragment (on the
 * kernel's x86_64_defconfig, so the compile takes minutes here), `make bindeb-pkg`, the package
 * installed by live-build, and the ISO booting that kernel.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const SPEC = join(repo, 'test/fixtures/build/custom-kernel.yaml');
const WORK = join(repo, 'cache/e2e-custom-kernel');
const OUT = join(WORK, 'out');
/** Shared with the kernel integration tests: the 150 MB source download is made once. */
const KERNEL_CACHE = join(repo, 'cache/kernel');
const BOOT_TIMEOUT_MS = 240_000;

let first: BuildResult;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-e2e-kernel-'));
  first = await build({ repo, spec: SPEC, out: OUT, work: join(WORK, 'work'), kernelCache: KERNEL_CACHE });
}, 3_600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an ISO with the custom kernel', () => {
  it('compiles the kernel packages from the fragment and reports what went in', async () => {
    const r = first.report;
    expect(r.stages.map((s) => s.name)).toEqual(['package-deb', 'kernel', 'bootstrap', 'chroot', 'binary', 'release']);
    expect(r.kernel?.source).toBe('custom');
    expect(r.kernel?.version).toMatch(/^6\.12\.\d+-debvisor$/);
    // Checked on the installed /boot/config of the live system: the fragment arrived whole.
    expect(r.kernel?.fragment.differing).toEqual([]);
    const b = r.kernel!.build!;
    expect(b.base).toBe('defconfig');
    expect(b.toolchain.gcc).toMatch(/gcc/);
    expect(b.packages.map((p) => p.name)).toEqual([`linux-image-${r.kernel!.version}`, `linux-headers-${r.kernel!.version}`]);
    expect(r.packages).toContainEqual({ name: `linux-image-${r.kernel!.version}`, version: b.packageVersion });
    expect(r.packages.some((p) => p.name === 'linux-image-amd64')).toBe(false);
    // The packages are kept in the live system for the installer.
    const listing = (await execa('xorriso', ['-indev', first.iso!, '-find', '/live', '-exec', 'lsdl'], { reject: false })).stdout;
    expect(listing).toMatch(/filesystem\.squashfs/);
    const inSquash = (
      await execa('sh', [
        '-c',
        `xorriso -osirrox on -indev "$1" -extract /live/filesystem.squashfs "$2/fs.squashfs" >/dev/null 2>&1 && unsquashfs -l "$2/fs.squashfs" usr/share/debvisor/packages && rm -f "$2/fs.squashfs"`,
        'x',
        first.iso!,
        dir,
      ])
    ).stdout;
    for (const p of b.packages) expect(inSquash).toContain(`usr/share/debvisor/packages/${p.file}`);
  });

  it(
    'boots that kernel from a CD to a serial login',
    async () => {
      const release = first.report.kernel!.version.replace(/\./g, '\\.');
      const r = await bootAndWatch(first.iso!, 'bios', 'cd', dir, [new RegExp(`boot mode: install, kernel ${release}`), /login:/], BOOT_TIMEOUT_MS);
      expect(r.matched, `after ${r.seconds} s the serial console showed:\n${r.serial.slice(-3000)}`).toBe(true);
      expect(r.serial).toContain(`Linux version ${first.report.kernel!.version}`);
    },
    BOOT_TIMEOUT_MS + 60_000,
  );

  it('a second build with nothing changed reuses the kernel packages and every stage', async () => {
    const again = await build({ repo, spec: SPEC, out: OUT, work: join(WORK, 'work'), kernelCache: KERNEL_CACHE });
    const kernel = again.report.stages.find((s) => s.name === 'kernel')!;
    expect(kernel).toMatchObject({ status: 'cached', reason: 'inputs unchanged' });
    expect(again.report.stages.filter((s) => s.status === 'ran').map((s) => s.name)).toEqual(['release']);
    const report = JSON.parse(readFileSync(again.reportPath, 'utf8')) as BuildReport;
    expect(report.kernel?.build?.key).toBe(first.report.kernel?.build?.key);
  }, 600_000);
});

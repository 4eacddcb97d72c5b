import { describe, it, expect, beforeAll } from 'vitest';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { fetchKernelInputs, prepareKernelConfig, type KernelInputs } from '../../builder/kernel-source.js';
import { buildKernelPackages, kernelStageInputs, readKernelManifest, toolchainVersions } from '../../builder/kernel-build.js';
import { stageKey, decideKeyed } from '../../builder/stage-cache.js';
import { parseKernelConfig } from '../../builder/kernel-config.js';

/**
 * The kernel stage for real: Debian's linux-source, `make bindeb-pkg`, packages kept per key.
 * The base here is `make tinyconfig` so the compile takes minutes on two cores; the release
 * build runs the same functions on Debian's config (docs/kernel-config.md).
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const CACHE = join(repo, 'cache/kernel');
const log = join(CACHE, 'kernel-build-test.log');
const OBJ = join(CACHE, 'test-build/obj');
const PACKAGES = join(CACHE, 'test-build/packages');
const FRAGMENT = [
  'CONFIG_MODULES=y',
  'CONFIG_PRINTK=y',
  'CONFIG_TTY=y',
  'CONFIG_SERIAL_8250=y',
  'CONFIG_SERIAL_8250_CONSOLE=y',
  'CONFIG_BLK_DEV_INITRD=y',
  'CONFIG_NET=y',
  'CONFIG_BRIDGE=m',
  '',
].join('\n');
let src: KernelInputs;

beforeAll(async () => {
  mkdirSync(CACHE, { recursive: true });
  src = await fetchKernelInputs('http://deb.debian.org/debian', 'trixie', CACHE, log);
  rmSync(PACKAGES, { recursive: true, force: true });
}, 900_000);

describe('the kernel stage: make bindeb-pkg from the settled config, packages kept per key', () => {
  it('builds linux-image and linux-headers for <version>-debvisor with the fragment in /boot/config, then reuses them by key', async () => {
    const check = await prepareKernelConfig(src.source, OBJ, { target: 'tinyconfig' }, FRAGMENT, log);
    expect(check.differing).toEqual([]);
    const settled = readFileSync(join(OBJ, '.config'), 'utf8');
    const toolchain = await toolchainVersions();
    expect(toolchain.gcc).toMatch(/gcc/);
    const inputs = kernelStageInputs(src, settled, toolchain, '-debvisor');
    const key = stageKey(inputs);
    expect(readKernelManifest(join(PACKAGES, key))).toBeUndefined();
    expect(decideKeyed('kernel', inputs, undefined, false).run).toBe(true);

    const m = await buildKernelPackages({
      source: src.source,
      obj: OBJ,
      packagesDir: PACKAGES,
      key,
      localVersion: '-debvisor',
      sourceVersion: src.versions.source,
      epoch: 1_700_000_000,
      log,
    });
    const upstream = src.versions.source.replace(/-.*/, '');
    expect(m.release).toBe(`${upstream}-debvisor`);
    expect(m.version).toBe(`${src.versions.source}+debvisor.${key.slice(0, 8)}`);
    expect(m.image.name).toBe(`linux-image-${m.release}`);
    expect(m.headers?.name).toBe(`linux-headers-${m.release}`);

    const deb = join(PACKAGES, key, m.image.file);
    const field = async (f: string) => (await execa('dpkg-deb', ['-f', deb, f])).stdout.trim();
    expect(await field('Package')).toBe(`linux-image-${m.release}`);
    expect(await field('Architecture')).toBe('amd64');
    expect(await field('Version')).toBe(m.version);
    const listing = (await execa('dpkg-deb', ['-c', deb])).stdout;
    expect(listing).toContain(`./boot/vmlinuz-${m.release}`);
    expect(listing).toContain(`./boot/config-${m.release}`);
    // The config inside the package is the settled one: every fragment option as asked.
    const packaged = parseKernelConfig((await execa('sh', ['-c', `dpkg-deb --fsys-tarfile "$1" | tar -xOf - "./boot/config-$2"`, 'x', deb, m.release])).stdout);
    for (const [k, v] of parseKernelConfig(FRAGMENT)) expect(`${k}=${packaged.get(k)}`).toBe(`${k}=${v}`);
    // The image really is an x86 kernel.
    const kernel = (await execa('sh', ['-c', `dpkg-deb --fsys-tarfile "$1" | tar -xOf - "./boot/vmlinuz-$2" | file -`, 'x', deb, m.release])).stdout;
    expect(kernel).toMatch(/Linux kernel x86 boot executable/);

    // Kept by key: the manifest is read back, and a later build with these inputs is reused.
    expect(readKernelManifest(join(PACKAGES, key))).toEqual(m);
    const d = decideKeyed('kernel', inputs, { key: 'other', inputs: { ...inputs, config: 'something else' } }, true);
    expect(d).toEqual({ run: false, reason: 'changed: config; reused the packages an earlier build made from these same inputs' });

    // Any change of the fragment settles to another config, hence another key.
    await prepareKernelConfig(src.source, OBJ, { target: 'tinyconfig' }, `${FRAGMENT}CONFIG_VLAN_8021Q=m\n`, log);
    const other = kernelStageInputs(src, readFileSync(join(OBJ, '.config'), 'utf8'), toolchain, '-debvisor');
    expect(stageKey(other)).not.toBe(key);
    expect(readKernelManifest(join(PACKAGES, stageKey(other)))).toBeUndefined();
    // A different compiler is a different key too.
    expect(stageKey(kernelStageInputs(src, settled, { ...toolchain, gcc: 'gcc (Debian 14.2.0-19) 14.2.0' }, '-debvisor'))).not.toBe(key);
  }, 1_800_000);
});

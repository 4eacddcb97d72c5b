import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DebvisorError } from '../core/errors.js';
import { run } from '../core/run.js';
import type { Emitter } from '../core/events.js';
import { PrivateApt, parseStanzas, type IndexedPackage } from './debian-apt.js';
import { checkFragment, formatKernelConfig, mergeKernelConfig, parseKernelConfig, type FragmentCheck } from './kernel-config.js';

/** The kernel series each suite ships. */
export const KERNEL_SERIES: Record<string, string> = { trixie: '6.12' };

/** Every version of a package in a Debian Packages index (or `apt-cache show` output). */
export function packageEntries(index: string, name: string): IndexedPackage[] {
  return parseStanzas(index).filter((e) => e.name === name);
}

/** The newest of a package's versions, by Debian's rules (dpkg --compare-versions). */
export async function newestPackage(index: string | IndexedPackage[], name: string): Promise<IndexedPackage | undefined> {
  let best: IndexedPackage | undefined;
  for (const e of typeof index === 'string' ? packageEntries(index, name) : index.filter((p) => p.name === name)) {
    if (!best || (await run(['dpkg', '--compare-versions', e.version, 'gt', best.version], { allowFailure: true })).exitCode === 0) best = e;
  }
  return best;
}

export interface KernelInputs {
  /** Unpacked kernel source tree (one per source version, never built in: builds use O=). */
  source: string;
  /** Debian's amd64 config text. */
  config: string;
  versions: { source: string; config: string };
  /** SHA-256 of the linux-source package: the source half of the kernel's cache key. */
  sourceSha256: string;
}

async function unpack(deb: string, entry: IndexedPackage, dir: string, log: string, events?: Emitter): Promise<string> {
  const unpacked = join(dir, `${entry.name}_${entry.version}`);
  if (!existsSync(join(unpacked, 'usr'))) await run(['dpkg-deb', '-x', deb, unpacked], { logFile: log, events });
  return unpacked;
}

/**
 * Debian's kernel source and amd64 config for a suite, downloaded through a private apt (archive
 * signature and package SHA-256 checked) and unpacked under `dir`: the newest linux-source and
 * the linux-config of that same version, so the base config is the one Debian built that source
 * with. The suite's amd64 index lists the arch:all packages too (Debian's binary-all index has
 * been seen lagging a point release behind it).
 */
export async function fetchKernelInputs(mirror: string, suite: string, dir: string, log: string, events?: Emitter): Promise<KernelInputs> {
  const series = KERNEL_SERIES[suite];
  if (!series) throw new DebvisorError('E_KERNEL_SOURCE', `no kernel series known for ${suite}`);
  mkdirSync(dir, { recursive: true });
  const apt = new PrivateApt(mirror, suite, dir, { log, events });
  await apt.update();
  const srcEntry = await newestPackage(await apt.versions(`linux-source-${series}`), `linux-source-${series}`);
  if (!srcEntry) throw new DebvisorError('E_KERNEL_SOURCE', `linux-source-${series} is not in ${suite}/main of ${mirror}`);
  const configs = await apt.versions(`linux-config-${series}`);
  const cfgEntry = configs.find((e) => e.version === srcEntry.version);
  if (!cfgEntry) {
    const have = configs.map((e) => e.version).join(', ') || 'none';
    throw new DebvisorError(
      'E_KERNEL_SOURCE',
      `${suite} has linux-source-${series} ${srcEntry.version} but no linux-config-${series} of that version (it has: ${have})`,
      {
        hint: 'the mirror is in the middle of an update; try again later, or pin a snapshot in the build spec',
      },
    );
  }
  const [cfgDeb, srcDeb] = await apt.download([cfgEntry, srcEntry], dir);
  const cfgDir = await unpack(cfgDeb!, cfgEntry, dir, log, events);
  const srcUnpacked = await unpack(srcDeb!, srcEntry, dir, log, events);
  const cfgFile = join(cfgDir, 'usr/src', `linux-config-${series}`, 'config.amd64_none_amd64.xz');
  const config = (await run(['xz', '-dc', cfgFile])).stdout;
  const tree = join(dir, `src-${srcEntry.version}`, `linux-source-${series}`);
  if (!existsSync(join(tree, 'Makefile'))) {
    const srcDir = join(srcUnpacked, 'usr/src');
    const tarball = readdirSync(srcDir).find((f) => f.startsWith(`linux-source-${series}`) && f.endsWith('.tar.xz'));
    if (!tarball) throw new DebvisorError('E_KERNEL_SOURCE', `${srcDeb} holds no linux-source tarball`);
    mkdirSync(join(dir, `src-${srcEntry.version}`), { recursive: true });
    await run(['tar', '-xJf', join(srcDir, tarball), '-C', join(dir, `src-${srcEntry.version}`)], { logFile: log, events });
  }
  pruneKernelCache(dir, srcEntry.version);
  return { source: tree, config, versions: { source: srcEntry.version, config: cfgEntry.version }, sourceSha256: srcEntry.sha256 };
}

/**
 * Drops what only an older kernel version used: its downloads, unpacked source and object
 * directories (about 1.5 GB each). Built packages stay: they are small and keyed.
 */
export function pruneKernelCache(dir: string, keepVersion: string): string[] {
  const removed: string[] = [];
  const drop = (p: string) => {
    rmSync(p, { recursive: true, force: true });
    removed.push(p);
  };
  for (const f of readdirSync(dir)) {
    const m = /^(?:src-|linux-(?:source|config)-[\d.]+_)([^_]+?)(?:_(?:all|amd64)\.deb)?$/.exec(f);
    if (m && m[1] !== keepVersion) drop(join(dir, f));
  }
  const builds = join(dir, 'build');
  if (existsSync(builds)) for (const f of readdirSync(builds)) if (!f.startsWith(`${keepVersion}-`)) drop(join(builds, f));
  return removed;
}

/** Where the fragment is laid: Debian's config (every driver) or the kernel's own x86_64 defconfig (lean). */
export type KernelBase = { debian: string } | { target: 'x86_64_defconfig' | 'tinyconfig' };

/**
 * Settings any build outside Debian's own infrastructure needs, laid on before the fragment.
 * No debug info: with it (and BTF) the build needs several times the time and disk, and a
 * multi-gigabyte -dbg package nobody installs on a node.
 */
export const BUILD_OVERRIDES = [
  'CONFIG_DEBUG_INFO_NONE=y',
  '# CONFIG_DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT is not set',
  '# CONFIG_DEBUG_INFO_DWARF4 is not set',
  '# CONFIG_DEBUG_INFO_DWARF5 is not set',
].join('\n');

/** The make variables every kernel make call gets: the target architecture, whatever the host. */
export const KMAKE = ['ARCH=x86_64'];

/**
 * The fragment laid over the base config in the object directory `obj` and settled by
 * `make olddefconfig`. Kconfig drops or changes options whose dependencies are not met without a
 * word; this fails loudly instead, naming each one.
 */
export async function prepareKernelConfig(
  source: string,
  obj: string,
  base: KernelBase,
  fragmentText: string,
  log: string,
  events?: Emitter,
): Promise<FragmentCheck> {
  const fragment = parseKernelConfig(fragmentText);
  mkdirSync(obj, { recursive: true });
  const make = (...args: string[]) => run(['make', '-C', source, `O=${obj}`, ...KMAKE, ...args], { logFile: log, events });
  let baseText: string;
  if ('debian' in base) baseText = base.debian;
  else {
    await make(base.target);
    baseText = readFileSync(join(obj, '.config'), 'utf8');
  }
  const merged = mergeKernelConfig(mergeKernelConfig(parseKernelConfig(baseText), parseKernelConfig(BUILD_OVERRIDES)), fragment);
  writeFileSync(join(obj, '.config'), formatKernelConfig(merged));
  await make('olddefconfig');
  const check = checkFragment(parseKernelConfig(readFileSync(join(obj, '.config'), 'utf8')), fragment);
  if (check.differing.length) {
    throw new DebvisorError('E_KERNEL_CONFIG', `make olddefconfig dropped or changed ${check.differing.length} option(s) of the fragment`, {
      hint: 'their dependencies are not met: add the dependencies to the fragment, or remove the options',
      details: check.differing.map((d) => `${d.option}: fragment wants ${d.want}, the merged config has ${d.have}`),
    });
  }
  return check;
}

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DebvisorError } from '../core/errors.js';
import { run } from '../core/run.js';
import type { Emitter } from '../core/events.js';
import { fileSha256 } from './sources.js';
import { checkFragment, formatKernelConfig, mergeKernelConfig, parseKernelConfig, type FragmentCheck } from './kernel-config.js';

/** The kernel series each suite ships. */
export const KERNEL_SERIES: Record<string, string> = { trixie: '6.12' };

interface PackageEntry {
  name: string;
  version: string;
  filename: string;
}

function parseIndex(index: string): PackageEntry[] {
  return index.split('\n\n').map((stanza) => {
    const field = (f: string) => new RegExp(`^${f}: (.*)$`, 'm').exec(stanza)?.[1];
    return { name: field('Package') ?? '', version: field('Version') ?? '', filename: field('Filename') ?? '' };
  });
}

/** Every version of a package in a Debian Packages index. */
export function packageEntries(index: string, name: string): PackageEntry[] {
  return parseIndex(index).filter((e) => e.name === name && e.filename);
}

/** The newest of a package's versions, by Debian's rules (dpkg --compare-versions). */
export async function newestPackage(index: string, name: string): Promise<PackageEntry | undefined> {
  let best: PackageEntry | undefined;
  for (const e of packageEntries(index, name)) {
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

/**
 * The suite's binary-amd64 Packages index (it lists the arch:all packages too: Debian's
 * binary-all index has been seen lagging a point release behind it). A conditional GET (-z):
 * downloaded again only when the mirror has a newer one, so a kernel update is seen and an
 * unchanged mirror costs one request.
 */
async function fetchIndex(mirror: string, suite: string, dir: string, log: string, events?: Emitter): Promise<string> {
  const index = join(dir, 'Packages-amd64.xz');
  rmSync(`${index}.part`, { force: true });
  await run(['curl', '-fsSL', '--retry', '3', '-R', ...(existsSync(index) ? ['-z', index] : []), '-o', `${index}.part`, `${mirror}/dists/${suite}/main/binary-amd64/Packages.xz`], { logFile: log, events });
  if (existsSync(`${index}.part`)) renameSync(`${index}.part`, index);
  return (await run(['xz', '-dc', index])).stdout;
}

async function fetchPackage(mirror: string, entry: PackageEntry, dir: string, log: string, events?: Emitter): Promise<{ deb: string; unpacked: string }> {
  const deb = join(dir, entry.filename.split('/').pop()!);
  if (!existsSync(deb)) {
    await run(['curl', '-fsSL', '--retry', '3', '-o', `${deb}.part`, `${mirror}/${entry.filename}`], { logFile: log, events });
    renameSync(`${deb}.part`, deb);
  }
  const unpacked = join(dir, `${entry.name}_${entry.version}`);
  if (!existsSync(join(unpacked, 'usr'))) await run(['dpkg-deb', '-x', deb, unpacked], { logFile: log, events });
  return { deb, unpacked };
}

/**
 * Debian's kernel source and amd64 config for a suite, downloaded and unpacked under `dir`:
 * the newest linux-source and the linux-config of that same version, so the base config is the
 * one Debian built that source with.
 */
export async function fetchKernelInputs(mirror: string, suite: string, dir: string, log: string, events?: Emitter): Promise<KernelInputs> {
  const series = KERNEL_SERIES[suite];
  if (!series) throw new DebvisorError('E_KERNEL_SOURCE', `no kernel series known for ${suite}`);
  mkdirSync(dir, { recursive: true });
  const index = await fetchIndex(mirror, suite, dir, log, events);
  const srcEntry = await newestPackage(index, `linux-source-${series}`);
  if (!srcEntry) throw new DebvisorError('E_KERNEL_SOURCE', `linux-source-${series} is not in ${suite}/main of ${mirror}`);
  const cfgEntry = packageEntries(index, `linux-config-${series}`).find((e) => e.version === srcEntry.version);
  if (!cfgEntry) {
    const have = packageEntries(index, `linux-config-${series}`).map((e) => e.version).join(', ') || 'none';
    throw new DebvisorError('E_KERNEL_SOURCE', `${suite} has linux-source-${series} ${srcEntry.version} but no linux-config-${series} of that version (it has: ${have})`, {
      hint: 'the mirror is in the middle of an update; try again later, or pin a snapshot in the build spec',
    });
  }
  const cfg = await fetchPackage(mirror, cfgEntry, dir, log, events);
  const src = await fetchPackage(mirror, srcEntry, dir, log, events);
  const cfgFile = join(cfg.unpacked, 'usr/src', `linux-config-${series}`, 'config.amd64_none_amd64.xz');
  const config = (await run(['xz', '-dc', cfgFile])).stdout;
  const tree = join(dir, `src-${srcEntry.version}`, `linux-source-${series}`);
  if (!existsSync(join(tree, 'Makefile'))) {
    const srcDir = join(src.unpacked, 'usr/src');
    const tarball = readdirSync(srcDir).find((f) => f.startsWith(`linux-source-${series}`) && f.endsWith('.tar.xz'));
    if (!tarball) throw new DebvisorError('E_KERNEL_SOURCE', `${src.deb} holds no linux-source tarball`);
    mkdirSync(join(dir, `src-${srcEntry.version}`), { recursive: true });
    await run(['tar', '-xJf', join(srcDir, tarball), '-C', join(dir, `src-${srcEntry.version}`)], { logFile: log, events });
  }
  pruneKernelCache(dir, srcEntry.version);
  return { source: tree, config, versions: { source: srcEntry.version, config: cfgEntry.version }, sourceSha256: fileSha256(src.deb) };
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
export const BUILD_OVERRIDES = ['CONFIG_DEBUG_INFO_NONE=y', '# CONFIG_DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT is not set', '# CONFIG_DEBUG_INFO_DWARF4 is not set', '# CONFIG_DEBUG_INFO_DWARF5 is not set'].join('\n');

/** The make variables every kernel make call gets: the target architecture, whatever the host. */
export const KMAKE = ['ARCH=x86_64'];

/**
 * The fragment laid over the base config in the object directory `obj` and settled by
 * `make olddefconfig`. Kconfig drops or changes options whose dependencies are not met without a
 * word; this fails loudly instead, naming each one.
 */
export async function prepareKernelConfig(source: string, obj: string, base: KernelBase, fragmentText: string, log: string, events?: Emitter): Promise<FragmentCheck> {
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

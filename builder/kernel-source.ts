import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DebvisorError } from '../core/errors.js';
import { run } from '../core/run.js';
import type { Emitter } from '../core/events.js';
import { checkFragment, formatKernelConfig, mergeKernelConfig, parseKernelConfig, type FragmentCheck } from './kernel-config.js';

/** The kernel series each suite ships. */
export const KERNEL_SERIES: Record<string, string> = { trixie: '6.12' };

interface PackageEntry {
  name: string;
  version: string;
  filename: string;
}

/** The newest entry of a package in a Debian Packages index. */
export function newestPackage(index: string, name: string): PackageEntry | undefined {
  const entries = index.split('\n\n').map((stanza) => {
    const field = (f: string) => new RegExp(`^${f}: (.*)$`, 'm').exec(stanza)?.[1];
    return { name: field('Package') ?? '', version: field('Version') ?? '', filename: field('Filename') ?? '' };
  });
  const found = entries.filter((e) => e.name === name && e.filename);
  return found.sort((a, b) => a.version.localeCompare(b.version, 'en', { numeric: true })).pop();
}

export interface KernelInputs {
  /** Unpacked kernel source tree. */
  source: string;
  /** Debian's amd64 config text. */
  config: string;
  versions: { source: string; config: string };
}

async function fetchPackage(mirror: string, suite: string, arch: string, name: string, dir: string, log: string, events?: Emitter): Promise<PackageEntry> {
  const index = join(dir, `Packages-${arch}`);
  if (!existsSync(index)) {
    await run(['sh', '-c', 'curl -fsSL "$1" | xz -d > "$2"', 'fetch', `${mirror}/dists/${suite}/main/binary-${arch}/Packages.xz`, index], { logFile: log, events });
  }
  const entry = newestPackage(readFileSync(index, 'utf8'), name);
  if (!entry) throw new DebvisorError('E_KERNEL_SOURCE', `${name} is not in ${suite}/main/binary-${arch}`);
  const deb = join(dir, entry.filename.split('/').pop()!);
  if (!existsSync(deb)) await run(['curl', '-fsSL', '-o', deb, `${mirror}/${entry.filename}`], { logFile: log, events });
  await run(['dpkg-deb', '-x', deb, join(dir, 'x')], { logFile: log, events });
  return entry;
}

/** Debian's kernel source and amd64 config for a suite, downloaded and unpacked under `dir`. */
export async function fetchKernelInputs(mirror: string, suite: string, dir: string, log: string, events?: Emitter): Promise<KernelInputs> {
  const series = KERNEL_SERIES[suite];
  if (!series) throw new DebvisorError('E_KERNEL_SOURCE', `no kernel series known for ${suite}`);
  mkdirSync(dir, { recursive: true });
  const cfg = await fetchPackage(mirror, suite, 'amd64', `linux-config-${series}`, dir, log, events);
  const src = await fetchPackage(mirror, suite, 'all', `linux-source-${series}`, dir, log, events);
  const cfgFile = join(dir, 'x/usr/src', `linux-config-${series}`, 'config.amd64_none_amd64.xz');
  const config = (await run(['xz', '-dc', cfgFile])).stdout;
  const tree = join(dir, `linux-source-${series}`);
  if (!existsSync(join(tree, 'Makefile'))) {
    const tarball = readdirSync(join(dir, 'x/usr/src')).find((f) => f.startsWith(`linux-source-${series}`) && f.endsWith('.tar.xz'))!;
    await run(['tar', '-xJf', join(dir, 'x/usr/src', tarball), '-C', dir], { logFile: log, events });
  }
  return { source: tree, config, versions: { source: src.version, config: cfg.version } };
}

/**
 * The fragment laid over Debian's config and settled by `make olddefconfig`. Kconfig drops or
 * changes options whose dependencies are not met without a word; this fails loudly instead.
 */
export async function prepareKernelConfig(source: string, baseConfig: string, fragmentText: string, log: string, events?: Emitter): Promise<FragmentCheck> {
  const fragment = parseKernelConfig(fragmentText);
  writeFileSync(join(source, '.config'), formatKernelConfig(mergeKernelConfig(parseKernelConfig(baseConfig), fragment)));
  await run(['make', '-C', source, 'olddefconfig'], { logFile: log, events });
  const check = checkFragment(parseKernelConfig(readFileSync(join(source, '.config'), 'utf8')), fragment);
  if (check.differing.length) {
    throw new DebvisorError('E_KERNEL_CONFIG', `make olddefconfig dropped or changed ${check.differing.length} option(s) of the fragment`, {
      hint: 'their dependencies are not met: add the dependencies to the fragment, or remove the options',
      details: check.differing.map((d) => `${d.option}: fragment wants ${d.want}, the merged config has ${d.have}`),
    });
  }
  return check;
}

import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DebvisorError } from '../core/errors.js';
import { run } from '../core/run.js';
import type { Emitter } from '../core/events.js';
import { fileSha256, sha256 } from './sources.js';
import { KMAKE } from './kernel-source.js';

/**
 * The kernel stage's inputs, the real inputs of `make bindeb-pkg`: the source package (version
 * and hash), the settled .config, the toolchain and the local version. Their hash is the key the
 * packages are kept under.
 */
export function kernelStageInputs(
  src: { versions: { source: string }; sourceSha256: string },
  settledConfig: string,
  toolchain: Record<string, string>,
  localVersion: string,
): Record<string, string> {
  return {
    'linux-source': `${src.versions.source} ${src.sourceSha256}`,
    config: sha256(settledConfig),
    toolchain: sha256(JSON.stringify(toolchain)),
    localversion: localVersion,
  };
}

/** The first line each tool prints of its version: a compiler update changes the kernel's key. */
export async function toolchainVersions(): Promise<Record<string, string>> {
  const first = async (argv: string[]) => {
    const r = await run(argv, { allowFailure: true });
    return r.exitCode === 0 ? (r.stdout.split('\n')[0] ?? '').trim() : 'missing';
  };
  return {
    gcc: await first(['gcc', '--version']),
    ld: await first(['ld', '--version']),
    make: await first(['make', '--version']),
    'dpkg-deb': await first(['dpkg-deb', '--version']),
  };
}

export interface KernelPackage {
  file: string;
  name: string;
  bytes: number;
  sha256: string;
}

/** What a kernel build left: kept as manifest.json beside the packages, one directory per key. */
export interface KernelManifest {
  key: string;
  /** `uname -r` of the built kernel, e.g. 6.12.107-debvisor. */
  release: string;
  /** Package version (KDEB_PKGVERSION). */
  version: string;
  image: KernelPackage;
  headers?: KernelPackage;
  builtAt: string;
  durationMs: number;
}

/** The packages a kernel build kept: the image, and the headers when there are any. */
export function kernelPackages(m: KernelManifest): KernelPackage[] {
  return m.headers ? [m.image, m.headers] : [m.image];
}

export function readKernelManifest(dir: string): KernelManifest | undefined {
  const p = join(dir, 'manifest.json');
  if (!existsSync(p)) return undefined;
  const m = JSON.parse(readFileSync(p, 'utf8')) as KernelManifest;
  // A manifest whose packages are gone or changed does not count as a cached build.
  const ok = kernelPackages(m).every((f) => existsSync(join(dir, f.file)) && statSync(join(dir, f.file)).size === f.bytes);
  return ok ? m : undefined;
}

/** bindeb-pkg names its packages linux-image-<release>, linux-headers-<release>, linux-libc-dev. */
export function classifyKernelDebs(files: string[], release: string): { image?: string; headers?: string } {
  const base = files.map((f) => basename(f));
  const pick = (prefix: string) => files[base.findIndex((b) => b.startsWith(`${prefix}-${release}_`) && b.endsWith('.deb'))];
  const image = pick('linux-image');
  const headers = pick('linux-headers');
  return { ...(image ? { image } : {}), ...(headers ? { headers } : {}) };
}

export interface KernelBuildOptions {
  source: string;
  /** Object directory holding the settled .config; kept between builds so a config change recompiles only what it touches. */
  obj: string;
  /** Packages go to `${packagesDir}/${key}/`. */
  packagesDir: string;
  key: string;
  localVersion: string;
  /** Debian version of the source package, the base of the kernel package version. */
  sourceVersion: string;
  epoch: number;
  log: string;
  events?: Emitter;
  jobs?: number;
}

/**
 * `make bindeb-pkg` out of tree, with build dates and names fixed for repeatable output. The
 * packages land beside the object directory; the image and headers move into the key's own
 * directory with a manifest, so any earlier configuration is reused when it comes back.
 */
export async function buildKernelPackages(o: KernelBuildOptions): Promise<KernelManifest> {
  const t0 = Date.now();
  const outDir = join(o.packagesDir, o.key);
  const landing = dirname(o.obj);
  for (const f of readdirSync(landing)) if (/\.(deb|buildinfo|changes)$/.test(f)) rmSync(join(landing, f));
  const version = `${o.sourceVersion}+debvisor.${o.key.slice(0, 8)}`;
  const vars = [...KMAKE, `LOCALVERSION=${o.localVersion}`, `KDEB_PKGVERSION=${version}`];
  const env = {
    ...(process.env as Record<string, string>),
    KBUILD_BUILD_TIMESTAMP: `@${o.epoch}`,
    KBUILD_BUILD_USER: 'debvisor',
    KBUILD_BUILD_HOST: 'debvisor',
    SOURCE_DATE_EPOCH: String(o.epoch),
    LC_ALL: 'C.UTF-8',
  };
  const make = (...args: string[]) =>
    run(['make', '-C', o.source, `O=${o.obj}`, ...vars, ...args], { env, logFile: o.log, ...(o.events ? { events: o.events } : {}) });
  const release = (await run(['make', '-s', '-C', o.source, `O=${o.obj}`, ...vars, 'kernelrelease'], { env })).stdout.trim().split('\n').pop()!;
  await make(`-j${o.jobs ?? availableParallelism()}`, 'bindeb-pkg');
  const debs = readdirSync(landing)
    .filter((f) => f.endsWith('.deb'))
    .map((f) => join(landing, f));
  const found = classifyKernelDebs(debs, release);
  if (!found.image) {
    throw new DebvisorError('E_KERNEL_BUILD', `make bindeb-pkg finished but left no linux-image-${release} package in ${landing}`, {
      hint: `see the log ${o.log}`,
      details: debs.map((d) => basename(d)),
    });
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const keep = (path: string): KernelPackage => {
    const file = basename(path);
    renameSync(path, join(outDir, file));
    const name = file.split('_')[0]!;
    return { file, name, bytes: statSync(join(outDir, file)).size, sha256: fileSha256(join(outDir, file)) };
  };
  const manifest: KernelManifest = {
    key: o.key,
    release,
    version,
    image: keep(found.image),
    ...(found.headers ? { headers: keep(found.headers) } : {}),
    builtAt: new Date().toISOString(),
    durationMs: Date.now() - t0,
  };
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../core/run.js';
import { configure } from '../lb-tree.js';
import { assertNothingMounted } from '../packages-layer.js';
import { lbConfigGroups, mirrorOf } from '../live-build.js';
import { createProgressParser } from '../progress.js';
import { sha256 } from '../sources.js';
import type { BuildSpec } from '../spec-schema.js';
import type { BuildContext, Stage, StageName } from './stage.js';

/**
 * mmdebstrap's command for the suite: the package set debootstrap installs (its `debootstrap`
 * variant: Essential, required, important and apt), signatures checked by apt with the host's
 * Debian archive keyring. It installs with apt and dpkg in one pass, where debootstrap
 * configures package by package: about 15 s here against debootstrap's 57 s.
 */
export function mmdebstrapArgv(
  spec: BuildSpec,
  target: string,
  include: readonly string[] = [],
  sources: readonly string[] = [mirrorOf(spec)],
  options: readonly string[] = [],
): string[] {
  return [
    'mmdebstrap',
    '--mode=root',
    '--variant=debootstrap',
    '--architectures=amd64',
    '--components=main',
    ...(include.length ? [`--include=${include.join(',')}`] : []),
    ...options,
    '--aptopt=Acquire::Retries "5"',
    // A snapshot's Release files are past their Valid-Until date by design (as in the chroot's apt options).
    ...(spec.snapshot ? ['--aptopt=Acquire::Check-Valid-Until "false"'] : []),
    spec.suite,
    target,
    ...sources,
  ];
}

/**
 * The archives live-build's binary stage installs its tools from, as sources.list lines: the
 * suite, and unless the build is pinned to a snapshot its updates and security suites.
 */
export function binaryArchives(spec: BuildSpec): string[] {
  const mirror = mirrorOf(spec);
  if (spec.snapshot) return [mirror];
  return [`deb ${mirror} ${spec.suite} main`, `deb ${mirror} ${spec.suite}-updates main`, `deb ${spec.securityMirror} ${spec.suite}-security main`];
}

/**
 * The suite bootstrapped by mmdebstrap into live-build's bootstrap cache (cache/bootstrap),
 * where `lb bootstrap` in the chroot stage restores it from, as it would a debootstrap of its own.
 */
export const bootstrap: Stage = {
  name: 'bootstrap',
  summary: 'mmdebstrap of the suite into live-build’s bootstrap cache',
  after: [],
  inputs: (ctx) => ({
    'lb config (bootstrap)': sha256(JSON.stringify(lbConfigGroups(ctx.spec, ctx.version).bootstrap)),
    // A bootstrap made before mmdebstrap's apt options were taken out of the root is made again.
    cleanup: 'no 99mmdebstrap',
    mmdebstrap: sha256(JSON.stringify(mmdebstrapArgv(ctx.spec, ''))),
    'live-build': ctx.tools['live-build']!,
    'mmdebstrap version': ctx.tools.mmdebstrap!,
  }),
  done: (ctx) => existsSync(join(ctx.lb, 'cache/bootstrap')),
  run: async (ctx, log) => {
    await ctx.lbRun(['clean', '--purge'], log);
    // Only `lb config` matters here: the other files are written again by the chroot stage.
    await configure(ctx, [], log);
    await mmdebstrapInto(ctx, 'bootstrap', join(ctx.lb, 'cache/bootstrap'), [], log);
  },
};

/**
 * mmdebstrap into `dir` by way of `<dir>.partial`, so a cut-short run never leaves a root that
 * looks finished. As live-build's debootstrap step leaves it: no hosts file (its chroot steps write one).
 */
export async function mmdebstrapInto(
  ctx: BuildContext,
  stage: StageName,
  dir: string,
  include: readonly string[],
  log: string,
  sources?: readonly string[],
  options?: readonly string[],
): Promise<void> {
  const partial = `${dir}.partial`;
  // An mmdebstrap that was killed leaves /proc, /sys and /dev mounted in its target: never delete through them.
  assertNothingMounted(partial);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const parse = createProgressParser();
  await run(mmdebstrapArgv(ctx.spec, partial, include, sources, options), {
    env: ctx.env,
    logFile: log,
    events: ctx.events,
    onLine: (line) => {
      const u = parse(line);
      if (u) ctx.progress(stage, u.fraction, u.message);
    },
  });
  rmSync(join(partial, 'etc/hosts'), { force: true });
  // mmdebstrap keeps its --aptopt values in the root: they must not reach the live system and the nodes.
  rmSync(join(partial, 'etc/apt/apt.conf.d/99mmdebstrap'), { force: true });
  assertNothingMounted(dir);
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
}

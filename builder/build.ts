import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DebvisorError } from '../core/errors.js';
import { silentEmitter, type Emitter } from '../core/events.js';
import { run, CommandError } from '../core/run.js';
import { loadBuildSpec } from './spec.js';
import { debName, readVersion } from './deb.js';
import { imageName } from './live-build.js';
import { LAYER_SOURCES } from './packages-layer.js';
import { createProgressParser } from './progress.js';
import { decide, decideKeyed, stageKey } from './stage-cache.js';
import type { Artefact } from './release.js';
import type { FragmentCheck } from './kernel-config.js';
import { parsePackageList } from './release.js';
import { TOOL_SOURCES } from './sources.js';
import { STAGE_TABLE, STAGES, type BuildContext, type Stage, type StageName } from './stages/index.js';
import { recoverFromSwap } from './binary-tools.js';
import { binaryToolsDir } from './stages/binary-tools.js';
import { isoPath } from './stages/release.js';
import type { BuildState, KernelOutput } from './stages/stage.js';

export { STAGES, STAGE_TABLE, type StageName };
export { KERNEL_LOCALVERSION } from './stages/kernel.js';

/** Progress events inside a stage: at most one per this many milliseconds, and only when the whole percent changed. */
export const PROGRESS_INTERVAL_MS = 2000;

export interface BuildOptions {
  repo: string;
  spec: string;
  out: string;
  work?: string;
  /** Kernel sources, object trees and packages (kernel.source: custom); default <work>/kernel. */
  kernelCache?: string;
  /** GnuPG key id that signs SHA256SUMS, over the spec's `signingKey` (a release runner's secret key). */
  signingKey?: string;
  events?: Emitter;
}

export interface StageReport {
  name: StageName;
  status: 'ran' | 'cached';
  reason: string;
  durationMs: number;
  key: string;
  /** Parts kept apart from the stage's own output, and whether this run reused or made them (chroot: the packages layer, the initramfs images). */
  parts?: Record<string, 'reused' | 'made'>;
}

export interface BuildResult {
  reportPath: string;
  iso?: string;
  report: BuildReport;
}

export interface BuildReport {
  name: string;
  version: string;
  spec: string;
  sourceDateEpoch: number;
  startedAt: string;
  durationMs: number;
  stages: StageReport[];
  cacheHits: number;
  tools: Record<string, string>;
  kernel?: {
    source: string;
    version: string;
    fragment: { satisfied: number; differing: FragmentCheck['differing']; satisfiedOptions: string[] };
    /** For kernel.source custom: what was compiled, from which inputs, and its packages. */
    build?: KernelOutput['build'];
  };
  packages: { name: string; version: string }[];
  artefacts: Artefact[];
  workDir: string;
  /** The commit built, and whether the working tree had changes to what goes into the image (then the image is not that commit's). */
  source: { commit: string; dirty: boolean };
}

async function toolVersion(pkg: string): Promise<string> {
  const r = await run(['dpkg-query', '-W', '-f=${Version}', pkg], { allowFailure: true });
  return r.exitCode === 0 ? r.stdout.trim() : 'not installed';
}

/**
 * What goes into the image: the tools, the build inputs under iso/, the host package lists.
 * The image's SOURCE_DATE_EPOCH is the last commit that touched these, so a commit of docs or
 * tests alone does not change the image's dates (and does not rerun the chroot).
 */
export const IMAGE_SOURCES = [...TOOL_SOURCES, 'iso', 'scripts/packages'];

/** SOURCE_DATE_EPOCH: the last commit's time (of `paths`, if given), so a rebuild of the same commit stamps the same dates. */
export async function sourceDateEpoch(repo: string, paths: string[] = []): Promise<number> {
  if (process.env.SOURCE_DATE_EPOCH && /^\d+$/.test(process.env.SOURCE_DATE_EPOCH)) return Number(process.env.SOURCE_DATE_EPOCH);
  const r = await run(['git', '-C', repo, 'log', '-1', '--format=%ct', ...(paths.length ? ['--', ...paths] : [])], { allowFailure: true });
  if (r.exitCode === 0 && /^\d+/.test(r.stdout.trim())) return Number(r.stdout.trim());
  return Math.floor(statSync(join(repo, 'package.json')).mtimeMs / 1000);
}

async function sourceState(repo: string): Promise<BuildReport['source']> {
  const head = await run(['git', '-C', repo, 'rev-parse', 'HEAD'], { allowFailure: true });
  const status = await run(['git', '-C', repo, 'status', '--porcelain', '--', ...IMAGE_SOURCES], { allowFailure: true });
  return { commit: head.exitCode === 0 ? head.stdout.trim() : 'unknown', dirty: status.exitCode !== 0 || status.stdout.trim() !== '' };
}

/** A failed command inside a stage, said as the stage, the command, its exit code and its log's tail. */
function stageError(name: StageName, err: unknown, work: string, log: string): unknown {
  if (!(err instanceof CommandError)) return err;
  return new DebvisorError('E_BUILD_STAGE', `stage ${name} failed: ${err.argv.join(' ')} exited with ${err.exitCode ?? 'no code'}`, {
    hint: `its work directory is kept at ${work}; the whole log is ${log}`,
    details: err.stderrTail,
  });
}

/** Pure: the stages this build has, in order (kernel only for custom kernels, netboot when asked for). */
export function planStages(ctx: Pick<BuildContext, 'spec'>, table: readonly Stage[] = STAGE_TABLE): Stage[] {
  return table.filter((s) => !s.enabled || s.enabled(ctx as BuildContext));
}

/** A progress reporter that emits a stage's progress when the whole percent changed, at most every `intervalMs`. */
export function throttledProgress(events: Emitter, intervalMs = PROGRESS_INTERVAL_MS, now: () => number = Date.now): BuildContext['progress'] {
  let last = { stage: '', pct: -1, message: '', at: 0 };
  return (stage, fraction, message) => {
    const pct = fraction === undefined ? -1 : Math.round(Math.min(Math.max(fraction, 0), 1) * 100);
    const t = now();
    const changed = stage !== last.stage || (pct !== last.pct && t - last.at >= intervalMs) || (message !== last.message && t - last.at >= intervalMs);
    if (!changed) return;
    last = { stage, pct, message, at: t };
    events.info(`${stage}: ${message}`, { step: stage, ...(pct >= 0 ? { progress: pct / 100 } : {}), data: { kind: 'progress' } });
  };
}

/** One stage: reused when its key and output are there, else run; its key handed on to later stages. */
async function runStage(ctx: BuildContext, stage: Stage, save: () => void): Promise<StageReport> {
  const t0 = Date.now();
  const { name } = stage;
  if (stage.always) {
    ctx.events.info(`${name}: running (always)`, { step: name, progress: STAGES.indexOf(name) / STAGES.length });
    await stage.run(ctx, join(ctx.logs, `${name}.log`), '');
    save();
    return { name, status: 'ran', reason: 'always (checksums and report)', durationMs: Date.now() - t0, key: '' };
  }
  const inputs = await stage.inputs(ctx);
  const key = stageKey(inputs);
  const previous = ctx.state.stages[name];
  const exists = stage.done(ctx, key);
  const d = stage.keyed ? decideKeyed(name, inputs, previous, exists) : decide(name, inputs, previous, exists);
  ctx.events.info(`${name}: ${d.run ? 'running' : 'reused'} (${d.reason})`, { step: name, progress: STAGES.indexOf(name) / STAGES.length });
  if (d.run) {
    const log = join(ctx.logs, `${name}.log`);
    rmSync(log, { force: true });
    try {
      await stage.run(ctx, log, key);
    } catch (err) {
      delete ctx.state.stages[name];
      save();
      throw stageError(name, err, ctx.work, log);
    }
    ctx.state.stages[name] = { key, inputs };
    save();
  }
  ctx.keys[name] = key;
  stage.collect?.(ctx, key);
  const parts = d.run ? ctx.parts?.[name] : undefined;
  return { name, status: d.run ? 'ran' : 'cached', reason: d.reason, durationMs: Date.now() - t0, key, ...(parts ? { parts } : {}) };
}

/**
 * Runs the stages of the table, each as soon as the stages it comes `after` are done (so the
 * .deb is packed while the bootstrap runs); the reports in table order. When a stage fails, the
 * others that were running finish first, then the first failure in table order is thrown.
 */
export async function runStages(ctx: BuildContext, stages: Stage[], statePath: string): Promise<StageReport[]> {
  const save = () => writeFileSync(statePath, JSON.stringify(ctx.state, null, 2));
  const running = new Map<StageName, Promise<StageReport>>();
  for (const stage of stages) {
    const before = stage.after.map((n) => running.get(n)).filter((p) => p !== undefined);
    running.set(
      stage.name,
      Promise.all(before).then(() => runStage(ctx, stage, save)),
    );
  }
  const settled = await Promise.allSettled(running.values());
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<StageReport>).value);
}

/** The build: the stage table run in order, each stage reused when its inputs did not change. */
export async function build(opts: BuildOptions): Promise<BuildResult> {
  const started = Date.now();
  const events = (opts.events ?? silentEmitter).stage('build');
  const repo = resolve(opts.repo);
  const { spec, file: specFile } = loadBuildSpec(opts.spec, repo);
  if (process.getuid?.() !== 0)
    throw new DebvisorError('E_BUILD_ROOT', 'building the ISO needs root (mmdebstrap and chroots); nothing was built', {
      hint: 'run it as root, for example sudo npm run iso',
    });
  const version = readVersion(repo);
  const work = resolve(opts.work ?? join(repo, 'cache/build'));
  const out = resolve(opts.out);
  const lb = join(work, 'live-build');
  const logs = join(work, 'logs');
  mkdirSync(lb, { recursive: true });
  mkdirSync(logs, { recursive: true });
  mkdirSync(out, { recursive: true });
  const statePath = join(work, 'state.json');
  const state: BuildState = existsSync(statePath) ? (JSON.parse(readFileSync(statePath, 'utf8')) as BuildState) : { stages: {} };
  const epoch = await sourceDateEpoch(repo, IMAGE_SOURCES);
  const env = { ...(process.env as Record<string, string>), SOURCE_DATE_EPOCH: String(epoch), LC_ALL: 'C.UTF-8', DEBIAN_FRONTEND: 'noninteractive' };
  const tools = {
    'live-build': await toolVersion('live-build'),
    mmdebstrap: await toolVersion('mmdebstrap'),
    xorriso: await toolVersion('xorriso'),
    'squashfs-tools': await toolVersion('squashfs-tools'),
  };
  const debFile = debName(version);
  const progress = throttledProgress(events);
  const ctx: BuildContext = {
    repo,
    spec,
    version,
    work,
    out,
    lb,
    logs,
    kernelCache: resolve(opts.kernelCache ?? join(work, 'kernel')),
    epoch,
    // The .deb's dates come from the last commit that touched the tools, the packages layer's
    // from the last that touched what it is made of: a commit of an include keeps both.
    debEpoch: await sourceDateEpoch(repo, TOOL_SOURCES),
    layerEpoch: await sourceDateEpoch(repo, LAYER_SOURCES),
    env,
    tools,
    events,
    debFile,
    debPath: join(work, 'deb', debFile),
    lbIso: join(lb, `${imageName(spec, version)}-amd64.hybrid.iso`),
    signingKey: opts.signingKey ?? spec.signingKey,
    state,
    keys: {},
    artefacts: [],
    progress,
    lbRun: (args, log, envOver) => {
      const parse = createProgressParser();
      const step = STAGES.find((s) => log.endsWith(`/${s}.log`)) ?? 'build';
      return run(['lb', ...args], {
        cwd: lb,
        env: envOver ?? env,
        logFile: log,
        events,
        onLine: (line) => {
          const u = parse(line);
          if (u) progress(step as StageName, u.fraction, u.message);
        },
      });
    },
  };
  // A build cut short while the binary tools' root stood in for the live chroot: the live chroot
  // back before any stage looks at it (the tools' root is dropped and made again by its stage).
  if (recoverFromSwap(lb, binaryToolsDir(ctx))) events.warn('the live chroot was put back after a build cut short in its binary stage', { step: 'build' });
  const reports = await runStages(ctx, planStages(ctx), statePath);

  const report: BuildReport = {
    name: spec.name,
    version,
    spec: specFile,
    sourceDateEpoch: epoch,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    stages: reports,
    cacheHits: reports.filter((r) => r.status === 'cached').length,
    tools,
    ...(state.kernel
      ? {
          kernel: {
            source: spec.kernel.source,
            version: state.kernel.version,
            fragment: {
              satisfied: state.kernel.fragment.satisfied.length,
              satisfiedOptions: state.kernel.fragment.satisfied,
              differing: state.kernel.fragment.differing,
            },
            ...(ctx.kernel ? { build: ctx.kernel.build } : {}),
          },
        }
      : {}),
    packages: parsePackageList(state.packages ?? ''),
    artefacts: ctx.artefacts,
    workDir: work,
    source: await sourceState(repo),
  };
  const reportPath = join(out, 'build-report.json');
  writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  events.info(`done in ${Math.round(report.durationMs / 1000)} s: ${report.cacheHits} stages reused`, { step: 'release', progress: 1 });
  const iso = isoPath(ctx);
  return { reportPath, report, ...(spec.outputs.iso ? { iso } : {}) };
}

import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DebvisorError } from '../core/errors.js';
import { silentEmitter, type Emitter } from '../core/events.js';
import { run, CommandError } from '../core/run.js';
import { loadBuildSpec } from './spec.js';
import { buildDeb, debName, readVersion } from './deb.js';
import { fileSha256, hashFiles, sha256 } from './sources.js';
import { lbConfigArgs, liveBuildFiles, mirrorOf, imageName, cmdline, LIVE_UNIT, LIVE_MODE_SCRIPT, SQUASHFS_EXCLUDES, type LbFile } from './live-build.js';
import { decide, decideKeyed, stageKey, type Inputs, type StageRecord } from './stage-cache.js';
import { ipxeScript, parsePackageList, sha256sums, spdxSbom, type Artefact } from './release.js';
import { checkFragment, parseKernelConfig, type FragmentCheck } from './kernel-config.js';
import { fetchKernelInputs, prepareKernelConfig } from './kernel-source.js';
import { buildKernelPackages, kernelPackages, kernelStageInputs, readKernelManifest, toolchainVersions, type KernelManifest } from './kernel-build.js';
import { listFiles, TOOL_SOURCES } from './sources.js';

export const STAGES = ['package-deb', 'kernel', 'bootstrap', 'chroot', 'binary', 'netboot', 'release'] as const;
export type StageName = (typeof STAGES)[number];

/** Appended to the kernel release of a custom kernel: `uname -r` says 6.12.x-debvisor. */
export const KERNEL_LOCALVERSION = '-debvisor';

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
}

interface State {
  stages: Partial<Record<StageName, StageRecord>>;
  kernel?: { version: string; fragment: FragmentCheck };
  packages?: string;
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
    build?: { base: string; sourcePackage: string; configPackage: string; toolchain: Record<string, string>; key: string; packageVersion: string; packages: { name: string; file: string; bytes: number; sha256: string }[] };
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

function writeLbFiles(lb: string, files: LbFile[]): void {
  for (const f of files) {
    const p = join(lb, f.path);
    mkdirSync(resolve(p, '..'), { recursive: true });
    writeFileSync(p, f.content);
    chmodSync(p, f.mode);
  }
}

/** Directories of the live-build tree that are ours alone: emptied before each write so a file taken out of the build leaves it. */
const OWNED_LB_DIRS = ['config/package-lists', 'config/packages.chroot', 'config/includes.chroot', 'config/bootloaders'];

function clearOwnedLbFiles(lb: string): void {
  for (const d of OWNED_LB_DIRS) rmSync(join(lb, d), { recursive: true, force: true });
  // live-build's own hooks are symlinks into /usr/share/live/build; ours are plain files.
  const hooks = join(lb, 'config/hooks/normal');
  if (existsSync(hooks)) for (const f of readdirSync(hooks)) if (!lstatSync(join(hooks, f)).isSymbolicLink()) rmSync(join(hooks, f));
}

function hashLbFiles(files: LbFile[], prefix: string): string {
  return sha256(JSON.stringify(files.filter((f) => f.path.startsWith(prefix)).map((f) => [f.path, sha256(f.content), f.mode])));
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

/** The build: a flat list of stages, each reused when its inputs did not change. */
export async function build(opts: BuildOptions): Promise<BuildResult> {
  const started = Date.now();
  const events = (opts.events ?? silentEmitter).stage('build');
  const repo = resolve(opts.repo);
  const { spec, file: specFile } = loadBuildSpec(opts.spec, repo);
  if (process.getuid?.() !== 0) throw new DebvisorError('E_BUILD_ROOT', 'building the ISO needs root (debootstrap and chroots); nothing was built', { hint: 'run it as root, for example sudo npm run iso' });
  const version = readVersion(repo);
  const work = resolve(opts.work ?? join(repo, 'cache/build'));
  const out = resolve(opts.out);
  const lb = join(work, 'live-build');
  const logs = join(work, 'logs');
  mkdirSync(lb, { recursive: true });
  mkdirSync(logs, { recursive: true });
  mkdirSync(out, { recursive: true });
  const statePath = join(work, 'state.json');
  const state: State = existsSync(statePath) ? (JSON.parse(readFileSync(statePath, 'utf8')) as State) : { stages: {} };
  const epoch = await sourceDateEpoch(repo, IMAGE_SOURCES);
  const env = { ...(process.env as Record<string, string>), SOURCE_DATE_EPOCH: String(epoch), LC_ALL: 'C.UTF-8', DEBIAN_FRONTEND: 'noninteractive' };
  const tools = {
    'live-build': await toolVersion('live-build'),
    debootstrap: await toolVersion('debootstrap'),
    xorriso: await toolVersion('xorriso'),
    'squashfs-tools': await toolVersion('squashfs-tools'),
  };
  const reports: StageReport[] = [];
  const debFile = debName(version);
  const debPath = join(work, 'deb', debFile);
  const isoName = `${imageName(spec, version)}-amd64.hybrid.iso`;
  const lbIso = join(lb, isoName);

  /** `keyed`: the output is kept per key (kernel packages), so any earlier build of these inputs counts. */
  const stage = async (name: StageName, inputs: Inputs, outputExists: boolean, action: (log: string) => Promise<void>, keyed = false): Promise<void> => {
    const key = stageKey(inputs);
    const d = keyed ? decideKeyed(name, inputs, state.stages[name], outputExists) : decide(name, inputs, state.stages[name], outputExists);
    const t0 = Date.now();
    events.info(`${name}: ${d.run ? 'running' : 'reused'} (${d.reason})`, { step: name, progress: STAGES.indexOf(name) / STAGES.length });
    if (d.run) {
      const log = join(logs, `${name}.log`);
      rmSync(log, { force: true });
      try {
        await action(log);
      } catch (err) {
        delete state.stages[name];
        writeFileSync(statePath, JSON.stringify(state, null, 2));
        throw stageError(name, err, work, log);
      }
      state.stages[name] = { key, inputs };
      writeFileSync(statePath, JSON.stringify(state, null, 2));
    }
    reports.push({ name, status: d.run ? 'ran' : 'cached', reason: d.reason, durationMs: Date.now() - t0, key });
  };

  const lbRun = (args: string[], log: string) => run(['lb', ...args], { cwd: lb, env, logFile: log, events });
  const configure = async (files: LbFile[], log: string) => {
    clearOwnedLbFiles(lb);
    await lbRun(['config', ...lbConfigArgs(spec, version, kernel?.release)], log);
    writeLbFiles(lb, files);
  };

  // 1. DebVisor's own tools as a Debian package. Its dates come from the last commit that
  // touched the tools, so a commit of docs alone does not change the package (and the chroot).
  const debEpoch = await sourceDateEpoch(repo, TOOL_SOURCES);
  await stage('package-deb', { sources: hashFiles(repo, TOOL_SOURCES), version, epoch: String(debEpoch) }, existsSync(debPath), async (log) => {
    await buildDeb({ repo, work, outDir: join(work, 'deb'), version, env: { ...env, SOURCE_DATE_EPOCH: String(debEpoch) }, logFile: log, events });
  });

  // 2. The custom kernel (kernel.source: custom): Debian's source, the base config plus the
  // fragment settled and checked, then `make bindeb-pkg`. Packages are kept per key (source,
  // settled config, toolchain), so going back to an earlier configuration costs nothing.
  let kernel: KernelManifest | undefined;
  let kernelDir = '';
  let kernelBuild: NonNullable<BuildReport['kernel']>['build'];
  if (spec.kernel.source === 'custom') {
    const kdir = resolve(opts.kernelCache ?? join(work, 'kernel'));
    const klog = join(logs, 'kernel-config.log');
    rmSync(klog, { force: true });
    const fragmentText = readFileSync(join(repo, spec.kernel.fragment), 'utf8');
    // The settled config is an input of the stage's key, so it is made before the decision.
    const prepared = await (async () => {
      const src = await fetchKernelInputs(mirrorOf(spec), spec.suite, kdir, klog, events);
      const obj = join(kdir, 'build', `${src.versions.source}-${spec.kernel.base}`, 'obj');
      await prepareKernelConfig(src.source, obj, spec.kernel.base === 'debian' ? { debian: src.config } : { target: 'x86_64_defconfig' }, fragmentText, klog, events);
      return { src, obj };
    })().catch((err: unknown) => {
      throw stageError('kernel', err, kdir, klog);
    });
    const { src, obj } = prepared;
    const toolchain = await toolchainVersions();
    const kernelInputs = kernelStageInputs(src, readFileSync(join(obj, '.config'), 'utf8'), toolchain, KERNEL_LOCALVERSION);
    const kkey = stageKey(kernelInputs);
    const packagesDir = join(kdir, 'packages');
    await stage('kernel', kernelInputs, readKernelManifest(join(packagesDir, kkey)) !== undefined, async (log) => {
      await buildKernelPackages({ source: src.source, obj, packagesDir, key: kkey, localVersion: KERNEL_LOCALVERSION, sourceVersion: src.versions.source, epoch, log, events });
    }, true);
    kernelDir = join(packagesDir, kkey);
    kernel = readKernelManifest(kernelDir)!;
    kernelBuild = {
      base: spec.kernel.base,
      sourcePackage: `linux-source-${src.versions.source}`,
      configPackage: `linux-config-${src.versions.config}`,
      toolchain,
      key: kkey,
      packageVersion: kernel.version,
      packages: kernelPackages(kernel),
    };
  }
  const kernelDebs = kernel ? kernelPackages(kernel).map((p) => ({ file: p.file, path: join(kernelDir, p.file) })) : [];
  const files = liveBuildFiles(spec, version, { repo, debPath, debFile, kernelDebs });

  // 3. debootstrap of the suite (live-build keeps it in cache/bootstrap).
  const bootstrapInputs: Inputs = { suite: spec.suite, mirror: mirrorOf(spec), 'live-build': tools['live-build'], debootstrap: tools.debootstrap };
  await stage('bootstrap', bootstrapInputs, existsSync(join(lb, 'cache/bootstrap')), async (log) => {
    await lbRun(['clean', '--purge'], log);
    await configure(files, log);
    await lbRun(['bootstrap'], log);
  });

  // 4. The live system: packages, the .deb, includes and hooks.
  const chrootInputs: Inputs = {
    bootstrap: stageKey(bootstrapInputs),
    'package lists': hashLbFiles(files, 'config/package-lists/'),
    'debvisor.deb': fileSha256(debPath),
    includes: sha256(hashLbFiles(files, 'config/includes.chroot/') + hashFiles(repo, ['iso/includes'])),
    hooks: sha256(hashLbFiles(files, 'config/hooks/') + hashFiles(repo, ['iso/hooks'])),
    'live unit': sha256(LIVE_UNIT + LIVE_MODE_SCRIPT),
    // Dates inside the live system (initramfs, generated files, file times) follow it.
    epoch: String(epoch),
    kernel: kernel ? `custom ${kernel.key}` : 'debian',
  };
  const repoIncludes: LbFile[] = [
    ...listFiles(repo, ['iso/includes']).map((f) => ({ path: `config/includes.chroot/${f.slice('iso/includes/'.length)}`, content: readFileSync(join(repo, f)), mode: statSync(join(repo, f)).mode & 0o777 })),
    ...listFiles(repo, ['iso/hooks']).map((f) => ({ path: `config/hooks/normal/${f.slice('iso/hooks/'.length)}`, content: readFileSync(join(repo, f)), mode: 0o755 })),
  ];
  const allFiles = [...files, ...repoIncludes];
  await stage('chroot', chrootInputs, existsSync(join(lb, 'chroot/usr/bin/debvisor')), async (log) => {
    await lbRun(['clean', '--chroot', '--binary', '--stage'], log);
    await configure(allFiles, log);
    await lbRun(['bootstrap'], log);
    // The bootstrap may come from live-build's cache, made before this commit: its file times
    // would then differ from a cold build's. Every file starts at SOURCE_DATE_EPOCH instead;
    // what the chroot stage adds is newer and clamped to it by mksquashfs and mkinitramfs.
    await run(['find', join(lb, 'chroot'), '-xdev', '-exec', 'touch', '--no-dereference', '-d', `@${epoch}`, '{}', '+'], { logFile: log, events });
    await lbRun(['chroot'], log);
    const configs = readdirSync(join(lb, 'chroot/boot')).filter((f) => f.startsWith('config-')).sort();
    // Without an initrd the binary stage fails much later with live-build's "unexpected failure".
    for (const c of configs) {
      const release = c.replace('config-', '');
      if (!existsSync(join(lb, 'chroot/boot', `initrd.img-${release}`))) {
        throw new DebvisorError('E_BUILD_STAGE', `stage chroot: the live system has kernel ${release} but no initrd for it`, {
          hint: `see ${log} for update-initramfs; the work directory is kept at ${work}`,
        });
      }
    }
    const fragment = parseKernelConfig(readFileSync(join(repo, spec.kernel.fragment), 'utf8'));
    const last = configs[configs.length - 1];
    if (last) state.kernel = { version: last.replace('config-', ''), fragment: checkFragment(parseKernelConfig(readFileSync(join(lb, 'chroot/boot', last), 'utf8')), fragment) };
    state.packages = readFileSync(join(lb, 'chroot.packages.live'), 'utf8');
  });

  // 5. The hybrid ISO: squashfs, boot menus for BIOS and UEFI.
  const binaryInputs: Inputs = {
    chroot: stageKey(chrootInputs),
    'boot menu': sha256(JSON.stringify(spec.boot) + hashFiles(repo, ['builder/templates'])),
    compression: `${spec.squashfs.compression}${spec.squashfs.level ?? ''}`,
    'squashfs excludes': sha256(SQUASHFS_EXCLUDES),
    image: `${spec.name}-${version}`,
    epoch: String(epoch),
    xorriso: tools.xorriso,
  };
  await stage('binary', binaryInputs, existsSync(lbIso), async (log) => {
    await lbRun(['clean', '--binary'], log);
    await configure(allFiles, log);
    await lbRun(['binary'], log);
  });

  // 6. Netboot files beside the ISO.
  const netDir = join(out, 'netboot');
  const def = spec.boot.entries.find((e) => e.id === spec.boot.default)!;
  const ipxe = ipxeScript(cmdline(spec, def));
  if (spec.outputs.netboot) {
    await stage('netboot', { binary: stageKey(binaryInputs), ipxe: sha256(ipxe) }, existsSync(join(netDir, 'filesystem.squashfs')), async () => {
      mkdirSync(netDir, { recursive: true });
      for (const f of ['vmlinuz', 'initrd.img', 'filesystem.squashfs']) copyFileSync(join(lb, 'binary/live', f), join(netDir, f));
      writeFileSync(join(netDir, 'boot.ipxe'), ipxe);
    });
  }

  // 7. Release files: ISO, checksums, SBOM, signature, report.
  const t0 = Date.now();
  const artefacts: Artefact[] = [];
  const add = (path: string) => artefacts.push({ path, bytes: statSync(path).size, sha256: fileSha256(path) });
  const iso = join(out, `${spec.name}-${version}-amd64.iso`);
  if (spec.outputs.iso) {
    if (!existsSync(iso) || fileSha256(iso) !== fileSha256(lbIso)) copyFileSync(lbIso, iso);
    add(iso);
  }
  const deb = join(out, debFile);
  copyFileSync(debPath, deb);
  add(deb);
  if (spec.outputs.netboot) for (const f of ['vmlinuz', 'initrd.img', 'filesystem.squashfs', 'boot.ipxe']) add(join(netDir, f));
  const packages = parsePackageList(state.packages ?? '');
  if (spec.outputs.sbom) {
    const sbom = join(out, `${spec.name}-${version}.spdx.json`);
    writeFileSync(sbom, `${JSON.stringify(spdxSbom(spec.name, version, new Date(epoch * 1000).toISOString(), packages, stageKey(binaryInputs).slice(0, 16)), null, 2)}\n`);
    add(sbom);
  }
  const sums = join(out, 'SHA256SUMS');
  writeFileSync(sums, sha256sums(artefacts, out));
  const signingKey = opts.signingKey ?? spec.signingKey;
  if (signingKey) {
    rmSync(`${sums}.sign`, { force: true });
    await run(['gpg', '--batch', '--yes', '--local-user', signingKey, '--armor', '--detach-sign', '--output', `${sums}.sign`, sums], { events });
  }
  reports.push({ name: 'release', status: 'ran', reason: 'always (checksums and report)', durationMs: Date.now() - t0, key: '' });

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
            fragment: { satisfied: state.kernel.fragment.satisfied.length, satisfiedOptions: state.kernel.fragment.satisfied, differing: state.kernel.fragment.differing },
            ...(kernelBuild ? { build: kernelBuild } : {}),
          },
        }
      : {}),
    packages,
    artefacts,
    workDir: work,
    source: await sourceState(repo),
  };
  const reportPath = join(out, 'build-report.json');
  writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  events.info(`done in ${Math.round(report.durationMs / 1000)} s: ${report.cacheHits} stages reused`, { step: 'release', progress: 1 });
  return { reportPath, report, ...(spec.outputs.iso ? { iso } : {}) };
}

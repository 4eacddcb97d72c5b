import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DebvisorError } from '../../core/errors.js';
import { CommandError } from '../../core/run.js';
import { buildKernelPackages, kernelPackages, kernelStageInputs, readKernelManifest, toolchainVersions } from '../kernel-build.js';
import { fetchKernelInputs, prepareKernelConfig, type KernelInputs } from '../kernel-source.js';
import { mirrorOf } from '../live-build.js';
import type { BuildContext, Stage } from './stage.js';

/** Appended to the kernel release of a custom kernel: `uname -r` says 6.12.x-debvisor. */
export const KERNEL_LOCALVERSION = '-debvisor';

interface Prepared {
  src: KernelInputs;
  obj: string;
  toolchain: Record<string, string>;
}

/** The sources fetched and the config settled while computing the inputs, for run() and collect(). */
const prepared = new WeakMap<BuildContext, Prepared>();
const packagesDir = (ctx: BuildContext) => join(ctx.kernelCache, 'packages');

/**
 * The custom kernel (kernel.source: custom): Debian's source, the base config plus the fragment
 * settled and checked, then `make bindeb-pkg`. Packages are kept per key (source, settled
 * config, toolchain), so going back to an earlier configuration costs nothing.
 */
export const kernel: Stage = {
  name: 'kernel',
  summary: 'compile the custom kernel from Debian’s source with the settled config (make bindeb-pkg)',
  after: [],
  enabled: (ctx) => ctx.spec.kernel.source === 'custom',
  keyed: true,
  // The settled config is an input of the key, so it is made before the decision.
  inputs: async (ctx) => {
    const klog = join(ctx.logs, 'kernel-config.log');
    rmSync(klog, { force: true });
    const fragmentText = readFileSync(join(ctx.repo, ctx.spec.kernel.fragment), 'utf8');
    try {
      const src = await fetchKernelInputs(mirrorOf(ctx.spec), ctx.spec.suite, ctx.kernelCache, klog, ctx.events);
      const obj = join(ctx.kernelCache, 'build', `${src.versions.source}-${ctx.spec.kernel.base}`, 'obj');
      await prepareKernelConfig(
        src.source,
        obj,
        ctx.spec.kernel.base === 'debian' ? { debian: src.config } : { target: 'x86_64_defconfig' },
        fragmentText,
        klog,
        ctx.events,
      );
      const toolchain = await toolchainVersions();
      prepared.set(ctx, { src, obj, toolchain });
      return kernelStageInputs(src, readFileSync(join(obj, '.config'), 'utf8'), toolchain, KERNEL_LOCALVERSION);
    } catch (err) {
      if (!(err instanceof CommandError)) throw err;
      throw new DebvisorError('E_BUILD_STAGE', `stage kernel failed: ${err.argv.join(' ')} exited with ${err.exitCode ?? 'no code'}`, {
        hint: `its work directory is kept at ${ctx.kernelCache}; the whole log is ${klog}`,
        details: err.stderrTail,
      });
    }
  },
  done: (ctx, key) => readKernelManifest(join(packagesDir(ctx), key)) !== undefined,
  run: async (ctx, log, key) => {
    const p = prepared.get(ctx)!;
    await buildKernelPackages({
      source: p.src.source,
      obj: p.obj,
      packagesDir: packagesDir(ctx),
      key,
      localVersion: KERNEL_LOCALVERSION,
      sourceVersion: p.src.versions.source,
      epoch: ctx.epoch,
      log,
      events: ctx.events,
    });
  },
  collect: (ctx, key) => {
    const p = prepared.get(ctx)!;
    const dir = join(packagesDir(ctx), key);
    const manifest = readKernelManifest(dir)!;
    ctx.kernel = {
      manifest,
      dir,
      build: {
        base: ctx.spec.kernel.base,
        sourcePackage: `linux-source-${p.src.versions.source}`,
        configPackage: `linux-config-${p.src.versions.config}`,
        toolchain: p.toolchain,
        key,
        packageVersion: manifest.version,
        packages: kernelPackages(manifest),
      },
    };
  },
};

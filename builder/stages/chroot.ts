import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DebvisorError } from '../../core/errors.js';
import { run } from '../../core/run.js';
import { checkFragment, parseKernelConfig } from '../kernel-config.js';
import { configure, hashLbFiles, imageLbFiles } from '../lb-tree.js';
import { haveInitramfs, initramfsInputs, restoreLiveInitramfs, restoreNodeInitramfs, saveInitramfs } from '../initramfs-cache.js';
import { lbConfigArgs } from '../live-build.js';
import { applyPackagesLayer, chrootEnv, installList, layerFiles, layerInputs, writeFileList, writePackageList } from '../packages-layer.js';
import { fileSha256 } from '../sources.js';
import { stageKey } from '../stage-cache.js';
import type { BuildContext, Stage } from './stage.js';

/** The kernel's config checked against the fragment, and the package list, for the report. */
function collectChroot(ctx: BuildContext, log: string): void {
  const boot = join(ctx.lb, 'chroot/boot');
  const configs = readdirSync(boot)
    .filter((f) => f.startsWith('config-'))
    .sort();
  // Without an initrd the binary stage fails much later with live-build's "unexpected failure".
  for (const c of configs) {
    const release = c.replace('config-', '');
    if (!existsSync(join(boot, `initrd.img-${release}`))) {
      throw new DebvisorError('E_BUILD_STAGE', `stage chroot: the live system has kernel ${release} but no initrd for it`, {
        hint: `see ${log} for update-initramfs; the work directory is kept at ${ctx.work}`,
      });
    }
  }
  const fragment = parseKernelConfig(readFileSync(join(ctx.repo, ctx.spec.kernel.fragment), 'utf8'));
  const last = configs[configs.length - 1];
  if (last)
    ctx.state.kernel = { version: last.replace('config-', ''), fragment: checkFragment(parseKernelConfig(readFileSync(join(boot, last), 'utf8')), fragment) };
  ctx.state.packages = readFileSync(join(ctx.lb, 'chroot.packages.live'), 'utf8');
}

/**
 * The live system, in two layers: the packages layer (kept by its own key, see
 * packages-layer.ts), then the overlay on top: the tools' .deb, the includes, the hooks and
 * live-build's hacks (the initramfs made again, or both initramfs images put back from
 * <work>/initramfs/ when nothing they are made from changed: initramfs-cache.ts), as
 * live-build's own chroot stage orders them.
 */
export const chroot: Stage = {
  name: 'chroot',
  summary: 'the live system: the packages layer (kept), then the .deb, includes (iso/includes/) and hooks on top',
  after: ['package-deb', 'kernel', 'bootstrap'],
  inputs: (ctx) => {
    const all = imageLbFiles(ctx);
    return {
      'packages layer': stageKey(layerInputs(ctx, layerFiles(all, ctx.debFile))),
      'debvisor.deb': fileSha256(ctx.debPath),
      includes: hashLbFiles(all, 'config/includes.chroot/'),
      hooks: hashLbFiles(all, 'config/hooks/'),
      // Dates inside the live system (initramfs, generated files, file times) follow it.
      epoch: String(ctx.epoch),
      // A binary stage before the squashfs moved into the tools' root left the binary archives
      // (package lists, the local repository) in the live chroot, which the next squashfs would
      // pack: such a chroot is made again once.
      'after the binary stage': 'untouched',
    };
  },
  done: (ctx) => existsSync(join(ctx.lb, 'chroot/usr/bin/debvisor')),
  run: async (ctx, log) => {
    const layer = await applyPackagesLayer(ctx, log);
    ctx.events.info(`chroot: packages layer ${layer.reused ? 'reused' : 'made and kept'} (${layer.key.slice(0, 12)})`, { step: 'chroot' });
    const files = imageLbFiles(ctx);
    await configure(ctx, files, log);
    ctx.progress('chroot', 0.85, 'installing the tools, includes and hooks');
    await ctx.lbRun(['chroot_prep', 'install', 'all-except-archives'], log);
    const inChroot = join(ctx.lb, 'chroot/root', ctx.debFile);
    copyFileSync(ctx.debPath, inChroot);
    await run(['chroot', join(ctx.lb, 'chroot'), 'dpkg', '-i', `/root/${ctx.debFile}`], { env: chrootEnv(ctx), logFile: log, events: ctx.events });
    rmSync(inChroot);
    const chrootDir = join(ctx.lb, 'chroot');
    const initramfs = {
      dir: join(ctx.work, 'initramfs'),
      key: stageKey(
        initramfsInputs({
          layerKey: layer.key,
          debSha256: fileSha256(ctx.debPath),
          files,
          epoch: ctx.epoch,
          lbConfig: lbConfigArgs(ctx.spec, ctx.version, ctx.kernel?.manifest.release),
        }),
      ),
    };
    const reuse = haveInitramfs(initramfs);
    if (reuse) restoreNodeInitramfs(initramfs, chrootDir);
    for (const step of ['chroot_includes_after_packages', 'chroot_hooks']) await ctx.lbRun([step], log);
    if (reuse) restoreLiveInitramfs(initramfs, chrootDir);
    ctx.progress('chroot', 0.92, reuse ? 'initramfs images reused (nothing they are made from changed)' : 'making the initramfs again (live-build hacks)');
    await ctx.lbRun(['chroot_hacks'], log);
    if (!reuse) saveInitramfs(initramfs, chrootDir);
    ctx.events.info(`chroot: initramfs images ${reuse ? 'reused' : 'made and kept'} (${initramfs.key.slice(0, 12)})`, { step: 'chroot' });
    ctx.parts = { ...ctx.parts, chroot: { 'packages layer': layer.reused ? 'reused' : 'made', initramfs: reuse ? 'reused' : 'made' } };
    await ctx.lbRun(['chroot_interactive'], log);
    await writePackageList(ctx, 'chroot.packages.live', log);
    const lists = (f: string) => readFileSync(join(ctx.lb, f), 'utf8');
    writeFileSync(join(ctx.lb, 'chroot.packages.install'), installList(lists('chroot.packages.live'), lists('chroot.packages.install'), ['debvisor']));
    await ctx.lbRun(['chroot_prep', 'remove', 'all-except-archives'], log);
    await writeFileList(ctx);
    collectChroot(ctx, log);
  },
};

import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../core/run.js';
import {
  CLAMP_BINARY_TIMES,
  LB_BINARY_LEAVE,
  LB_BINARY_LEAVE_STAGEFILE,
  LB_BINARY_ON_LIVE,
  LB_BINARY_ON_TOOLS_BEFORE_ISO,
  LB_BINARY_ON_TOOLS_FROM_ISO,
  LIVE_ASIDE,
  LIVE_IN_TOOLS,
  liveIntoTools,
  liveOutOfTools,
  mksquashfsArgv,
  swapInTools,
  swapOutTools,
} from '../binary-tools.js';
import { configure, imageLbFiles } from '../lb-tree.js';
import { lbConfigGroups, SQUASHFS_EXCLUDES } from '../live-build.js';
import { squashfsProgress, treeBytes } from '../progress.js';
import { hashFiles, sha256 } from '../sources.js';
import { binaryToolsDir } from './binary-tools.js';
import type { BuildContext, Stage } from './stage.js';

/** How often the squashfs's progress is measured while mksquashfs runs. */
export const SQUASHFS_POLL_MS = 2000;

/**
 * binary_chroot and binary_rootfs in the tools' root (standing in for the live chroot): the live
 * chroot at /chroot inside it, mksquashfs with binary_rootfs's options, the image to
 * binary/live/. The live chroot is back aside before this returns or throws.
 */
async function packSquashfs(ctx: BuildContext, log: string): Promise<void> {
  const root = join(ctx.lb, 'chroot');
  const image = join(root, 'filesystem.squashfs');
  rmSync(image, { force: true });
  copyFileSync(join(ctx.lb, 'config/rootfs/excludes'), join(root, 'excludes'));
  const total = treeBytes(join(ctx.lb, LIVE_ASIDE));
  liveIntoTools(ctx.lb);
  let last = -1;
  const poll = setInterval(() => {
    const f = squashfsProgress(root, total);
    if (f === undefined || Math.round(f * 100) === last) return;
    last = Math.round(f * 100);
    ctx.progress('binary', f * 0.8, `packing the squashfs: ${last}%`);
  }, SQUASHFS_POLL_MS);
  try {
    await run(['chroot', root, ...mksquashfsArgv(ctx.spec.squashfs, ctx.epoch)], { cwd: ctx.lb, logFile: log, events: ctx.events });
  } finally {
    clearInterval(poll);
    liveOutOfTools(ctx.lb);
    rmSync(join(root, 'excludes'), { force: true });
  }
  mkdirSync(join(ctx.lb, 'binary/live'), { recursive: true });
  renameSync(image, join(ctx.lb, 'binary/live/filesystem.squashfs'));
  chmodSync(join(ctx.lb, 'binary/live/filesystem.squashfs'), 0o644);
}

/** The hybrid ISO: squashfs, boot menus for BIOS and UEFI. */
export const binary: Stage = {
  name: 'binary',
  summary: 'the squashfs and the hybrid ISO with the boot menus (ISOLINUX for BIOS, GRUB for UEFI)',
  after: ['chroot', 'binary-tools'],
  inputs: (ctx) => ({
    chroot: ctx.keys.chroot ?? '',
    'binary tools': ctx.keys['binary-tools'] ?? '',
    'lb binary steps': sha256(
      JSON.stringify([
        LB_BINARY_ON_LIVE,
        mksquashfsArgv(ctx.spec.squashfs, ctx.epoch),
        LB_BINARY_ON_TOOLS_BEFORE_ISO,
        CLAMP_BINARY_TIMES,
        LB_BINARY_ON_TOOLS_FROM_ISO,
        LB_BINARY_LEAVE,
      ]),
    ),
    // Compression, level, volume id, image name, kernel command line and the rest of live-build's binary settings.
    'lb config (binary)': sha256(JSON.stringify(lbConfigGroups(ctx.spec, ctx.version, ctx.kernel?.manifest.release).binary)),
    'boot menu': sha256(JSON.stringify(ctx.spec.boot) + hashFiles(ctx.repo, ['builder/templates'])),
    'squashfs excludes': sha256(SQUASHFS_EXCLUDES),
    epoch: String(ctx.epoch),
    xorriso: ctx.tools.xorriso!,
    'squashfs-tools': ctx.tools['squashfs-tools']!,
  }),
  done: (ctx) => existsSync(ctx.lbIso),
  run: async (ctx, log) => {
    await ctx.lbRun(['clean', '--binary'], log);
    await configure(ctx, imageLbFiles(ctx), log);
    // binary_rootfs makes it; binary_manifest, which now runs first, writes into it.
    mkdirSync(join(ctx.lb, 'binary/live'), { recursive: true });
    const tools = binaryToolsDir(ctx);
    const lbSteps = async (steps: readonly string[][]) => {
      for (const step of steps) await ctx.lbRun(step, log);
    };
    // The archives stay configured in the root (no `apt update` to remove them); their stage file
    // goes, or the next root (made again after a failure) would be left without package lists.
    const leave = async () => {
      rmSync(join(ctx.lb, LB_BINARY_LEAVE_STAGEFILE), { force: true });
      await lbSteps(LB_BINARY_LEAVE);
    };
    // Nothing is mounted or installed in the live chroot: a failure here leaves nothing to undo.
    await lbSteps(LB_BINARY_ON_LIVE);
    swapInTools(ctx.lb, tools);
    let failed = false;
    try {
      await packSquashfs(ctx, log);
      ctx.progress('binary', 0.8, 'boot loaders and the ISO (in the binary tools’ root)');
      await lbSteps(LB_BINARY_ON_TOOLS_BEFORE_ISO);
      await run(['sh', '-c', CLAMP_BINARY_TIMES], { cwd: ctx.lb, env: ctx.env, logFile: log });
      await lbSteps(LB_BINARY_ON_TOOLS_FROM_ISO);
      await leave();
    } catch (err) {
      failed = true;
      // The mounts come off, as live-build's own clean exit does (and so the swap can be undone).
      await leave().catch(() => undefined);
      throw err;
    } finally {
      // packSquashfs put the live chroot back aside; if it could not, nothing is moved or dropped.
      if (existsSync(join(ctx.lb, LIVE_ASIDE)) && !existsSync(join(ctx.lb, LIVE_IN_TOOLS))) {
        swapOutTools(ctx.lb, tools);
        // A step that failed in the root may have left its tree there (binary/, grub-efi-temp): made again next time.
        if (failed) rmSync(tools, { recursive: true, force: true });
      }
    }
  },
};

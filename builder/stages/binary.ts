import { existsSync, rmSync } from 'node:fs';
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
  swapInTools,
  swapOutTools,
} from '../binary-tools.js';
import { configure, imageLbFiles } from '../lb-tree.js';
import { lbConfigGroups, SQUASHFS_EXCLUDES } from '../live-build.js';
import { squashfsProgress, treeBytes } from '../progress.js';
import { hashFiles, sha256 } from '../sources.js';
import { binaryToolsDir } from './binary-tools.js';
import type { Stage } from './stage.js';

/** How often the squashfs's progress is measured while mksquashfs runs. */
export const SQUASHFS_POLL_MS = 2000;

/** The hybrid ISO: squashfs, boot menus for BIOS and UEFI. */
export const binary: Stage = {
  name: 'binary',
  summary: 'the squashfs and the hybrid ISO with the boot menus (ISOLINUX for BIOS, GRUB for UEFI)',
  after: ['chroot', 'binary-tools'],
  inputs: (ctx) => ({
    chroot: ctx.keys.chroot ?? '',
    'binary tools': ctx.keys['binary-tools'] ?? '',
    'lb binary steps': sha256(
      JSON.stringify([LB_BINARY_ON_LIVE, LB_BINARY_LEAVE, LB_BINARY_ON_TOOLS_BEFORE_ISO, CLAMP_BINARY_TIMES, LB_BINARY_ON_TOOLS_FROM_ISO, LB_BINARY_LEAVE]),
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
    const total = treeBytes(join(ctx.lb, 'chroot'));
    let last = -1;
    const poll = setInterval(() => {
      const f = squashfsProgress(join(ctx.lb, 'chroot'), total);
      if (f === undefined || Math.round(f * 100) === last) return;
      last = Math.round(f * 100);
      ctx.progress('binary', f, `packing the squashfs: ${last}%`);
    }, SQUASHFS_POLL_MS);
    const tools = binaryToolsDir(ctx);
    const lbSteps = async (steps: readonly string[][]) => {
      for (const step of steps) await ctx.lbRun(step, log);
    };
    const leave = async () => {
      rmSync(join(ctx.lb, LB_BINARY_LEAVE_STAGEFILE), { force: true });
      await lbSteps(LB_BINARY_LEAVE);
    };
    // On a failure the mounts come off, as live-build's own clean exit does (and so the swap can be undone).
    const unmount = () => lbSteps(LB_BINARY_LEAVE).catch(() => undefined);
    try {
      await lbSteps(LB_BINARY_ON_LIVE);
      await leave();
    } catch (err) {
      await unmount();
      throw err;
    } finally {
      clearInterval(poll);
    }
    ctx.progress('binary', 0.8, 'boot loaders and the ISO (in the binary tools’ root)');
    swapInTools(ctx.lb, tools);
    let failed = false;
    try {
      await lbSteps(LB_BINARY_ON_TOOLS_BEFORE_ISO);
      await run(['sh', '-c', CLAMP_BINARY_TIMES], { cwd: ctx.lb, env: ctx.env, logFile: log });
      await lbSteps(LB_BINARY_ON_TOOLS_FROM_ISO);
      await leave();
    } catch (err) {
      failed = true;
      await unmount();
      throw err;
    } finally {
      if (existsSync(join(ctx.lb, LIVE_ASIDE))) {
        swapOutTools(ctx.lb, tools);
        // A step that failed in the root may have left its tree there (binary/, grub-efi-temp): made again next time.
        if (failed) rmSync(tools, { recursive: true, force: true });
      }
    }
  },
};

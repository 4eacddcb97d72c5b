import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { configure, imageLbFiles } from '../lb-tree.js';
import { lbConfigGroups, SQUASHFS_EXCLUDES } from '../live-build.js';
import { squashfsProgress, treeBytes } from '../progress.js';
import { hashFiles, sha256 } from '../sources.js';
import type { Stage } from './stage.js';

/** How often the squashfs's progress is measured while mksquashfs runs. */
export const SQUASHFS_POLL_MS = 2000;

/** The hybrid ISO: squashfs, boot menus for BIOS and UEFI. */
export const binary: Stage = {
  name: 'binary',
  summary: 'the squashfs and the hybrid ISO with the boot menus (ISOLINUX for BIOS, GRUB for UEFI)',
  after: ['chroot'],
  inputs: (ctx) => ({
    chroot: ctx.keys.chroot ?? '',
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
    try {
      await ctx.lbRun(['binary'], log);
    } finally {
      clearInterval(poll);
    }
  },
};

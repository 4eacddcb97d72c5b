import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { kernelPackages } from './kernel-build.js';
import { lbConfigArgs, liveBuildFiles, type LbFile } from './live-build.js';
import { listFiles, sha256 } from './sources.js';
import type { BuildContext } from './stages/stage.js';

/** Environment live-build gives every command in the chroot (its Chroot function reads it). */
export const LAYER_ENVIRONMENT = 'config/environment.chroot';
/** Directories of the live-build tree that are ours alone: emptied before each write so a file taken out of the build leaves it. */
const OWNED_LB_DIRS = ['config/package-lists', 'config/packages.chroot', 'config/includes.chroot', 'config/bootloaders'];

export function writeLbFiles(lb: string, files: LbFile[]): void {
  for (const f of files) {
    const p = join(lb, f.path);
    mkdirSync(resolve(p, '..'), { recursive: true });
    writeFileSync(p, f.content);
    chmodSync(p, f.mode);
  }
}

export function clearOwnedLbFiles(lb: string): void {
  for (const d of OWNED_LB_DIRS) rmSync(join(lb, d), { recursive: true, force: true });
  // Written only while the packages layer is made (packages-layer.ts); a build cut short may leave it.
  rmSync(join(lb, LAYER_ENVIRONMENT), { force: true });
  // live-build's own hooks are symlinks into /usr/share/live/build; ours are plain files.
  const hooks = join(lb, 'config/hooks/normal');
  if (existsSync(hooks)) for (const f of readdirSync(hooks)) if (!lstatSync(join(hooks, f)).isSymbolicLink()) rmSync(join(hooks, f));
}

/** A hash of the files under `prefix` (paths, contents, modes). */
export function hashLbFiles(files: LbFile[], prefix: string): string {
  return sha256(JSON.stringify(files.filter((f) => f.path.startsWith(prefix)).map((f) => [f.path, sha256(f.content), f.mode])));
}

/** The repository's own includes (`iso/includes/`) and hooks (`iso/hooks/`) as live-build files. */
export function repoLbFiles(repo: string): LbFile[] {
  return [
    ...listFiles(repo, ['iso/includes']).map((f) => ({
      path: `config/includes.chroot/${f.slice('iso/includes/'.length)}`,
      content: readFileSync(join(repo, f)),
      mode: statSync(join(repo, f)).mode & 0o777,
    })),
    ...listFiles(repo, ['iso/hooks']).map((f) => ({
      path: `config/hooks/normal/${f.slice('iso/hooks/'.length)}`,
      content: readFileSync(join(repo, f)),
      mode: 0o755,
    })),
  ];
}

/** Every file of the live-build tree of this build (the .deb must exist: package-deb ran). */
export function imageLbFiles(ctx: BuildContext): LbFile[] {
  const kernelDebs = ctx.kernel ? kernelPackages(ctx.kernel.manifest).map((p) => ({ file: p.file, path: join(ctx.kernel!.dir, p.file) })) : [];
  return [...liveBuildFiles(ctx.spec, ctx.version, { repo: ctx.repo, debPath: ctx.debPath, debFile: ctx.debFile, kernelDebs }), ...repoLbFiles(ctx.repo)];
}

/** `lb config` with this build's arguments, then our files over live-build's tree. */
export async function configure(ctx: BuildContext, files: LbFile[], log: string): Promise<void> {
  clearOwnedLbFiles(ctx.lb);
  await ctx.lbRun(['config', ...lbConfigArgs(ctx.spec, ctx.version, ctx.kernel?.manifest.release)], log);
  writeLbFiles(ctx.lb, files);
}

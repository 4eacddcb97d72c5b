import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DebvisorError } from '../core/errors.js';
import { run } from '../core/run.js';
import { DEB_DEPENDS } from './deb.js';
import { configure, hashLbFiles, imageLbFiles, LAYER_ENVIRONMENT } from './lb-tree.js';
import { lbConfigGroups, type LbFile } from './live-build.js';
import { sha256 } from './sources.js';
import { stageKey, type Inputs } from './stage-cache.js';
import type { BuildContext } from './stages/stage.js';

/**
 * The packages layer: the bootstrapped system with every package installed (the package lists,
 * the kernel, what the tools' .deb depends on), before any include, hook or the .deb itself.
 * It is kept under <work>/layers/ by its key, so a change to an include, a hook or the tools
 * applies on top of it instead of installing every package again. A cold build goes the same
 * way (layer, then overlay), so both give the same bits.
 */

/** What the layer is made of: its SOURCE_DATE_EPOCH is the last commit that touched these. */
export const LAYER_SOURCES = ['iso/packages', 'iso/kernel', 'builder/deb.ts', 'builder/live-build.ts', 'builder/packages-layer.ts'];

/** The package list that installs what the .deb depends on, so the .deb itself goes in with dpkg on top. */
export const DEPENDS_LIST = 'config/package-lists/debvisor-depends.list.chroot';

/** Package names of a Depends field: versions dropped, the first of alternatives. */
export function dependencyNames(depends: readonly string[]): string[] {
  return depends
    .map((d) =>
      d
        .split('|')[0]!
        .replace(/\(.*\)/, '')
        .trim(),
    )
    .filter(Boolean);
}

/** The live-build files of the layer: package lists and the kernel packages; no includes, hooks or the tools. */
export function layerFiles(all: LbFile[], debFile: string): LbFile[] {
  const kept = all.filter(
    (f) => f.path.startsWith('config/package-lists/') || (f.path.startsWith('config/packages.chroot/') && !f.path.endsWith(`/${debFile}`)),
  );
  return [...kept, { path: DEPENDS_LIST, content: `${dependencyNames(DEB_DEPENDS).join('\n')}\n`, mode: 0o644 }];
}

/** Everything that changes the layer. */
export function layerInputs(ctx: BuildContext, files: LbFile[]): Inputs {
  return {
    bootstrap: ctx.keys.bootstrap ?? '',
    'lb config (chroot)': sha256(JSON.stringify(lbConfigGroups(ctx.spec, ctx.version, ctx.kernel?.manifest.release).chroot)),
    'package lists': hashLbFiles(files, 'config/package-lists/'),
    'local packages': hashLbFiles(files, 'config/packages.chroot/'),
    epoch: String(ctx.layerEpoch),
    // The packages go in without an initramfs (makeLayer): a layer made before that has one.
    initramfs: 'none (INITRD=No)',
  };
}

const layerDir = (ctx: BuildContext) => join(ctx.work, 'layers');

/** In the live-build tree: the key of the layer its chroot was made from. */
const MADE_FROM = 'chroot.layer';

interface LayerRecord {
  key: string;
  inputs: Inputs;
}

export function savedLayer(ctx: BuildContext): LayerRecord | undefined {
  const p = join(layerDir(ctx), 'packages.json');
  if (!existsSync(p) || !existsSync(join(layerDir(ctx), 'packages/usr/bin'))) return undefined;
  return JSON.parse(readFileSync(p, 'utf8')) as LayerRecord;
}

/** Refuses to delete or copy a tree with something mounted in it (live-build's proc, sys, dev/pts). */
export function assertNothingMounted(dir: string, mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): void {
  const root = resolve(dir);
  const mounted = mountinfo
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((m) => m === root || m.startsWith(`${root}/`));
  if (mounted.length) {
    throw new DebvisorError('E_BUILD_STAGE', `stage chroot: ${mounted.join(', ')} still mounted; nothing was deleted`, {
      hint: `unmount them (umount -R ${mounted[0]}) and build again`,
    });
  }
}

/** Copies a tree as it is: owners, modes, times, hard links, extended attributes (file capabilities). */
async function copyTree(from: string, to: string, log: string): Promise<void> {
  assertNothingMounted(from);
  assertNothingMounted(to);
  rmSync(to, { recursive: true, force: true });
  await run(['cp', '-a', '--reflink=auto', from, to], { logFile: log });
}

/**
 * Makes `to` the same tree as `from` (owners, modes, times, hard links, ACLs, extended
 * attributes), writing only what differs. Used to put the layer back under a chroot that was
 * made from that same layer: every file the overlay or live-build's binary stage wrote since has
 * a newer time or another size, so rsync's size-and-time check finds it.
 */
export const SYNC_ARGV = ['rsync', '-aHAX', '--numeric-ids', '--delete'];

async function syncTree(from: string, to: string, log: string): Promise<void> {
  assertNothingMounted(from);
  assertNothingMounted(to);
  mkdirSync(to, { recursive: true });
  await run([...SYNC_ARGV, `${from}/`, `${to}/`], { logFile: log });
}

/** The environment of a command inside the chroot: the build's, with the system's PATH. */
export const chrootEnv = (ctx: BuildContext): Record<string, string> => ({ ...ctx.env, PATH: '/usr/sbin:/usr/bin:/sbin:/bin' });

/** `dpkg-query -W` inside the chroot, as live-build's chroot stage writes it. */
export async function writePackageList(ctx: BuildContext, file: string, log: string): Promise<void> {
  const r = await run(['chroot', join(ctx.lb, 'chroot'), 'dpkg-query', '-W'], { env: chrootEnv(ctx) });
  writeFileSync(join(ctx.lb, file), r.stdout);
  writeFileSync(log, `dpkg-query -W > ${file}: ${r.stdout.split('\n').filter(Boolean).length} packages\n`, { flag: 'a' });
}

/**
 * The install pass's package list after the overlay: the layer's, plus the tools' package (which
 * a plain `lb chroot` installs in that pass), with the versions of the final list. live-build
 * marks what is in the live list but not in this one as removable by an installer.
 */
export function installList(live: string, layerInstall: string, extra: string[]): string {
  const name = (l: string) => l.split('\t')[0]!;
  const keep = new Set([...layerInstall.split('\n').filter(Boolean).map(name), ...extra]);
  return live
    .split('\n')
    .filter((l) => l && keep.has(name(l)))
    .map((l) => `${l}\n`)
    .join('');
}

/** `ls -lR` of the chroot, as live-build's chroot stage writes it (binary_manifest copies it beside the ISO). */
export async function writeFileList(ctx: BuildContext): Promise<void> {
  const r = await run(['chroot', join(ctx.lb, 'chroot'), 'ls', '-lR'], { env: chrootEnv(ctx) });
  writeFileSync(join(ctx.lb, 'chroot.files'), r.stdout);
}

/** The layer made from scratch in the live-build tree: live-build's own chroot steps up to the installed packages. */
async function makeLayer(ctx: BuildContext, files: LbFile[], log: string): Promise<void> {
  const env = { ...ctx.env, SOURCE_DATE_EPOCH: String(ctx.layerEpoch) };
  await configure(ctx, files, log);
  // `lb bootstrap` restores the bootstrap stage's cache/bootstrap; marked saved, it does not copy it back again.
  mkdirSync(join(ctx.lb, '.build'), { recursive: true });
  writeFileSync(join(ctx.lb, '.build/bootstrap_cache.save'), '');
  await ctx.lbRun(['bootstrap'], log, env);
  // The bootstrap may come from live-build's cache, made before this commit: its file times
  // would then differ from a cold build's. Every file starts at the layer's SOURCE_DATE_EPOCH
  // instead; what is added later is newer and clamped by mksquashfs and mkinitramfs.
  await run(['find', join(ctx.lb, 'chroot'), '-xdev', '-exec', 'touch', '--no-dereference', '-d', `@${ctx.layerEpoch}`, '{}', '+'], {
    logFile: log,
    events: ctx.events,
  });
  await ctx.lbRun(['chroot_prep', 'install', 'all', 'mode-archives-chroot'], log, env);
  for (const step of ['chroot_linux-image', 'chroot_firmware', 'chroot_preseed', 'chroot_includes_before_packages']) await ctx.lbRun([step], log, env);
  // No initramfs while the packages go in: the kernel's postinst and initramfs-tools' trigger
  // would make it twice, and live-build's chroot_hacks makes it again after the overlay anyway
  // (the hook INITRAMFS_HOOK leaves it a stand-in to update). About 18 s of a cold build.
  writeFileSync(join(ctx.lb, LAYER_ENVIRONMENT), 'INITRD=No\n');
  try {
    for (const pass of ['install', 'live']) {
      await ctx.lbRun(['chroot_package-lists', pass], log, env);
      await ctx.lbRun(['chroot_install-packages', pass], log, env);
      if (pass === 'install') await writePackageList(ctx, 'chroot.packages.install', log);
    }
  } finally {
    rmSync(join(ctx.lb, LAYER_ENVIRONMENT), { force: true });
  }
  await ctx.lbRun(['chroot_prep', 'remove', 'all', 'mode-archives-chroot'], log, env);
}

/**
 * The live-build tree's chroot holds the packages layer for these inputs afterwards: restored
 * from <work>/layers/ when it is there, else made and saved. Returns whether it was reused.
 */
export async function applyPackagesLayer(ctx: BuildContext, log: string): Promise<{ reused: boolean; key: string }> {
  const files = layerFiles(imageLbFiles(ctx), ctx.debFile);
  const inputs = layerInputs(ctx, files);
  const key = stageKey(inputs);
  const dir = layerDir(ctx);
  const chroot = join(ctx.lb, 'chroot');
  mkdirSync(dir, { recursive: true });
  const saved = savedLayer(ctx);
  // The chroot was made from this layer by the last build that got this far (marked below).
  const madeFrom = existsSync(join(ctx.lb, MADE_FROM)) ? readFileSync(join(ctx.lb, MADE_FROM), 'utf8') : '';
  if (saved?.key === key) {
    ctx.progress('chroot', 0, 'packages layer reused: restoring it');
    if (madeFrom === key) {
      await ctx.lbRun(['clean', '--binary', '--stage'], log);
      await syncTree(join(dir, 'packages'), chroot, log);
    } else {
      await ctx.lbRun(['clean', '--chroot', '--binary', '--stage'], log);
      await copyTree(join(dir, 'packages'), chroot, log);
    }
    copyFileSync(join(dir, 'chroot.packages.install'), join(ctx.lb, 'chroot.packages.install'));
    // What `lb bootstrap` would have marked; the chroot is there.
    mkdirSync(join(ctx.lb, '.build'), { recursive: true });
    writeFileSync(join(ctx.lb, '.build/bootstrap'), '');
    writeFileSync(join(ctx.lb, MADE_FROM), key);
    return { reused: true, key };
  }
  rmSync(join(dir, 'packages.json'), { force: true });
  rmSync(join(ctx.lb, MADE_FROM), { force: true });
  await ctx.lbRun(['clean', '--chroot', '--binary', '--stage'], log);
  await makeLayer(ctx, files, log);
  ctx.progress('chroot', 0.8, 'saving the packages layer');
  await copyTree(chroot, join(dir, 'packages.new'), log);
  rmSync(join(dir, 'packages'), { recursive: true, force: true });
  renameSync(join(dir, 'packages.new'), join(dir, 'packages'));
  copyFileSync(join(ctx.lb, 'chroot.packages.install'), join(dir, 'chroot.packages.install'));
  writeFileSync(join(dir, 'packages.json'), `${JSON.stringify({ key, inputs }, null, 2)}\n`);
  writeFileSync(join(ctx.lb, MADE_FROM), key);
  return { reused: false, key };
}

import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NODE_INITRAMFS_OUT, NODE_INITRAMFS_REUSED, type LbFile } from './live-build.js';
import { hashLbFiles } from './lb-tree.js';
import { sha256 } from './sources.js';
import type { Inputs } from './stage-cache.js';

/**
 * The chroot stage makes two initramfs images natively, about a third of an overlay rebuild:
 * the live system's (live-build's chroot_hacks) and the installed node's (our hook). Neither
 * changes when an include that no initramfs reads changes, so both are kept under
 * <work>/initramfs/ by a key of what can change them, and put back instead of being made
 * again. A cold build of the same inputs makes the same bytes (mkinitramfs follows
 * SOURCE_DATE_EPOCH; the reproducibility test compares them).
 */

/**
 * Include paths (under config/includes.chroot/) that can change what goes into an initramfs:
 * initramfs-tools' own configuration, hooks and scripts, kernel modules, their options and
 * firmware, udev rules, md, LVM and crypt settings, the console's keymap and font, and the
 * programs and libraries hooks copy in. Anything else (a daemon's configuration, a unit, a
 * profile) leaves both images as they were.
 */
export const INITRAMFS_INCLUDE_PREFIXES = [
  'boot/',
  'etc/initramfs-tools/',
  'usr/share/initramfs-tools/',
  'etc/modprobe.d/',
  'etc/modules',
  'lib/',
  'usr/lib/',
  'etc/udev/',
  'etc/mdadm/',
  'etc/lvm/',
  'etc/crypttab',
  'etc/cryptsetup-initramfs/',
  'etc/fstab',
  'etc/default/',
  'etc/console-setup/',
  'etc/kernel/',
  'etc/kernel-img.conf',
  'bin/',
  'sbin/',
  'usr/bin/',
  'usr/sbin/',
];
const INCLUDES = 'config/includes.chroot/';

/** Pure: the include files an initramfs can read, by the prefixes above. */
export function initramfsIncludes(files: readonly LbFile[]): LbFile[] {
  return files.filter((f) => f.path.startsWith(INCLUDES) && INITRAMFS_INCLUDE_PREFIXES.some((p) => f.path.slice(INCLUDES.length).startsWith(p)));
}

/**
 * Pure: what the two images are made from: the packages layer (every package's files), the
 * tools' .deb, every hook (any may change the root they are made from), the includes above,
 * the image's SOURCE_DATE_EPOCH and the `lb config` arguments (initramfs compression).
 */
export function initramfsInputs(o: { layerKey: string; debSha256: string; files: readonly LbFile[]; epoch: number; lbConfig: readonly string[] }): Inputs {
  return {
    'packages layer': o.layerKey,
    'debvisor.deb': o.debSha256,
    hooks: hashLbFiles([...o.files], 'config/hooks/'),
    includes: hashLbFiles(initramfsIncludes(o.files), INCLUDES),
    epoch: String(o.epoch),
    'lb config': sha256(JSON.stringify(o.lbConfig)),
  };
}

/** Where in the chroot the images live: the live system's (with update-initramfs' checksum record) and the node's. */
const LIVE_DIRS = ['boot', 'var/lib/initramfs-tools'];
const NODE_DIR = NODE_INITRAMFS_OUT.slice(1);
/**
 * What making the live image also writes into the root: mdadm's initramfs hook generates
 * /etc/mdadm/mdadm.conf (mkconf) when there is none, and live-build's hook 8040 has just removed
 * it. Kept and put back with the image, or a build that reuses the image lacks the file a cold
 * build has (the reproducible e2e found it).
 */
const LIVE_ROOT_FILES = ['etc/mdadm/mdadm.conf'];
/** live-build's chroot_hacks skips its update-initramfs when this file is in the chroot (and removes it). */
const LB_REGENERATED_MARK = 'initrd.img_has_already_been_regenerated';

const isLiveFile = (dir: string, f: string) => (dir === 'boot' ? f.startsWith('initrd.img-') : true);

export interface InitramfsCache {
  dir: string;
  key: string;
}

const entry = (c: InitramfsCache) => join(c.dir, c.key);

/** Whether both images for this key are kept (a save that was cut short has no `complete`). */
export function haveInitramfs(c: InitramfsCache): boolean {
  return existsSync(join(entry(c), 'complete'));
}

function copyDir(from: string, to: string, keep: (f: string) => boolean): void {
  if (!existsSync(from)) return;
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(from)) if (keep(f)) copyFileSync(join(from, f), join(to, f));
}

/**
 * Before the hooks: the node's image back in place, marked for its hook to keep. The live
 * image is put back after the hooks ({@link restoreLiveInitramfs}): a hook may not see it early.
 */
export function restoreNodeInitramfs(c: InitramfsCache, chroot: string): void {
  rmSync(join(chroot, NODE_DIR), { recursive: true, force: true });
  copyDir(join(entry(c), 'node'), join(chroot, NODE_DIR), () => true);
  writeFileSync(join(chroot, NODE_DIR, NODE_INITRAMFS_REUSED), '');
}

/** After the hooks, before live-build's chroot_hacks: the live image and its checksum record, and live-build told not to make it again. */
export function restoreLiveInitramfs(c: InitramfsCache, chroot: string): void {
  for (const d of LIVE_DIRS) copyDir(join(entry(c), 'live', d), join(chroot, d), (f) => isLiveFile(d, f));
  for (const f of LIVE_ROOT_FILES) if (existsSync(join(entry(c), 'live-root', f))) copyFileSync(join(entry(c), 'live-root', f), join(chroot, f));
  writeFileSync(join(chroot, LB_REGENERATED_MARK), '');
}

/** After chroot_hacks made both: kept under this key (written aside, then moved), the other keys dropped. */
export function saveInitramfs(c: InitramfsCache, chroot: string): void {
  const tmp = join(c.dir, `${c.key}.new`);
  rmSync(tmp, { recursive: true, force: true });
  for (const d of LIVE_DIRS) copyDir(join(chroot, d), join(tmp, 'live', d), (f) => isLiveFile(d, f));
  for (const f of LIVE_ROOT_FILES) {
    if (!existsSync(join(chroot, f))) continue;
    mkdirSync(dirname(join(tmp, 'live-root', f)), { recursive: true });
    copyFileSync(join(chroot, f), join(tmp, 'live-root', f));
  }
  copyDir(join(chroot, NODE_DIR), join(tmp, 'node'), (f) => f !== NODE_INITRAMFS_REUSED);
  writeFileSync(join(tmp, 'complete'), '');
  for (const old of existsSync(c.dir) ? readdirSync(c.dir) : []) if (old !== `${c.key}.new`) rmSync(join(c.dir, old), { recursive: true, force: true });
  renameSync(tmp, entry(c));
}

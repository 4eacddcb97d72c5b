import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DebvisorError } from '../core/errors.js';
import { assertNothingMounted } from './packages-layer.js';

/**
 * The binary stage's tools, kept installed. After the squashfs is packed, live-build's
 * binary_syslinux, binary_grub-efi and binary_iso install what they run (isolinux, rsvg-convert
 * and its 40 libraries for the splash, the signed shim and GRUB, xorriso) into the live chroot
 * and purge them again: about 14 s of every build, a third of a one-include rebuild. Here those
 * steps run in a root of their own with the same packages (trixie, from the same mirror), made
 * once per key and put in place of the live chroot while they run. live-build's checks
 * (Check_package) find every file and install nothing but the signed shim and GRUB (below).
 * A failure while the root stands in drops it (it may hold a half-made tree), to be made again.
 *
 * The squashfs is packed in this root too. live-build's binary_chroot and binary_rootfs copy the
 * bootstrap, fetch the package lists and install squashfs-tools into the copy, run mksquashfs
 * there, purge it, then fetch the binary package lists into the live chroot: four `apt update`s
 * and a copy, about 17 s of every build, for one command whose output depends only on the live
 * tree, its version and its options (packSquashfs).
 */
export const BINARY_TOOL_PACKAGES = [
  // binary_rootfs
  'squashfs-tools',
  // binary_syslinux
  'isolinux',
  'syslinux-common',
  'librsvg2-bin',
  // binary_grub-efi (grub-common and grub-efi-amd64-bin are in the live system, so live-build never installs them there)
  'grub-efi-amd64-bin',
  'grub-efi-amd64-signed',
  'grub-efi-ia32-bin',
  'shim-signed',
  'mtools',
  'dosfstools',
  // binary_iso
  'xorriso',
];

/**
 * What live-build's binary steps check for (Check_package). binary_grub-efi installs the signed
 * shim and GRUB and purges them again in every build whether they are there or not: the root
 * gets the binary archives like the live chroot did (chroot_prep ... mode-archives-binary: an
 * `apt update`), so they come in current versions, from live-build's package cache when it has them.
 */
export const BINARY_TOOL_FILES = [
  'usr/bin/mksquashfs',
  'usr/lib/ISOLINUX/isohdpfx.bin',
  'usr/lib/syslinux',
  'usr/bin/rsvg-convert',
  'usr/lib/grub/x86_64-efi/configfile.mod',
  'usr/lib/grub/i386-efi/configfile.mod',
  'usr/bin/mcopy',
  'usr/sbin/mkfs.msdos',
  'usr/bin/xorriso',
];

/** mmdebstrap's options for the root: none beyond the bootstrap's. */
export const BINARY_TOOLS_MMDEBSTRAP_OPTIONS: string[] = [];

/**
 * live-build's `lb binary` (with a chroot), step by step, split where the tools' root takes the
 * live chroot's place: the steps before it read the live system's files (the kernel and
 * initramfs, the package lists, the kernel names for the boot menu) and need neither apt nor a
 * mount in it; then the squashfs is packed in the tools' root (packSquashfs, for binary_chroot
 * and binary_rootfs); the steps after it read only /etc/os-release (the same suite in both) and
 * the tools. Otherwise in live-build's order (/usr/lib/live/build/binary); none of the steps
 * before the squashfs writes what it packs.
 */
export const LB_BINARY_ON_LIVE: readonly string[][] = [
  // A no-op: the build never sets --dm-verity (it would hash the squashfs, which comes later here).
  ['binary_dm-verity'],
  ['binary_manifest'],
  ['binary_package-lists'],
  ['binary_linux-image'],
  ['binary_memtest'],
  ['binary_grub-legacy'],
  ['binary_grub-pc'],
  ['binary_grub_cfg'],
];
/**
 * How each root is left, the live chroot before it is moved aside and the tools' root at the
 * end, both prepared with the binary archives: as `lb binary` leaves them, the archives' stage
 * file dropped (no removal, whose `apt update` nothing uses), the rest removed.
 */
export const LB_BINARY_LEAVE_STAGEFILE = '.build/chroot_archives';
export const LB_BINARY_LEAVE: readonly string[][] = [['chroot_prep', 'remove', 'all-except-archives']];
export const LB_BINARY_ON_TOOLS_BEFORE_ISO: readonly string[][] = [
  // As binary_rootfs prepares the live chroot for these steps.
  ['chroot_prep', 'install', 'all', 'mode-archives-binary'],
  ['binary_syslinux'],
  ['binary_disk'],
  ['binary_loadlin'],
  ['binary_win32-loader'],
  ['binary_includes'],
  ['binary_grub-efi'],
  ['binary_hooks'],
  ['binary_checksums'],
];
export const LB_BINARY_ON_TOOLS_FROM_ISO: readonly string[][] = [
  ['binary_iso'],
  ['binary_onie'],
  ['binary_netboot'],
  ['binary_tar'],
  ['binary_hdd'],
  ['binary_zsync'],
];

/** Between checksums and the ISO, `lb binary` sets every file of the tree newer than SOURCE_DATE_EPOCH to it. */
export const CLAMP_BINARY_TIMES =
  "find binary -newermt \"$(date -d@${SOURCE_DATE_EPOCH} '+%Y-%m-%d %H:%M:%S')\" -printf \"%y %p\\n\" -exec touch '{}' -d@${SOURCE_DATE_EPOCH} --no-dereference ';' > binary.modified_timestamps";

/** Where the live chroot waits while the tools' root stands in for it. */
export const LIVE_ASIDE = 'chroot.live';

/** Where the live chroot is while the squashfs is packed: inside the tools' root, as binary_rootfs has it. */
export const LIVE_IN_TOOLS = 'chroot/chroot';

/**
 * binary_rootfs's mksquashfs, as it runs it in the root (Chroot's clean environment, its options
 * in its order): the live tree at /chroot, the image at /filesystem.squashfs, the excludes at
 * /excludes. The image depends only on the tree, squashfs-tools' version and these options.
 */
export function mksquashfsArgv(squashfs: { compression: string; level?: number }, epoch: number): string[] {
  return [
    '/usr/bin/env',
    '-i',
    'HOME=/root',
    'PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin',
    `SOURCE_DATE_EPOCH=${epoch}`,
    'nice',
    '-n',
    '17',
    'mksquashfs',
    'chroot',
    'filesystem.squashfs',
    '-wildcards',
    '-ef',
    '/excludes',
    ...(squashfs.level !== undefined ? ['-Xcompression-level', String(squashfs.level)] : []),
    '-comp',
    squashfs.compression,
    '-no-progress',
  ];
}

/** The live chroot (aside, after swapInTools) into the tools' root for the squashfs. */
export function liveIntoTools(lb: string): void {
  renameSync(join(lb, LIVE_ASIDE), join(lb, LIVE_IN_TOOLS));
}

/** The reverse of {@link liveIntoTools}; nothing to do when the live chroot is aside already. */
export function liveOutOfTools(lb: string): void {
  if (existsSync(join(lb, LIVE_IN_TOOLS))) renameSync(join(lb, LIVE_IN_TOOLS), join(lb, LIVE_ASIDE));
}

/**
 * Puts the tools' root in the live chroot's place (both renames on one filesystem). Refuses when
 * anything is mounted in either.
 */
export function swapInTools(lb: string, tools: string): void {
  const chroot = join(lb, 'chroot');
  const aside = join(lb, LIVE_ASIDE);
  if (existsSync(aside))
    throw new DebvisorError('E_BUILD_STAGE', `stage binary: ${aside} is there already; nothing was moved`, {
      hint: 'build again: the binary stage puts the live chroot back first',
    });
  assertNothingMounted(chroot);
  assertNothingMounted(tools);
  // live-build's record of packages it installed into the chroot, to purge at its next
  // Remove_packages: none may be purged from the tools' root (a failed step can leave one).
  rmSync(join(lb, 'chroot.installed_tmp_pkgs'), { force: true });
  renameSync(chroot, aside);
  renameSync(tools, chroot);
}

/** The reverse of {@link swapInTools}: the tools' root back to its place, the live chroot back. */
export function swapOutTools(lb: string, tools: string): void {
  const chroot = join(lb, 'chroot');
  assertNothingMounted(chroot);
  renameSync(chroot, tools);
  renameSync(join(lb, LIVE_ASIDE), join(lb, 'chroot'));
}

/**
 * After a binary stage that was cut short between the swaps: the live chroot back in place and
 * the tools' root (in whatever state the steps left it) dropped, to be made again. Returns
 * whether there was anything to put back.
 */
export function recoverFromSwap(lb: string, tools: string): boolean {
  const aside = join(lb, LIVE_ASIDE);
  // Cut short while the squashfs was packed: the live chroot is inside the tools' root.
  if (!existsSync(aside) && existsSync(join(lb, LIVE_IN_TOOLS, 'usr'))) {
    assertNothingMounted(join(lb, LIVE_IN_TOOLS));
    liveOutOfTools(lb);
  }
  if (!existsSync(aside)) return false;
  const chroot = join(lb, 'chroot');
  assertNothingMounted(chroot);
  assertNothingMounted(aside);
  rmSync(chroot, { recursive: true, force: true });
  rmSync(tools, { recursive: true, force: true });
  renameSync(aside, chroot);
  return true;
}

import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  lstatSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { writeFileSet, type RenderedFile } from '../../core/fileset.js';
import { DebvisorError } from '../../core/errors.js';
import { allOrFirstError } from '../../core/parallel.js';
import type { ApplyContext } from './context.js';
import {
  consoleArgs,
  renderFstab,
  renderGrubDefaults,
  renderHosts,
  renderInterfaces,
  renderLinkFiles,
  renderResolvConf,
  FIRSTBOOT_UNIT_FILES,
  NETWORKING_ONLINE_DROPIN,
  NETWORKING_ONLINE_DROPIN_PATH,
  UPDATE_DONE_PATHS,
  renderUpdateDone,
} from './node-files.js';
import { renderSecretFiles } from '../../firstboot/secrets.js';
import { checkedNodeProfileCache } from '../../firstboot/profile.js';
import { NODE_PROFILE_CACHE } from '../../firstboot/paths.js';
import {
  FIRSTBOOT_NODE_SNAPSHOT,
  FIRSTBOOT_NODE_SNAPSHOT_STAMP,
  NODE_SNAPSHOT_ENTRY,
  NODE_SNAPSHOT_STAMP_FORMAT,
  NODE_SNAPSHOT_STAMPED,
  SHORT_RUN_NODE,
  SHORT_RUN_NODE_FLAGS,
} from '../../core/tool-paths.js';
import { INSTALLED_PROFILE, TARGET_LOG_DIR } from './context.js';
import { ESP_MOUNT } from '../plan/storage.js';
import { EFI_REMOVABLE_PATH } from '../plan/boot.js';
import { closeEncryption } from './steps-crypt.js';

/** The boot entry's name and the UEFI image grub-install writes under it. */
const EFI_ID = 'debvisor';
const EFI_IMAGE = `EFI/${EFI_ID}/grubx64.efi`;
/** grub-install's last step for BIOS, as its own tool; Debian 13 keeps it out of PATH (grub-pc-bin). */
const GRUB_BIOS_SETUP = '/usr/lib/grub/i386-pc/grub-bios-setup';

/**
 * Where the image keeps the node's initramfs, built once with the image without the live
 * packages' initramfs parts (builder/live-build.ts NODE_INITRAMFS_HOOK).
 */
export const NODE_INITRAMFS_DIR = '/usr/lib/debvisor/node-initramfs';
/** Packages the live system needs and an installed node must not keep (live-boot's initramfs hooks above all). */
export const LIVE_PACKAGES = ['live-boot', 'live-boot-initramfs-tools', 'live-config', 'live-config-systemd', 'live-tools'];
/**
 * The live system's own units and files (builder/live-build.ts puts them in the image): the node
 * must not keep them, even where their kernel-command-line conditions would stop them.
 */
export const LIVE_UNITS = [
  'debvisor-live.service',
  'debvisor-live-issue.service',
  'debvisor-live-firewall.service',
  'debvisor-live-network.service',
  'debvisor-unattended.service',
  'debvisor-installer-tty1.service',
  'debvisor-installer-ttyS0.service',
];
export const LIVE_FILES = [
  ...LIVE_UNITS.map((u) => `/etc/systemd/system/${u}`),
  '/usr/libexec/debvisor-live-mode',
  '/usr/libexec/debvisor-installer-console',
  '/usr/lib/systemd/system-generators/debvisor-installer-generator',
  '/etc/debvisor/live-firewall.nft',
  '/etc/systemd/system/networking.service.d/debvisor-live.conf',
  '/etc/debvisor/profile-signers',
  '/etc/live',
  '/etc/debvisor/profile.yaml',
  '/usr/share/debvisor/packages',
];
/** What a chroot needs from the live system for dpkg, grub-install and update-initramfs. */
export const CHROOT_BINDS = ['/dev', '/dev/pts', '/proc', '/sys', '/run'];

const file = (id: string, path: string, content: string, mode = 0o644): RenderedFile => ({ id, path, content, mode, owner: 'root' });

/** The one way into the target root (core/fileset.ts): staged, then moved; never through a link. */
async function writeFiles(ctx: ApplyContext, files: RenderedFile[]): Promise<void> {
  await writeFileSet(ctx.target, files, { events: ctx.events });
}

/**
 * Binds the live system's /dev, /proc, /sys and /run into the target, once, for the chroot steps.
 * Private: under systemd they would join the live mounts' peer groups, so a mount the live system
 * makes during the install (a getty's /run/credentials/...) would appear in the target, and
 * unmounting the target would propagate back to the live system's and fail as busy.
 */
async function bindKernelFs(ctx: ApplyContext, step: string): Promise<void> {
  for (const dir of CHROOT_BINDS) {
    if (ctx.state.bound.includes(dir)) continue;
    await ctx.run(['mount', '--bind', '--make-private', dir, join(ctx.target, dir)], { events: ctx.events, step });
    ctx.state.bound.push(dir);
  }
}

const chroot = (ctx: ApplyContext, argv: string[]): string[] => ['chroot', ctx.target, ...argv];

/** The fast path: the live system's own squashfs, unpacked onto the new root (not a package install). */
export async function copySystem(ctx: ApplyContext): Promise<void> {
  await ctx.run(['unsquashfs', '-force', '-no-progress', '-dest', ctx.target, ctx.squashfs], {
    events: ctx.events,
    step: 'copy-system',
    logFile: join(ctx.logDir, 'unsquashfs.log'),
  });
}

export async function removeLivePackages(ctx: ApplyContext): Promise<void> {
  await bindKernelFs(ctx, 'remove-live-packages');
  const o = { events: ctx.events, step: 'remove-live-packages' };
  const r = await ctx.run(chroot(ctx, ['dpkg-query', '--show', '--showformat', '${Package} ${db:Status-Status}\\n']), o);
  const installed = new Set(
    r.stdout
      .split('\n')
      .filter((l) => l.endsWith(' installed'))
      .map((l) => l.split(' ')[0]),
  );
  const remove = LIVE_PACKAGES.filter((p) => installed.has(p));
  if (remove.length) {
    // The purge triggers initramfs-tools, which would build an initramfs here that update-initramfs
    // builds again later, with crypttab, mdadm.conf and fstab (four minutes of a TCG install).
    // update_initramfs=no is bound over its setting for the purge only: the file is not changed.
    const conf = join(ctx.target, 'etc/initramfs-tools/update-initramfs.conf');
    const hold = existsSync(conf);
    const off = join(ctx.logDir, 'update-initramfs-off.conf');
    if (hold) {
      writeFileSync(off, '# Bound over the target one by install apply while the live packages are purged.\nupdate_initramfs=no\n');
      await ctx.run(['mount', '--bind', off, conf], o);
    }
    try {
      await ctx.run(chroot(ctx, ['dpkg', '--purge', ...remove]), { ...o, env: { DEBIAN_FRONTEND: 'noninteractive' }, logFile: join(ctx.logDir, 'dpkg.log') });
    } finally {
      if (hold) {
        await ctx.run(['umount', conf], o);
        rmSync(off, { force: true });
      }
    }
  }
  await ctx.run(['systemctl', `--root=${ctx.target}`, 'disable', ...LIVE_UNITS], { ...o, allowFailure: true });
  for (const f of LIVE_FILES) rmSync(join(ctx.target, f), { recursive: true, force: true });
}

async function uuidOf(ctx: ApplyContext, device: string, step: string): Promise<string> {
  const r = await ctx.run(['blkid', '--match-tag', 'UUID', '--output', 'value', device], { events: ctx.events, step });
  return r.stdout.trim();
}

export async function writeFstab(ctx: ApplyContext): Promise<void> {
  const rows = [];
  for (const f of ctx.plan.filesystems) {
    if (f.mount === '-' || f.type === 'zfs') continue;
    rows.push({ uuid: await uuidOf(ctx, f.device, 'write-fstab'), type: f.type, mount: f.mount });
  }
  const files = [file('fstab', '/etc/fstab', renderFstab(rows))];
  if (ctx.plan.raid.length) {
    const r = await ctx.run(['mdadm', '--detail', '--scan'], { events: ctx.events, step: 'write-fstab' });
    files.push(file('mdadm', '/etc/mdadm/mdadm.conf', `# Written by the DebVisor installer.\nHOMEHOST <system>\nMAILADDR root\n${r.stdout.trim()}\n`));
  }
  await writeFiles(ctx, files);
}

export async function writeNetwork(ctx: ApplyContext): Promise<void> {
  const n = ctx.plan.network!;
  const files = [
    file('interfaces', '/etc/network/interfaces', renderInterfaces(n)),
    ...renderLinkFiles(n).map((l) => file(`link:${l.path}`, l.path, l.content)),
    file('hostname', '/etc/hostname', `${ctx.plan.node.hostname}\n`),
    file('hosts', '/etc/hosts', renderHosts(ctx.plan.node)),
    file('networking-online', NETWORKING_ONLINE_DROPIN_PATH, NETWORKING_ONLINE_DROPIN),
  ];
  const resolv = renderResolvConf(n);
  // resolv.conf may be a link into /run in the image: it is replaced by a file, never followed.
  if (resolv) {
    rmSync(join(ctx.target, 'etc/resolv.conf'), { force: true });
    files.push(file('resolv', '/etc/resolv.conf', resolv));
  }
  await writeFiles(ctx, files);
}

/**
 * Nothing node-unique from the image: a new machine-id (systemd's tool) and new SSH host keys,
 * made at the same time (RSA 4096 is seconds of CPU under emulation).
 */
export async function makeNodeUnique(ctx: ApplyContext): Promise<void> {
  const o = { events: ctx.events, step: 'make-node-unique' };
  rmSync(join(ctx.target, 'etc/machine-id'), { force: true });
  const dbus = join(ctx.target, 'var/lib/dbus/machine-id');
  if (existsSync(dbus) && !lstatSync(dbus).isSymbolicLink()) rmSync(dbus);
  const ssh = join(ctx.target, 'etc/ssh');
  if (existsSync(ssh)) for (const f of readdirSync(ssh)) if (f.startsWith('ssh_host_')) rmSync(join(ssh, f));
  const comment = `root@${ctx.plan.node.fqdn}`;
  await allOrFirstError([
    ctx.run(['systemd-machine-id-setup', `--root=${ctx.target}`], o),
    ctx.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', join(ssh, 'ssh_host_ed25519_key')], o),
    ctx.run(['ssh-keygen', '-q', '-t', 'rsa', '-b', '4096', '-N', '', '-C', comment, '-f', join(ssh, 'ssh_host_rsa_key')], o),
  ]);
}

export async function createAccounts(ctx: ApplyContext): Promise<void> {
  await ctx.createAccounts(ctx);
}

export async function renderDefaults(ctx: ApplyContext): Promise<void> {
  await ctx.renderDefaults(ctx);
}

/**
 * GRUB for BIOS into each BIOS boot partition, for UEFI into each ESP and its removable path, and
 * the menu. The menu (grub-mkconfig: a dozen grub-probe runs over md and LVM, the slowest part
 * under emulation) is written while GRUB is installed: they write different files. GRUB is built
 * once per firmware: its image finds /boot/grub by the filesystem's UUID, whichever disk it
 * starts from, so the other disks get the same bytes (grub-bios-setup writes the core image
 * grub-install made; the ESPs get copies of the UEFI image), as grub-install would make them.
 */
export async function installBootloaders(ctx: ApplyContext): Promise<void> {
  const step = 'install-bootloaders';
  await bindKernelFs(ctx, step);
  await writeFiles(ctx, [file('grub-defaults', '/etc/default/grub.d/debvisor.cfg', renderGrubDefaults(ctx.plan.kernelArgs, consoleArgs(ctx.liveCmdline)))]);
  await allOrFirstError([
    installGrub(ctx, { events: ctx.events, step, logFile: join(ctx.logDir, 'grub.log') }),
    ctx.run(chroot(ctx, ['grub-mkconfig', '-o', '/boot/grub/grub.cfg']), { events: ctx.events, step, logFile: join(ctx.logDir, 'grub-mkconfig.log') }),
  ]);
}

/** Pure: where each planned disk's ESP is mounted while GRUB is written: the first at ESP_MOUNT, the others beside it. */
export function espDirs(plan: ApplyContext['plan']): { disk: string; device: string; dir: string }[] {
  return plan.partitions.flatMap((d, i) => {
    const esp = d.partitions.find((p) => p.role === 'esp');
    return esp ? [{ disk: d.disk, device: esp.device, dir: i === 0 ? ESP_MOUNT : `${ESP_MOUNT}-${i}` }] : [];
  });
}

async function installGrub(ctx: ApplyContext, o: { events: ApplyContext['events']; step: string; logFile: string }): Promise<void> {
  const planned = (kind: string, disk: string) => ctx.plan.bootloaders.some((b) => b.kind === kind && b.disk === disk);
  const pc = ctx.plan.bootloaders.filter((b) => b.kind === 'grub-pc').map((b) => b.disk);
  for (const [i, disk] of pc.entries()) {
    if (i === 0) await ctx.run(chroot(ctx, ['grub-install', '--target=i386-pc', '--recheck', disk]), o);
    else await ctx.run(chroot(ctx, [GRUB_BIOS_SETUP, '--directory=/boot/grub/i386-pc', disk]), o);
  }
  const esps = espDirs(ctx.plan).filter((e) => planned('grub-efi', e.disk) || planned('efi-removable', e.disk));
  if (!esps.length) return;
  // Boot entries in NVRAM only when the install itself runs under UEFI: the removable path serves otherwise.
  const nvram = ctx.facts.firmware?.mode === 'uefi' ? [] : ['--no-nvram'];
  const first = esps[0]!;
  await ctx.run(chroot(ctx, ['grub-install', '--target=x86_64-efi', `--efi-directory=${first.dir}`, `--bootloader-id=${EFI_ID}`, ...nvram]), o);
  const made = join(ctx.target, first.dir, EFI_IMAGE);
  if (!existsSync(made))
    throw new DebvisorError('E_BOOTLOADER', `grub-install reported success but wrote no /${EFI_IMAGE} into ${first.device}`, {
      hint: 'see grub.log in the support bundle; the image needs grub-efi-amd64-bin',
    });
  const image = readFileSync(made);
  const mounted: string[] = [];
  try {
    for (const e of esps) {
      if (e !== first) {
        await ctx.run(['mkdir', '-p', join(ctx.target, e.dir)], o);
        await ctx.run(['mount', e.device, join(ctx.target, e.dir)], o);
        mounted.push(e.dir);
      }
      const copies = [...(e !== first && planned('grub-efi', e.disk) ? [EFI_IMAGE] : []), ...(planned('efi-removable', e.disk) ? [EFI_REMOVABLE_PATH] : [])];
      for (const c of copies) {
        mkdirSync(dirname(join(ctx.target, e.dir, c)), { recursive: true });
        writeFileSync(join(ctx.target, e.dir, c), image);
        ctx.events.info(`${e.device}: /${c} (the UEFI image grub-install made)`, { step: o.step });
      }
    }
  } finally {
    for (const dir of mounted) await ctx.run(['umount', join(ctx.target, dir)], o);
  }
}

/** Pure: the kernel versions installed under a root's /boot. */
export function kernelVersions(bootFiles: string[]): string[] {
  return bootFiles
    .filter((f) => f.startsWith('vmlinuz-'))
    .map((f) => f.slice('vmlinuz-'.length))
    .sort();
}

/** initramfs-tools' hook of cryptsetup-initramfs: where the node's root has it, the image's node initramfs has cryptroot. */
const CRYPTROOT_HOOK = 'usr/share/initramfs-tools/hooks/cryptroot';

/**
 * What update-initramfs would put in from the node's own files, as one more (uncompressed) cpio
 * archive after the initramfs, which the kernel unpacks over the first one: the md arrays by name
 * (mdadm.conf; without it they are still assembled by their superblocks, under other names such
 * as md127) and the encrypted container to unlock (cryptroot/crypttab: the node's crypttab
 * entries, as cryptsetup-initramfs's hook writes them for entries with a key of `none`).
 */
async function appendNodeFiles(ctx: ApplyContext, initrd: string): Promise<void> {
  const files: { path: string; content: string }[] = [];
  const conf = join(ctx.target, 'etc/mdadm/mdadm.conf');
  const mdadm = existsSync(conf) ? readFileSync(conf, 'utf8') : '';
  if (/^ARRAY /m.test(mdadm)) files.push({ path: 'etc/mdadm/mdadm.conf', content: mdadm });
  if (ctx.plan.encryption !== 'none') {
    const entries = readFileSync(join(ctx.target, 'etc/crypttab'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
    files.push({ path: 'cryptroot/crypttab', content: `${entries.join('\n')}\n` });
  }
  if (files.length === 0) return;
  const dir = join(ctx.logDir, 'initramfs-extra');
  const names = new Set<string>();
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
    const parts = f.path.split('/');
    for (let i = 1; i <= parts.length; i++) names.add(parts.slice(0, i).join('/'));
  }
  const archive = join(ctx.logDir, 'initramfs-extra.cpio');
  await ctx.run(['cpio', '--quiet', '-o', '-H', 'newc', '-R', '0:0', '-O', archive], {
    cwd: dir,
    input: `${[...names].join('\n')}\n`,
    events: ctx.events,
    step: 'update-initramfs',
  });
  // The kernel reads a cpio header only at a 4-byte offset and skips zero bytes between archives:
  // right after the compressed archive it would take the header for a compressed one and stop
  // ("Initramfs unpacking failed: invalid magic at start of compressed archive"), the files unread.
  const pad = (4 - (statSync(initrd).size % 4)) % 4;
  appendFileSync(initrd, Buffer.concat([Buffer.alloc(pad), readFileSync(archive)]));
  rmSync(dir, { recursive: true, force: true });
  rmSync(archive, { force: true });
}

/**
 * The node's initramfs (without the live hooks, with LVM, md and cryptsetup), before the GRUB
 * menu that names it (install-bootloaders). The image's prebuilt one is taken, with this node's
 * mdadm.conf and crypttab added: nothing else in it is the node's own (the root is named on the
 * kernel command line), and building it here took half of an install under emulation (five
 * minutes of an encrypted one). Built here only when the image's root lacks cryptsetup's hook for
 * an encrypted root, or has no prebuilt one. The prebuilt files leave the node either way.
 */
export async function updateInitramfs(ctx: ApplyContext): Promise<void> {
  const o = { events: ctx.events, step: 'update-initramfs', logFile: join(ctx.logDir, 'initramfs.log') };
  const boot = join(ctx.target, 'boot');
  const files = existsSync(boot) ? readdirSync(boot) : [];
  const cryptroot = ctx.plan.encryption === 'none' || existsSync(join(ctx.target, CRYPTROOT_HOOK));
  for (const v of kernelVersions(files)) {
    const prebuilt = join(ctx.target, NODE_INITRAMFS_DIR, `initrd.img-${v}`);
    if (cryptroot && existsSync(prebuilt)) {
      const initrd = join(boot, `initrd.img-${v}`);
      copyFileSync(prebuilt, initrd);
      await appendNodeFiles(ctx, initrd);
      ctx.events.info(`initramfs for ${v}: the one built with the image (no live parts)${ctx.plan.encryption === 'none' ? '' : ', with the crypttab'}`, {
        step: 'update-initramfs',
      });
      continue;
    }
    const mode = files.includes(`initrd.img-${v}`) ? '-u' : '-c';
    await ctx.run(chroot(ctx, ['update-initramfs', mode, '-k', v]), o);
  }
  rmSync(join(ctx.target, NODE_INITRAMFS_DIR), { recursive: true, force: true });
}

export async function enableUnits(ctx: ApplyContext): Promise<void> {
  await writeFiles(
    ctx,
    FIRSTBOOT_UNIT_FILES.map((u) => file(`unit:${u.path}`, u.path, u.content)),
  );
  await ctx.run(['systemctl', `--root=${ctx.target}`, 'enable', ...ctx.plan.firstBootUnits, ...ctx.plan.enabledUnits], {
    events: ctx.events,
    step: 'enable-units',
  });
  if (ctx.plan.firstBootUnits.includes('debvisor-firstboot.service')) await makeFirstbootNodeSnapshot(ctx);
  // Last of the steps that change /usr (the live packages are gone, the initramfs and GRUB in place).
  const usr = join(ctx.target, 'usr');
  if (!existsSync(usr)) return;
  const usrTime = statSync(usr, { bigint: true }).mtimeNs;
  await writeFiles(
    ctx,
    UPDATE_DONE_PATHS.map((p) => file(`update-done:${p}`, p, renderUpdateDone(usrTime))),
  );
  await ctx.run(['touch', '--no-dereference', `--reference=${usr}`, ...UPDATE_DONE_PATHS.map((p) => join(ctx.target, p))], {
    events: ctx.events,
    step: 'enable-units',
  });
}

/**
 * Node's start snapshot for first boot (core/tool-paths.ts), made by the node's own Node with the
 * unit's flags, all inside the target (umask 077: the blob is root's), then its stamp, written
 * last: NODE_FROM_SNAPSHOT takes no blob without a stamp that still holds. Without a snapshot
 * first boot is only slower, so a failure here is a warning.
 */
const MAKE_SNAPSHOT_SH = 'umask 077; rm -f "$0.node" "$0"; mkdir -p "${0%/*}" && exec "$@"';
async function makeFirstbootNodeSnapshot(ctx: ApplyContext): Promise<void> {
  const o = { events: ctx.events, step: 'enable-units' };
  const node = SHORT_RUN_NODE[0]!;
  const build = [node, ...SHORT_RUN_NODE_FLAGS, '--snapshot-blob', FIRSTBOOT_NODE_SNAPSHOT, '--build-snapshot', NODE_SNAPSHOT_ENTRY];
  try {
    await ctx.run(chroot(ctx, ['/bin/sh', '-c', MAKE_SNAPSHOT_SH, FIRSTBOOT_NODE_SNAPSHOT, ...build]), o);
    const stamp = await ctx.run(chroot(ctx, ['stat', '-L', `--printf=${NODE_SNAPSHOT_STAMP_FORMAT}`, ...NODE_SNAPSHOT_STAMPED]), o);
    // A recorded run (tests) prints nothing.
    if (!stamp.stdout.trim()) return;
    await writeFiles(ctx, [file('node-snapshot-stamp', FIRSTBOOT_NODE_SNAPSHOT_STAMP, `${stamp.stdout.trim()}\n`, 0o600)]);
  } catch (err) {
    ctx.events.warn(`first boot's Node will start without a snapshot (slower): ${(err as Error).message}`, o);
  }
}

export async function saveProfile(ctx: ApplyContext): Promise<void> {
  // The saved profile has its secrets redacted; first boot reads the ones it needs (TSIG key,
  // ACME EAB key) from root-only files instead.
  await writeFiles(ctx, [file('installed-profile', INSTALLED_PROFILE, ctx.profileYaml, 0o600), ...renderSecretFiles(ctx.profile)]);
  // Its checked form for first boot (firstboot/profile.ts): the node's first start skips the YAML parser and the schema checks.
  // A saved profile first boot would refuse does not fail the install here, at its end: it is said now and again by first boot.
  let checked: string;
  try {
    checked = await checkedNodeProfileCache(join(ctx.target, INSTALLED_PROFILE));
  } catch (err) {
    const e = err as Error & { details?: string[] };
    ctx.events.warn(`first boot will refuse the saved profile: ${[e.message, ...(e.details ?? [])].join('; ')}`, { step: 'save-profile' });
    return;
  }
  await writeFiles(ctx, [file('installed-profile-checked', NODE_PROFILE_CACHE, checked, 0o600)]);
}

/** The install log and events so far, onto the node (the rest of the run stays on the live system's console). */
export async function saveLogs(ctx: ApplyContext): Promise<void> {
  const files = existsSync(ctx.logDir) ? readdirSync(ctx.logDir) : [];
  await writeFiles(
    ctx,
    files.map((f) => file(`log:${f}`, `${TARGET_LOG_DIR}/${f}`, readFileSync(join(ctx.logDir, f), 'utf8'), 0o640)),
  );
}

/** Everything unmounted (binds, ESP, root) and written out; the reboot is the command's. */
/** Pure: whether a path a process holds (its root, working directory, an open file) lies in the target. */
export function inTarget(target: string, held: string): boolean {
  return held === target || held.startsWith(`${target}/`);
}

/** The processes of the live system that hold something in the target, from /proc (never this one). */
function targetHolders(target: string): { pid: number; command: string }[] {
  const out: { pid: number; command: string }[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid || pid === process.ppid) continue;
    try {
      const base = `/proc/${pid}`;
      const held = [readlinkSync(`${base}/root`), readlinkSync(`${base}/cwd`)];
      for (const fd of readdirSync(`${base}/fd`)) {
        try {
          held.push(readlinkSync(`${base}/fd/${fd}`));
        } catch {
          /* closed meanwhile */
        }
      }
      if (held.some((h) => inTarget(target, h))) out.push({ pid, command: readFileSync(`${base}/cmdline`, 'utf8').split('\0').join(' ').trim() });
    } catch {
      /* gone meanwhile, or a kernel thread */
    }
  }
  return out;
}

/**
 * Before the target is unmounted: a process a package script or a tool left running inside it
 * (seen once as "/target/run: target is busy") is named in the log, asked to stop, and killed
 * if it still holds the target after three seconds, as the Debian installer does with what runs
 * in its target.
 */
export async function stopTargetProcesses(given: string, events: ApplyContext['events']): Promise<void> {
  // As /proc shows it: no trailing slash, no dots.
  const target = resolve(given);
  const left = targetHolders(target);
  if (!left.length) return;
  events.warn(`processes still using ${target}, stopped before it is unmounted: ${left.map((p) => `${p.pid} ${p.command}`).join('; ')}`, { step: 'finish' });
  const signal = (procs: { pid: number }[], sig: NodeJS.Signals) => {
    for (const p of procs) {
      try {
        process.kill(p.pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signal(left, 'SIGTERM');
  for (let i = 0; i < 30 && targetHolders(target).length; i++) await new Promise((r) => setTimeout(r, 100));
  // Only what still holds the target now: a PID that exited may already name another process.
  signal(targetHolders(target), 'SIGKILL');
}

export async function finish(ctx: ApplyContext): Promise<void> {
  const o = { events: ctx.events, step: 'finish' };
  await ctx.run(['sync'], o);
  await stopTargetProcesses(ctx.target, ctx.events);
  await ctx.run(['umount', '--recursive', ctx.target], o);
  ctx.state.mounted = false;
  ctx.state.bound = [];
  await closeEncryption(ctx, 'finish');
}

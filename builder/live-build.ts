import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTemplate } from '../core/template.js';
import type { BuildSpec } from './spec-schema.js';

/** Files written into the live-build tree (`config/...`), relative to its root. */
export interface LbFile {
  path: string;
  content: string | Buffer;
  mode: number;
}

/** Debian's archive on snapshot.debian.org pins every package version: builds can repeat bit for bit. */
export function mirrorOf(spec: BuildSpec): string {
  return spec.snapshot ? `http://snapshot.debian.org/archive/debian/${spec.snapshot}/` : spec.mirror;
}

/** ISO volume ids are at most 32 characters of A-Z, 0-9 and _. */
export function volumeId(spec: BuildSpec, version: string): string {
  return `${spec.name}_${version}`
    .toUpperCase()
    .replace(/[^A-Z0-9_]/g, '_')
    .slice(0, 32);
}

export function imageName(spec: BuildSpec, version: string): string {
  return `${spec.name}-${version}`;
}

/** The kernel command line of a boot entry. */
export function cmdline(spec: BuildSpec, entry: BuildSpec['boot']['entries'][number]): string {
  const serial = entry.serial || entry.mode === 'install-serial' ? ['console=tty0', `console=ttyS0,${spec.boot.serialSpeed}n8`] : [];
  // A profile of the spec is found by the installer's discovery (after a DEBVISOR-PROFILE stick), not named here.
  // systemd.ssh_auto=no: no sshd on AF_VSOCK or AF_UNIX from systemd-ssh-generator in the live system (sshd stays off).
  return ['boot=live', 'components', ...serial, `debvisor.mode=${entry.mode}`, 'systemd.ssh_auto=no', ...entry.append].join(' ');
}

/** Which live-build stage an `lb config` argument changes the output of. */
export type LbConfigGroup = 'bootstrap' | 'chroot' | 'binary';

/**
 * `lb config` arguments: everything about the image that live-build decides, grouped by the
 * first stage whose output they change, so each stage's key covers its own arguments (a later
 * stage has the earlier stage's key among its inputs). Where in doubt an argument is counted
 * early: the binary mirrors, for example, are written into the live system's sources.list.
 */
export function lbConfigGroups(spec: BuildSpec, version: string, customKernelRelease?: string): Record<LbConfigGroup, string[]> {
  const mirror = mirrorOf(spec);
  const def = spec.boot.entries.find((e) => e.id === spec.boot.default) ?? spec.boot.entries[0]!;
  return {
    bootstrap: [
      '--mode',
      'debian',
      '--distribution',
      spec.suite,
      '--architectures',
      'amd64',
      '--archive-areas',
      'main',
      '--cache',
      'true',
      '--cache-stages',
      'bootstrap',
      '--mirror-bootstrap',
      mirror,
      '--parent-mirror-bootstrap',
      mirror,
    ],
    chroot: [
      '--apt-recommends',
      'false',
      '--firmware-chroot',
      'false',
      // The security and updates suites are not on snapshot mirrors in the same path; pinned builds skip them.
      '--security',
      spec.snapshot ? 'false' : 'true',
      '--updates',
      spec.snapshot ? 'false' : 'true',
      // A snapshot's Release files are past their Valid-Until date by design; apt must accept them.
      // Always given, since lb config keeps the last value it was told.
      '--apt-options',
      `--yes -o Acquire::Retries=5${spec.snapshot ? ' -o Acquire::Check-Valid-Until=false' : ''}`,
      '--mirror-chroot',
      mirror,
      '--mirror-binary',
      mirror,
      // live-build writes the "parent" mirrors into sources.list for plain Debian: set both.
      '--mirror-chroot-security',
      spec.securityMirror,
      '--mirror-binary-security',
      spec.securityMirror,
      '--parent-mirror-chroot-security',
      spec.securityMirror,
      '--parent-mirror-binary-security',
      spec.securityMirror,
      '--parent-mirror-chroot',
      mirror,
      '--parent-mirror-binary',
      mirror,
      // No deb-src lines: they cost a large index download per build and nothing uses them.
      '--apt-source-archives',
      'false',
      // live-build installs linux-image-<flavour>: Debian's is linux-image-amd64; a custom kernel is
      // linux-image-<release> from config/packages.chroot, so its release is the flavour. Always
      // given, since lb config keeps the last value it was told.
      '--linux-packages',
      'linux-image',
      '--linux-flavours',
      customKernelRelease ?? 'amd64',
    ],
    binary: [
      '--binary-images',
      'iso-hybrid',
      '--bootloaders',
      'syslinux,grub-efi',
      // Signed shim and GRUB for Secure Boot, required rather than "auto": without them the build
      // fails instead of making an ISO without Secure Boot; Debian ships both for amd64.
      // (Either way live-build installs and purges them in every build: builder/binary-tools.ts.)
      '--uefi-secure-boot',
      'enable',
      '--debian-installer',
      'none',
      '--firmware-binary',
      'false',
      '--memtest',
      'none',
      '--win32-loader',
      'false',
      '--zsync',
      'false',
      '--source',
      'false',
      '--checksums',
      'sha256',
      '--chroot-squashfs-compression-type',
      spec.squashfs.compression,
      ...(spec.squashfs.level !== undefined ? ['--chroot-squashfs-compression-level', String(spec.squashfs.level)] : []),
      '--iso-volume',
      volumeId(spec, version),
      '--iso-application',
      'DebVisor',
      '--iso-publisher',
      'DebVisor; https://debvisor.com',
      '--image-name',
      imageName(spec, version),
      '--bootappend-live',
      cmdline(spec, def),
    ],
  };
}

/** `lb config` arguments: all groups, in stage order. */
export function lbConfigArgs(spec: BuildSpec, version: string, customKernelRelease?: string): string[] {
  const g = lbConfigGroups(spec, version, customKernelRelease);
  return [...g.bootstrap, ...g.chroot, ...g.binary];
}

const tpl = (name: string, data: object) => renderTemplate(import.meta.url, `templates/${name}`, data);

/** Boot menus for ISOLINUX (BIOS) and GRUB (UEFI): same entries, a default, a timeout, serial output. */
export function bootloaderFiles(spec: BuildSpec, version: string): LbFile[] {
  const width = Math.max(...spec.boot.entries.map((e) => e.id.length));
  const entries = spec.boot.entries.map((e) => ({ ...e, cmdline: cmdline(spec, e), pad: ' '.repeat(width - e.id.length) }));
  const data = {
    entries,
    defaultId: spec.boot.default,
    timeout: spec.boot.timeout,
    timeoutTenths: spec.boot.timeout * 10,
    speed: spec.boot.serialSpeed,
    version,
  };
  return [
    { path: 'config/bootloaders/isolinux/isolinux.cfg', content: tpl('isolinux.cfg.hbs', data), mode: 0o644 },
    { path: 'config/bootloaders/isolinux/boot.txt', content: tpl('boot.txt.hbs', data), mode: 0o644 },
    { path: 'config/bootloaders/grub-pc/grub.cfg', content: tpl('grub.cfg.hbs', data), mode: 0o644 },
  ];
}

/** The unit that reports the tool version on the console at boot (and in the journal). */
export const LIVE_UNIT = [
  '[Unit]',
  'Description=DebVisor live system: report the tools and the boot mode',
  'After=multi-user.target',
  '',
  '[Service]',
  'Type=oneshot',
  'ExecStart=/usr/bin/debvisor --version',
  'ExecStart=/usr/libexec/debvisor-live-mode',
  'StandardOutput=journal+console',
  '',
  '[Install]',
  'WantedBy=multi-user.target',
  '',
].join('\n');

/**
 * The boot mode chosen in the menu (`debvisor.mode=` on the kernel command line): printed with
 * the running kernel on the console, or, with `--issue`, written to the login screen
 * (/etc/issue) with what to do next in that mode.
 */
export const LIVE_MODE_SCRIPT = [
  '#!/bin/sh',
  "mode=$(sed -n 's/.*debvisor\\.mode=\\([a-z-]*\\).*/\\1/p' /proc/cmdline)",
  'case "$mode" in',
  '  install) next="The installer runs on the screen (tty1); boot the install-serial entry for it on the serial console." ;;',
  '  install-serial) next="The installer runs on the serial console (ttyS0); boot the install entry for it on the screen." ;;',
  '  unattended) next="Unattended install: its progress and any errors are shown above (journalctl -u debvisor-unattended)." ;;',
  '  rescue) next="Rescue system: log in to inspect or repair a node; nothing on its disks is mounted or changed." ;;',
  '  *) next="Log in to use the debvisor tools (debvisor --help)." ;;',
  'esac',
  'if [ "$1" = --issue ]; then',
  // dpkg's record, not `debvisor --version`: starting node under emulation held the gettys back for minutes.
  '  version="debvisor $(dpkg-query -W -f=\'${Version}\' debvisor 2>/dev/null)"',
  '  # agetty expands \\n (host name) and \\l (terminal).',
  '  printf \'%s live system on \\\\n (\\\\l), boot mode: %s\\n%s\\n\\n\' "$version" "${mode:-none}" "$next" > /etc/issue',
  'else',
  '  echo "DebVisor live system, boot mode: ${mode:-none}, kernel $(uname -r)"',
  'fi',
  '',
].join('\n');

/** Writes the login screen before any getty shows it. */
export const LIVE_ISSUE_UNIT = [
  '[Unit]',
  'Description=DebVisor live system: boot mode and next steps on the login screen',
  'After=live-config.service',
  'Before=getty-pre.target',
  'Wants=getty-pre.target',
  '',
  '[Service]',
  'Type=oneshot',
  'ExecStart=/usr/libexec/debvisor-live-mode --issue',
  '',
  '[Install]',
  'WantedBy=multi-user.target',
  '',
].join('\n');

/**
 * The unattended installer: only when the boot entry says so, on tty1 and the serial port
 * (the command opens both), before their gettys so its screen is not cleared under it.
 */
export const UNATTENDED_UNIT = [
  '[Unit]',
  'Description=DebVisor unattended install (profile from the command line, a stick, the ISO or DHCP)',
  'ConditionKernelCommandLine=debvisor.mode=unattended',
  'After=live-config.service debvisor-live-firewall.service debvisor-live-network.service network-online.target systemd-udev-settle.service',
  'Wants=network-online.target',
  'Before=getty@tty1.service serial-getty@ttyS0.service',
  '',
  '[Service]',
  'Type=oneshot',
  'ExecStart=/usr/bin/debvisor install unattended',
  'StandardInput=null',
  'StandardOutput=journal',
  'StandardError=journal',
  'TimeoutStartSec=infinity',
  'RemainAfterExit=yes',
  '',
  '[Install]',
  'WantedBy=multi-user.target',
  '',
].join('\n');

/**
 * The interactive installer on its console, started by the debvisor-installer-tty1 and -ttyS0 units: it waits
 * for the boot to finish (its messages would cut into the screen), then runs `debvisor install
 * tui` and, when it is left, says so and offers to start it again. Never a login prompt: the live
 * system has no account. `debvisor.dryrun=1` on the kernel command line makes it a dry run,
 * planned on this machine's facts recorded once, which it prints after the plan (a profile
 * exported in the run can then be planned elsewhere on the same facts).
 */
export const INSTALLER_CONSOLE_SCRIPT = [
  '#!/bin/sh',
  '# $1: the line speed of a serial console (none for a screen).',
  'if [ -n "$1" ]; then stty "$1" 2>/dev/null; fi',
  '# A serial line has no size: the installer is made for 80x25.',
  'case "$(stty size 2>/dev/null)" in "" | "0 "*) stty rows 25 cols 80 2>/dev/null ;; esac',
  '# Kernel messages would cut into the screen: only emergencies reach the console (all stay in dmesg).',
  'dmesg -n 1 2>/dev/null',
  'echo "Starting the DebVisor installer..."',
  'timeout 120 systemctl is-system-running --wait >/dev/null 2>&1',
  'dry=',
  'case " $(cat /proc/cmdline) " in *" debvisor.dryrun=1 "*) dry=1 ;; esac',
  'facts=/run/debvisor/installer-facts.json',
  'while :; do',
  '  if [ -n "$dry" ]; then',
  '    mkdir -p /run/debvisor',
  '    [ -s "$facts" ] || debvisor facts --out "$facts" >/dev/null 2>&1',
  '    debvisor install tui --discover --dry-run --facts "$facts"',
  '  else',
  '    debvisor install tui --discover',
  '  fi',
  '  rc=$?',
  '  echo',
  '  if [ "$rc" = 0 ] && [ -n "$dry" ]; then',
  '    echo "DebVisor installer: the dry run ended at the plan; nothing was touched."',
  '    echo "The facts it planned with (debvisor facts):"',
  '    echo "--- facts ---"',
  '    cat "$facts"',
  '    echo "--- end of facts ---"',
  '  elif [ "$rc" = 0 ]; then',
  '    echo "DebVisor installer: the install is done; the machine restarts as the profile says (install.finish)."',
  '  else',
  '    echo "DebVisor installer: left without installing (aborted: nothing was touched; a failure is described above and in journalctl -u debvisor-installer-*)."',
  '  fi',
  '  echo "Press Enter to start the installer again."',
  '  # No terminal to read from: wait instead of spinning.',
  '  read -r _ || sleep 10',
  'done',
  '',
].join('\n');

/**
 * The installer on one console, a unit per boot mode: `debvisor-installer-tty1` for the
 * install entry, `debvisor-installer-ttyS0` (vt220: the ASCII look) for install-serial. The
 * console's getty is masked for that boot by debvisor-installer-generator.
 */
export function installerUnit(tty: 'tty1' | 'ttyS0', speed: number): string {
  const serial = tty === 'ttyS0';
  return [
    '[Unit]',
    `Description=DebVisor installer on ${serial ? 'the serial console' : 'the screen'} (${tty})`,
    `ConditionKernelCommandLine=debvisor.mode=${serial ? 'install-serial' : 'install'}`,
    // Its discovery may fetch the profile over the network (--discover).
    'After=live-config.service debvisor-live-firewall.service debvisor-live-network.service systemd-udev-settle.service systemd-user-sessions.service',
    `Before=${serial ? 'serial-getty@ttyS0.service' : 'getty@tty1.service'}`,
    '',
    '[Service]',
    // idle: started once the boot's jobs are out, so systemd's status lines do not cut into it.
    'Type=idle',
    `ExecStart=/usr/libexec/debvisor-installer-console${serial ? ` ${speed}` : ''}`,
    `Environment=TERM=${serial ? 'vt220' : 'linux'}`,
    'StandardInput=tty',
    'StandardOutput=tty',
    'StandardError=tty',
    `TTYPath=/dev/${tty}`,
    'TTYReset=yes',
    'TTYVHangup=yes',
    ...(serial ? [] : ['TTYVTDisallocate=yes']),
    // The script loops by itself; this only covers it being killed.
    'Restart=always',
    'RestartSec=2',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/**
 * Masks, for this boot only, the getty of the console the installer takes (a login prompt with
 * no account would be all it offered). A generator, since the boot mode is known only at boot.
 */
export const INSTALLER_GENERATOR = [
  '#!/bin/sh',
  '# $2: the early generator directory (before /etc): a mask there wins over the getty generator.',
  'early="${2:-/run/systemd/generator.early}"',
  'case " $(cat /proc/cmdline) " in',
  '  *" debvisor.mode=install "*) unit=getty@tty1.service ;;',
  '  *" debvisor.mode=install-serial "*) unit=serial-getty@ttyS0.service ;;',
  '  *) exit 0 ;;',
  'esac',
  'mkdir -p "$early"',
  'ln -sf /dev/null "$early/$unit"',
  '',
].join('\n');

/**
 * The live system's firewall: nothing comes in but answers to its own connections, DHCP and
 * the ICMP a network needs. Its own table, loaded only in the live system (boot=live), so the
 * unit copied onto a node with the image does nothing there.
 */
export const LIVE_FIREWALL = [
  '#!/usr/sbin/nft -f',
  "# DebVisor live system: deny inbound. The unattended installer adds tcp/22 only for a profile's install.debugSsh keys.",
  'table inet debvisor_live',
  'delete table inet debvisor_live',
  'table inet debvisor_live {',
  '  chain input {',
  '    type filter hook input priority filter; policy drop;',
  '    ct state established,related accept',
  '    ct state invalid drop',
  '    iif lo accept',
  '    meta l4proto icmpv6 accept', // nft's keyword: ipv6-icmp needs /etc/protocols (netbase), which a minimal host lacks
  '    icmp type { echo-request, destination-unreachable, time-exceeded, parameter-problem } accept',
  '    udp sport 67 udp dport 68 accept',
  '    udp sport 547 udp dport 546 accept',
  '  }',
  '  chain forward {',
  '    type filter hook forward priority filter; policy drop;',
  '  }',
  '}',
  '',
].join('\n');

/**
 * The live system's network is the initramfs's (the PXE boot, or `ip=dhcp`) or else
 * debvisor-live-network's (DHCP): ifupdown2 stays off it. Given live-boot's interfaces file it ran a second DHCP client on the interface the
 * initramfs had set up, and the PXE-booted installer lost its address. Only the node runs it.
 */
export const LIVE_NETWORKING_DROPIN = [
  '# DebVisor live system only (install apply removes this file from the node).',
  '[Unit]',
  'ConditionKernelCommandLine=!boot=live',
  '',
].join('\n');

/**
 * The live system's network when the boot configured none (an ISO or USB boot; PXE and `ip=`
 * have the initramfs do it): DHCP on each Ethernet link with a carrier, see
 * installer/unattended/live-network.ts. After udev has named the links (a raised link is not
 * renamed), before network-online.target, which the unattended installer waits for.
 */
export const LIVE_NETWORK_UNIT = [
  '[Unit]',
  'Description=DebVisor live system: network by DHCP when the boot configured none',
  'ConditionKernelCommandLine=boot=live',
  'Wants=systemd-udev-settle.service network.target',
  'After=systemd-udev-settle.service debvisor-live-firewall.service network.target',
  'Before=network-online.target',
  '',
  '[Service]',
  'Type=oneshot',
  'ExecStart=/usr/bin/debvisor install live-network',
  'StandardOutput=journal+console',
  // Carrier wait, dhclient's bound and node's start under emulation: far below this.
  'TimeoutStartSec=180',
  'RemainAfterExit=yes',
  '',
  '[Install]',
  'WantedBy=network-online.target multi-user.target',
  '',
].join('\n');

export const LIVE_FIREWALL_UNIT = [
  '[Unit]',
  'Description=DebVisor live system: firewall (deny inbound)',
  'ConditionKernelCommandLine=boot=live',
  'DefaultDependencies=no',
  'Before=network-pre.target',
  'Wants=network-pre.target',
  '',
  '[Service]',
  'Type=oneshot',
  'ExecStart=/usr/sbin/nft -f /etc/debvisor/live-firewall.nft',
  'RemainAfterExit=yes',
  '',
  '[Install]',
  'WantedBy=sysinit.target',
  '',
].join('\n');

/**
 * The live system has no account with a password: live-config's user-setup (user `user`,
 * password `live`, sudo) is taken out, root stays locked, and sshd is off (the installed node
 * enables its own, hardened). The components live in the packages layer, so a hook removes them.
 */
export const LIVE_HARDENING_HOOK = [
  '#!/bin/sh',
  'set -e',
  'rm -f /usr/lib/live/config/0030-user-setup /usr/lib/live/config/0030-live-debconfig_passwd /usr/lib/live/config/0040-sudo',
  '# root must stay without a password (the bootstrap leaves it locked).',
  "grep -q '^root:[*!]' /etc/shadow",
  'systemctl disable ssh.service',
  'systemctl enable debvisor-live-firewall.service debvisor-unattended.service debvisor-installer-tty1.service debvisor-installer-ttyS0.service',
  '',
].join('\n');

/**
 * A kernel package made by `make bindeb-pkg` does not depend on initramfs-tools (Debian's
 * linux-image does), so apt may set it up before initramfs-tools and no initrd is made. This
 * makes one for every kernel that lacks it; with Debian's kernel it does nothing.
 */
export const INITRAMFS_HOOK = [
  '#!/bin/sh',
  'set -e',
  '# The packages layer installs the kernel without an initramfs (INITRD=No): the live one is made',
  "# once, after every hook, by live-build's chroot_hacks (update-initramfs -k all -t -u), which",
  '# updates only images that exist; an empty one stands in for it until then.',
  'for k in /boot/vmlinuz-*; do',
  '  [ -e "$k" ] || continue',
  '  v=${k#/boot/vmlinuz-}',
  '  [ -e "/boot/initrd.img-$v" ] || : > "/boot/initrd.img-$v"',
  'done',
  '',
].join('\n');

/**
 * The installed node's initramfs, built once here (natively) instead of in every install, where
 * it took half of the install under emulation; install apply takes it unless the root is
 * encrypted (installer/apply/steps-system.ts NODE_INITRAMFS_DIR). It is what update-initramfs
 * makes on a node once the live packages are purged: their initramfs-tools files are moved
 * aside while it is built and put back after, also on failure (a chroot has no mount point of
 * its own to make a private mount namespace from). The package list is install apply's
 * LIVE_PACKAGES (a unit test holds them equal).
 */
/** Where the node's initramfs is built in the image (install apply's NODE_INITRAMFS_DIR), and the mark that it was put back instead. */
export const NODE_INITRAMFS_OUT = '/usr/lib/debvisor/node-initramfs';
export const NODE_INITRAMFS_REUSED = '.debvisor-reused';
export const NODE_INITRAMFS_HOOK = [
  '#!/bin/sh',
  'set -e',
  `out=${NODE_INITRAMFS_OUT}`,
  '# Put back by the builder from an earlier build of the same inputs (builder/initramfs-cache.ts).',
  `if [ -e "$out/${NODE_INITRAMFS_REUSED}" ]; then rm -f "$out/${NODE_INITRAMFS_REUSED}"; exit 0; fi`,
  'aside=/tmp/debvisor-node-initramfs',
  'rm -rf "$out" "$aside"',
  'mkdir -p "$out" "$aside"',
  `dpkg-query -L live-boot live-boot-initramfs-tools live-config live-config-systemd live-tools 2>/dev/null | grep -E '^/(usr/share|etc)/initramfs-tools/' > "$aside/list" || true`,
  '# Put back whatever happens: the image keeps its live initramfs parts.',
  ': > "$aside/moved"',
  'restore() { while read -r f; do mv "$aside/files$f" "$f"; done < "$aside/moved"; rm -rf "$aside"; }',
  'trap restore EXIT',
  'while read -r f; do',
  '  [ -f "$f" ] || [ -L "$f" ] || continue',
  '  mkdir -p "$aside/files${f%/*}"',
  '  mv "$f" "$aside/files$f"',
  '  echo "$f" >> "$aside/moved"',
  'done < "$aside/list"',
  'for k in /boot/vmlinuz-*; do',
  '  [ -e "$k" ] || continue',
  '  v=${k#/boot/vmlinuz-}',
  '  mkinitramfs -o "$out/initrd.img-$v" "$v"',
  'done',
  '',
].join('\n');

/**
 * live-build's 9010 hook deletes the bytecode Debian's packages compiled when they were installed,
 * to save a few MiB. Without it every Python program compiles its modules again on a node's first
 * start (ifupdown2 brings the bridge up about 40 s late under emulation; fail2ban likewise), and on
 * every start of the read-only live system. Compiled again after that hook, in the directories the
 * packages had compiled (their empty __pycache__ are left), one process, a fixed hash seed and
 * the sources' own times: two builds of the same packages make the same bytes.
 */
export const PYTHON_BYTECODE_HOOK = [
  '#!/bin/sh',
  'set -e',
  'command -v python3 >/dev/null || exit 0',
  'list=/tmp/debvisor-pyc-dirs',
  'find /usr -type d -name __pycache__ -printf \'%h\\n\' | LC_ALL=C sort > "$list"',
  '# A module that does not compile (a leftover for another Python) is skipped, as py3compile does.',
  'PYTHONHASHSEED=0 python3 -W ignore::SyntaxWarning -m compileall -qq -l -j 1 --invalidation-mode timestamp -i "$list" || true',
  'rm -f "$list"',
  '',
].join('\n');

/**
 * Left out of the squashfs: apt's binary caches. They hold the times the package lists were
 * fetched, so two builds of the same packages differed only there; apt rebuilds them on demand.
 */
export const SQUASHFS_EXCLUDES = ['var/cache/apt/pkgcache.bin', 'var/cache/apt/srcpkgcache.bin', ''].join('\n');

export interface LbInputs {
  repo: string;
  debPath: string;
  debFile: string;
  /** Custom kernel packages (image, headers), installed from the local repository and kept for the installer. */
  kernelDebs?: { file: string; path: string }[];
}

/** Every file of the live-build tree besides what `lb config` writes. */
export function liveBuildFiles(
  spec: BuildSpec,
  version: string,
  inputs: LbInputs,
  readRepo: (p: string) => string = (p) => readFileSync(join(inputs.repo, p), 'utf8'),
): LbFile[] {
  const files: LbFile[] = [];
  for (const list of spec.packages)
    files.push({ path: `config/package-lists/${list}.list.chroot`, content: readRepo(`iso/packages/${list}.list`), mode: 0o644 });
  const deb = readFileSync(inputs.debPath);
  files.push({ path: `config/packages.chroot/${inputs.debFile}`, content: deb, mode: 0o644 });
  // Kept in the live system for the installer to put on the target.
  files.push({ path: `config/includes.chroot/usr/share/debvisor/packages/${inputs.debFile}`, content: deb, mode: 0o644 });
  for (const k of inputs.kernelDebs ?? []) {
    const content = readFileSync(k.path);
    // Only the image goes into the live system; the headers are kept for DKMS on the target.
    if (k.file.startsWith('linux-image-')) files.push({ path: `config/packages.chroot/${k.file}`, content, mode: 0o644 });
    files.push({ path: `config/includes.chroot/usr/share/debvisor/packages/${k.file}`, content, mode: 0o644 });
  }
  files.push({ path: 'config/includes.chroot/etc/systemd/system/debvisor-live.service', content: LIVE_UNIT, mode: 0o644 });
  files.push({ path: 'config/includes.chroot/etc/systemd/system/debvisor-live-issue.service', content: LIVE_ISSUE_UNIT, mode: 0o644 });
  files.push({ path: 'config/includes.chroot/usr/libexec/debvisor-live-mode', content: LIVE_MODE_SCRIPT, mode: 0o755 });
  files.push({ path: 'config/hooks/normal/0400-debvisor-initramfs.hook.chroot', content: INITRAMFS_HOOK, mode: 0o755 });
  files.push({ path: 'config/hooks/normal/0410-debvisor-node-initramfs.hook.chroot', content: NODE_INITRAMFS_HOOK, mode: 0o755 });
  // After live-build's 9010-remove-python-pyc.
  files.push({ path: 'config/hooks/normal/9011-debvisor-python-bytecode.hook.chroot', content: PYTHON_BYTECODE_HOOK, mode: 0o755 });
  files.push({
    path: 'config/hooks/normal/0500-debvisor-live.hook.chroot',
    content: '#!/bin/sh\nset -e\nsystemctl enable debvisor-live.service debvisor-live-issue.service debvisor-live-network.service\n',
    mode: 0o755,
  });
  files.push({ path: 'config/includes.chroot/etc/systemd/system/debvisor-unattended.service', content: UNATTENDED_UNIT, mode: 0o644 });
  files.push({
    path: 'config/includes.chroot/etc/systemd/system/debvisor-installer-tty1.service',
    content: installerUnit('tty1', spec.boot.serialSpeed),
    mode: 0o644,
  });
  files.push({
    path: 'config/includes.chroot/etc/systemd/system/debvisor-installer-ttyS0.service',
    content: installerUnit('ttyS0', spec.boot.serialSpeed),
    mode: 0o644,
  });
  files.push({ path: 'config/includes.chroot/usr/libexec/debvisor-installer-console', content: INSTALLER_CONSOLE_SCRIPT, mode: 0o755 });
  files.push({ path: 'config/includes.chroot/usr/lib/systemd/system-generators/debvisor-installer-generator', content: INSTALLER_GENERATOR, mode: 0o755 });
  files.push({ path: 'config/includes.chroot/etc/systemd/system/debvisor-live-firewall.service', content: LIVE_FIREWALL_UNIT, mode: 0o644 });
  files.push({ path: 'config/includes.chroot/etc/systemd/system/debvisor-live-network.service', content: LIVE_NETWORK_UNIT, mode: 0o644 });
  files.push({ path: 'config/includes.chroot/etc/debvisor/live-firewall.nft', content: LIVE_FIREWALL, mode: 0o644 });
  files.push({ path: 'config/includes.chroot/etc/systemd/system/networking.service.d/debvisor-live.conf', content: LIVE_NETWORKING_DROPIN, mode: 0o644 });
  files.push({ path: 'config/hooks/normal/0600-debvisor-live-hardening.hook.chroot', content: LIVE_HARDENING_HOOK, mode: 0o755 });
  files.push({ path: 'config/includes.chroot/etc/debvisor/kernel-fragment.config', content: readRepo(spec.kernel.fragment), mode: 0o644 });
  if (spec.profile) files.push({ path: 'config/includes.chroot/etc/debvisor/profile.yaml', content: readRepo(spec.profile), mode: 0o600 });
  // Whose profile signatures the unattended installer accepts (installer/unattended/run-unattended.ts ALLOWED_SIGNERS).
  if (spec.profileSigners) files.push({ path: 'config/includes.chroot/etc/debvisor/profile-signers', content: readRepo(spec.profileSigners), mode: 0o644 });
  files.push({ path: 'config/rootfs/excludes', content: SQUASHFS_EXCLUDES, mode: 0o644 });
  files.push(...bootloaderFiles(spec, version));
  return files;
}

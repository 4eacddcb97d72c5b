import { FIRSTBOOT_RUN_NODE, SHORT_RUN_NODE } from '../../core/tool-paths.js';
import type { InstallPlan, NetworkPlan } from '../plan/types.js';

/** Where the .link files that pin interface names by MAC go. */
export const LINK_DIR = '/etc/systemd/network';

/** Pure: /etc/network/interfaces for ifupdown2, as Proxmox writes it (vmbr0 over the NIC or bond). */
export function renderInterfaces(n: NetworkPlan): string {
  const out = ['# Written by the DebVisor installer from the profile (network.*).', 'auto lo', 'iface lo inet loopback', ''];
  const mgmt = n.interfaces.filter((i) => i.role !== 'unused').map((i) => i.pinnedName ?? i.name);
  for (const name of mgmt) out.push(`iface ${name} inet manual`, '');
  if (n.bond) {
    out.push(
      `auto ${n.bond.name}`,
      `iface ${n.bond.name} inet manual`,
      `\tbond-slaves ${n.bond.members.join(' ')}`,
      `\tbond-miimon ${n.bond.miimon}`,
      `\tbond-mode ${n.bond.mode}`,
    );
    if (n.bond.xmitHashPolicy) out.push(`\tbond-xmit-hash-policy ${n.bond.xmitHashPolicy}`);
    out.push('');
  }
  const family = (inet: 'inet' | 'inet6', c: NetworkPlan['ipv4']): string[] => {
    if (c.method === 'static') return [`iface ${n.addressOn} ${inet} static`, `\taddress ${c.address}`, ...(c.gateway ? [`\tgateway ${c.gateway}`] : [])];
    if (c.method === 'dhcp') return [`iface ${n.addressOn} ${inet} dhcp`];
    if (c.method === 'auto') return [`iface ${n.addressOn} ${inet} auto`];
    return [];
  };
  const v4 = family('inet', n.ipv4);
  // IPv6 auto is SLAAC, which the kernel does by itself (accept_ra, autoconf). An `inet6 auto`
  // stanza beside `inet dhcp` makes ifupdown2 start a stateful DHCPv6 client and wait for it: with
  // no DHCPv6 server, networking.service never finished starting.
  const v6 = n.ipv6.method === 'auto' ? ['# IPv6: SLAAC from router advertisements (the kernel default; no stanza needed)'] : family('inet6', n.ipv6);
  if (n.bridge) {
    const b = n.bridge;
    const head = b.name === n.addressOn && v4.length ? v4 : [`iface ${b.name} inet manual`];
    out.push(`auto ${b.name}`, ...head, `\tbridge-ports ${b.ports.join(' ')}`, '\tbridge-stp off', '\tbridge-fd 0');
    if (b.vlanAware) out.push('\tbridge-vlan-aware yes', '\tbridge-vids 2-4094');
    if (n.mtu) out.push(`\tmtu ${n.mtu}`);
    out.push('');
    if (b.name === n.addressOn && v6.length) out.push(...v6, '');
  }
  if (!n.bridge || n.addressOn !== n.bridge.name) {
    out.push(`auto ${n.addressOn}`, ...(v4.length ? v4 : [`iface ${n.addressOn} inet manual`]));
    if (n.mtu && !n.bridge) out.push(`\tmtu ${n.mtu}`);
    out.push('');
    if (v6.length) out.push(...v6, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** Pure: one systemd .link file per physical interface, pinning its name to its MAC. */
export function renderLinkFiles(n: NetworkPlan): { path: string; content: string }[] {
  return n.interfaces
    .filter((i) => i.pinnedName)
    .map((i) => ({
      path: `${LINK_DIR}/10-debvisor-${i.pinnedName}.link`,
      content: `# Written by the DebVisor installer: ${i.pinnedName} stays ${i.pinnedName} whatever the kernel enumerates first.\n[Match]\nMACAddress=${i.mac}\nType=ether\n\n[Link]\nName=${i.pinnedName}\n`,
    }));
}

/** Pure: /etc/hosts with the node's names on 127.0.1.1, as Debian's installer writes it. */
export function renderHosts(node: InstallPlan['node']): string {
  const names = node.fqdn !== node.hostname ? `${node.fqdn} ${node.hostname}` : node.hostname;
  return `127.0.0.1\tlocalhost\n127.0.1.1\t${names}\n\n::1\tlocalhost ip6-localhost ip6-loopback\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n`;
}

export function renderResolvConf(n: NetworkPlan): string | undefined {
  if (!n.dns.servers.length) return undefined;
  return `${n.dns.search.length ? `search ${n.dns.search.join(' ')}\n` : ''}${n.dns.servers.map((s) => `nameserver ${s}`).join('\n')}\n`;
}

/** Pure: one fstab line per filesystem, by UUID. */
export function renderFstab(rows: { uuid: string; type: string; mount: string }[]): string {
  const line = (r: (typeof rows)[number]): string => {
    if (r.type === 'swap') return `UUID=${r.uuid}\tnone\tswap\tsw\t0\t0`;
    if (r.type === 'vfat') return `UUID=${r.uuid}\t${r.mount}\tvfat\tumask=0077\t0\t1`;
    const opts = r.type === 'ext4' ? 'errors=remount-ro' : 'defaults';
    return `UUID=${r.uuid}\t${r.mount}\t${r.type}\t${opts}\t0\t${r.mount === '/' ? 1 : 2}`;
  };
  return `# Written by the DebVisor installer: every filesystem by UUID.\n# <file system>\t<mount point>\t<type>\t<options>\t<dump>\t<pass>\n${rows.map(line).join('\n')}\n`;
}

/** Pure: the console= arguments of the live system, which the node keeps (serial console installs stay reachable). */
export function consoleArgs(cmdline: string): string[] {
  return cmdline.split(/\s+/).filter((a) => a.startsWith('console='));
}

/** Pure: /etc/default/grub.d/debvisor.cfg: the kernel arguments, and GRUB on the serial port when the node has a serial console. */
export function renderGrubDefaults(kernelArgs: string[], consoles: string[]): string {
  const serial = consoles.find((c) => c.startsWith('console=ttyS'));
  const speed = serial ? (/,(\d+)/.exec(serial)?.[1] ?? '115200') : undefined;
  const args = [...consoles, ...kernelArgs].join(' ');
  return [
    '# Written by the DebVisor installer.',
    'GRUB_DISTRIBUTOR="DebVisor"',
    `GRUB_CMDLINE_LINUX="${args}"`,
    'GRUB_TIMEOUT=3',
    ...(serial ? ['GRUB_TERMINAL="console serial"', `GRUB_SERIAL_COMMAND="serial --speed=${speed} --unit=0 --word=8 --parity=no --stop=1"`] : []),
    '',
  ].join('\n');
}

/**
 * Debian 13's ifupdown2 `networking.service` has no ordering against the network targets (its
 * DefaultDependencies=no), so network-online.target was reached at ~20 s while vmbr0 got its
 * address at ~60 s, and nothing kept it after the firewall. As Proxmox patches the same unit:
 * after network-pre.target (nftables.service loads the ruleset before it, so no interface is up
 * without the firewall), after sysctl and modules, before network.target and
 * network-online.target (`ifup -a` waits for a DHCP lease), so first boot starts when the node
 * is on the network.
 */
export const NETWORKING_ONLINE_DROPIN_PATH = '/etc/systemd/system/networking.service.d/debvisor-online.conf';
export const NETWORKING_ONLINE_DROPIN = [
  '# Written by the DebVisor installer: the interfaces come up after the firewall, and network-online.target means they are up.',
  '[Unit]',
  'Wants=network.target',
  'After=local-fs.target network-pre.target systemd-sysctl.service systemd-modules-load.service',
  'Before=network.target network-online.target',
  '',
].join('\n');

/**
 * The first-boot unit: runs `debvisor firstboot` once the network is online, until the command
 * writes its marker (every step done). Not RemainAfterExit: the retry timer must be able to
 * start it again while a remote step is still retrying.
 */
export const FIRSTBOOT_UNIT_PATH = '/etc/systemd/system/debvisor-firstboot.service';
export const FIRSTBOOT_UNIT = `[Unit]
Description=DebVisor first boot (DNS registration, certificates, cluster join, hand-off)
ConditionPathExists=!/var/lib/debvisor/firstboot.done
Wants=network-online.target
After=network-online.target local-fs.target

[Service]
Type=oneshot
# Node trusts its own CA bundle by default; this makes it use the system store (ca-certificates, update-ca-certificates).
Environment=NODE_OPTIONS=--use-openssl-ca
# Node starts from the snapshot the installer made (core/tool-paths.ts), or as usual without one.
ExecStart=${FIRSTBOOT_RUN_NODE.join(' ')} firstboot
# The node is ready sooner when first boot goes before the daemons starting beside it (nginx, sshd,
# fail2ban): on a small machine they compete for the same CPU, and none of them is waited for.
CPUWeight=1000
TimeoutStartSec=20min
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
`;

/** Reruns first boot in the background until every step is done (the same command, the same marker). */
export const FIRSTBOOT_TIMER_PATH = '/etc/systemd/system/debvisor-firstboot.timer';
export const FIRSTBOOT_TIMER = `[Unit]
Description=DebVisor first boot: retry the steps still waiting for a remote
ConditionPathExists=!/var/lib/debvisor/firstboot.done

[Timer]
OnBootSec=5min
OnUnitInactiveSec=5min
RandomizedDelaySec=1min
Unit=debvisor-firstboot.service

[Install]
WantedBy=timers.target
`;

/**
 * The hand-off point: runtime services hook in with WantedBy=debvisor-runtime.target. First boot
 * starts it once the local steps are done (the gate file is written just before); on later boots
 * multi-user.target pulls it in.
 */
export const RUNTIME_TARGET_PATH = '/etc/systemd/system/debvisor-runtime.target';
export const RUNTIME_TARGET = `[Unit]
Description=DebVisor runtime services
ConditionPathExists=/var/lib/debvisor/firstboot/handoff.ready
After=network-online.target

[Install]
WantedBy=multi-user.target
`;

/** Certificate renewal twice a day with a random delay (spreads the load on the CA), after first boot got one. */
export const CERT_RENEW_SERVICE_PATH = '/etc/systemd/system/debvisor-cert-renew.service';
export const CERT_RENEW_SERVICE = `[Unit]
Description=DebVisor: renew the panel certificate by ACME when due
ConditionPathExists=/var/lib/debvisor/firstboot/certificate.done
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
Environment=NODE_OPTIONS=--use-openssl-ca
ExecStart=${SHORT_RUN_NODE.join(' ')} cert renew
`;
export const CERT_RENEW_TIMER_PATH = '/etc/systemd/system/debvisor-cert-renew.timer';
export const CERT_RENEW_TIMER = `[Unit]
Description=DebVisor: renew the panel certificate twice a day

[Timer]
OnCalendar=*-*-* 00,12:00:00
RandomizedDelaySec=1h
Persistent=true

[Install]
WantedBy=timers.target
`;

/**
 * The consoles tty2 to tty6 after first boot. Without D-Bus (no logind to spawn them on demand)
 * Debian's getty-static.service starts five gettys, each about a second of CPU under emulation,
 * in the same second as first boot; tty1 and the serial console are not its and come as before.
 * On every later boot first boot is skipped, and the order costs nothing.
 */
export const GETTY_STATIC_DROPIN_PATH = '/etc/systemd/system/getty-static.service.d/debvisor-after-firstboot.conf';
export const GETTY_STATIC_DROPIN = [
  '# Written by the DebVisor installer: the gettys on tty2-tty6 start once first boot is done.',
  '[Unit]',
  'After=debvisor-firstboot.service',
  '',
].join('\n');

/** Every first-boot unit file, for the installer to write (the service's own path and text stay exported above). */
export const FIRSTBOOT_UNIT_FILES: readonly { path: string; content: string }[] = [
  { path: FIRSTBOOT_UNIT_PATH, content: FIRSTBOOT_UNIT },
  { path: FIRSTBOOT_TIMER_PATH, content: FIRSTBOOT_TIMER },
  { path: RUNTIME_TARGET_PATH, content: RUNTIME_TARGET },
  { path: CERT_RENEW_SERVICE_PATH, content: CERT_RENEW_SERVICE },
  { path: CERT_RENEW_TIMER_PATH, content: CERT_RENEW_TIMER },
  { path: GETTY_STATIC_DROPIN_PATH, content: GETTY_STATIC_DROPIN },
];

/**
 * /etc and /var marked up to date with /usr, as systemd-update-done marks them after a boot:
 * the image's linker cache, journal catalog and system users are current, so the node's first
 * boot does not run ldconfig, the catalog rebuild and sysusers again (ConditionNeedsUpdate=),
 * seconds of CPU on a small machine while the network comes up. An update of /usr later makes
 * them run, as systemd intends. Each file also takes /usr's time (`touch --reference`).
 */
export const UPDATE_DONE_PATHS = ['/etc/.updated', '/var/.updated'];
export function renderUpdateDone(usrMtimeNs: bigint): string {
  return [
    '# Written by the DebVisor installer as systemd-update-done writes it: /usr has not changed',
    '# since. See man:systemd-update-done.service(8).',
    `TIMESTAMP_NSEC=${usrMtimeNs}`,
    '',
  ].join('\n');
}

/**
 * The live system's own network (pure part). A PXE boot or `ip=` on the kernel command line has
 * the initramfs configure an interface; a boot from the ISO or a USB stick configures none, and
 * then a profile from an HTTPS answer server or a DHCP URL cannot be fetched. So the live boot runs
 * `debvisor install live-network`: when nothing is configured yet, every Ethernet link is raised,
 * and ISC dhclient (with Debian's dhclient-script, which applies the lease: address, routes,
 * resolv.conf) asks on each one that has a carrier. dhclient stays behind to renew its lease.
 * The effects are in live-network-run.ts.
 */
import { join } from 'node:path';
import { DebvisorError } from '../../core/errors.js';
import { splitCmdline } from './cmdline.js';
import { DHCLIENT, DHCP_ASK_SLACK_S } from './dhcp-ask.js';
import { DHCLIENT_URL_OPTION } from './dhcp-lease.js';

/**
 * How long dhclient tries on one interface: longer than the installer's one-off ask, since here an
 * answer is the network itself (a switch port still in STP listening/learning, a server pinging
 * the address it is about to offer).
 */
export const LIVE_DHCP_TIMEOUT_S = 20;
/** How long raised links get to report a carrier (autonegotiation takes 1-4 s on real NICs). */
export const CARRIER_WAIT_MS = 8000;
/** The hard bound on one dhclient run with a given timeout (it is killed then). */
export function liveDhcpBoundMs(timeoutS = LIVE_DHCP_TIMEOUT_S): number {
  return (timeoutS + DHCP_ASK_SLACK_S) * 1000;
}
/** dhclient -1: "On failure exit with code 2" (no answer within its timeout). */
export const DHCP_NO_LEASE = 2;
/** Where Debian's dhclient keeps leases: the installer's DHCP URL source reads them from here. */
export const LIVE_LEASE_DIR = '/var/lib/dhcp';
/** The configuration for these runs (tmpfs; the live system forgets it at reboot). */
export const LIVE_DHCP_CONF = '/run/debvisor/live-network/dhclient.conf';
/** `debvisor.net=off` on the kernel command line: leave the network alone (a site without DHCP). */
export const NET_OFF_ARG = 'debvisor.net=off';
/** Linux interface names: at most 15 bytes; only these characters reach a file name or argv. */
const IFACE_NAME = /^[A-Za-z0-9_.-]{1,15}$/;

/**
 * dhclient.conf for the live system: the usual options, and option 114 (`default-url`, see
 * dhcp-lease.ts) so the lease carries a profile URL when the server hands one out.
 */
export function renderLiveDhclientConf(timeoutS = LIVE_DHCP_TIMEOUT_S): string {
  return [
    '# Written by debvisor install live-network: DHCP for the live installer system.',
    `timeout ${timeoutS};`,
    'initial-interval 1;',
    'backoff-cutoff 4;',
    `request subnet-mask, broadcast-address, routers, domain-name, domain-name-servers, domain-search, interface-mtu, ${DHCLIENT_URL_OPTION};`,
    '',
  ].join('\n');
}

export interface LiveDhcpFiles {
  conf: string;
  leases: string;
  pid: string;
}

/** The files of one interface's dhclient; the lease name matches what dhcp-lease.ts reads (dhclient*.leases). */
export function liveDhcpFiles(iface: string, leaseDir = LIVE_LEASE_DIR, conf = LIVE_DHCP_CONF): LiveDhcpFiles {
  if (!IFACE_NAME.test(iface)) throw new DebvisorError('E_INTERNAL', `not an interface name: ${JSON.stringify(iface)}`);
  return { conf, leases: join(leaseDir, `dhclient.${iface}.leases`), pid: join(leaseDir, `dhclient.${iface}.pid`) };
}

/** dhclient for one interface: IPv4, one try (exit 2 with no lease), verbose, Debian's script applies the lease. */
export function liveDhclientArgv(iface: string, files: LiveDhcpFiles, dhclient = DHCLIENT): string[] {
  return [dhclient, '-4', '-1', '-v', '-cf', files.conf, '-lf', files.leases, '-pf', files.pid, iface];
}

/** Why the live system's network is left as it is, from the kernel command line; undefined when it is not. */
export function cmdlineSkip(cmdline: string): string | undefined {
  const args = splitCmdline(cmdline);
  if (args.includes(NET_OFF_ARG)) return `${NET_OFF_ARG} is on the kernel command line`;
  const ipArg = args.find((a) => a.startsWith('ip=') || a === 'ip');
  // `ip=` (klibc ipconfig in the initramfs) configured the network, or was told not to (ip=off/none).
  if (ipArg) return `the kernel command line has ${ipArg.length > 60 ? `${ipArg.slice(0, 60)}...` : ipArg}: the initramfs configures the network`;
  return undefined;
}

/** What an `ip -j` command printed, as the JSON array it must be. */
function ipJsonArray(text: string, command: string): unknown[] {
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    list = undefined;
  }
  if (!Array.isArray(list))
    throw new DebvisorError('E_LIVE_NETWORK', `\`${command}\` printed no JSON array`, { hint: 'the live system needs iproute2 with JSON output (`ip -j`)' });
  return list;
}

interface IpAddrInfo {
  family?: unknown;
  scope?: unknown;
  local?: unknown;
  prefixlen?: unknown;
}

interface IpAddr {
  ifname?: unknown;
  addr_info?: unknown;
}

/**
 * The first global IPv4 address some interface has, from `ip -j addr show`, as `iface addr/len`
 * (the PXE boot's initramfs set it up): then this boot has its network already.
 */
export function configuredAddress(ipAddrJson: string): string | undefined {
  for (const l of ipJsonArray(ipAddrJson, 'ip -j addr show') as IpAddr[]) {
    if (typeof l.ifname !== 'string' || l.ifname === 'lo' || !Array.isArray(l.addr_info)) continue;
    const a = (l.addr_info as IpAddrInfo[]).find((x) => x.family === 'inet' && x.scope === 'global' && typeof x.local === 'string');
    if (a) return `${l.ifname} ${String(a.local)}/${String(a.prefixlen)}`;
  }
  return undefined;
}

interface IpLink {
  ifname?: unknown;
  flags?: unknown;
  link_type?: unknown;
  master?: unknown;
}

/**
 * The Ethernet links that are down and are not another interface's port, from `ip -j link show`:
 * they are raised so their carrier shows (a link that is down reports none).
 */
export function linksToRaise(ipLinkJson: string): string[] {
  return (ipJsonArray(ipLinkJson, 'ip -j link show') as IpLink[])
    .filter((l) => {
      const flags = Array.isArray(l.flags) ? l.flags : [];
      return typeof l.ifname === 'string' && IFACE_NAME.test(l.ifname) && l.link_type === 'ether' && !flags.includes('UP') && typeof l.master !== 'string';
    })
    .map((l) => l.ifname as string);
}

/**
 * Asking the DHCP server for the profile URL (pure part: which interfaces, dhclient's
 * configuration and command line). The live system got its address from the initramfs
 * (klibc ipconfig, `ip=dhcp`), which does not ask for option 114, so the installer asks once
 * itself: ISC dhclient with its own configuration, lease and pid files, `-1` (one try, exit 2 on
 * failure) and `-sf /bin/true`, so the answer is recorded and nothing on the interface changes
 * (dhclient only configures an interface through its script). The effects are in dhcp-ask-run.ts.
 */
import { join } from 'node:path';
import { DebvisorError } from '../../core/errors.js';
import { DHCLIENT_URL_OPTION } from './dhcp-lease.js';

/**
 * How long dhclient tries on one interface (its `timeout`): a server that pings an address before
 * offering it (dnsmasq, ISC dhcpd) answers in 1-3 s; an install with no DHCP URL waits this long.
 */
export const DHCP_ASK_TIMEOUT_S = 5;
/** Beyond its own timeout, how long a dhclient run may take (start, last retransmission) before it is killed. */
export const DHCP_ASK_SLACK_S = 5;
/** The hard bound on one dhclient run with a given timeout. */
export function dhcpAskBoundMs(timeoutS: number): number {
  return (timeoutS + DHCP_ASK_SLACK_S) * 1000;
}
/** The hard bound on one dhclient run (and, the runs being parallel, on the whole ask). */
export const DHCP_ASK_KILL_MS = dhcpAskBoundMs(DHCP_ASK_TIMEOUT_S);
/** Debian's dhclient (isc-dhcp-client; /sbin is /usr/sbin on a merged-/usr system). */
export const DHCLIENT = '/sbin/dhclient';
/** dhclient's script: one that does nothing, so the lease is only written down, never applied. */
export const DHCLIENT_NO_SCRIPT = '/bin/true';
/** Where the ask keeps its configuration, leases and pid files (tmpfs; gone at reboot). */
export const DHCP_ASK_DIR = '/run/debvisor/dhcp-ask';
/** The one configuration in DHCP_ASK_DIR, for all interfaces. */
export const DHCP_ASK_CONF = 'dhclient.conf';
/** Linux interface names: at most 15 bytes; only these characters reach a file name or argv. */
const IFACE_NAME = /^[A-Za-z0-9_.-]{1,15}$/;

/**
 * dhclient.conf for the ask. dhclient 4.4 knows option 114 by name (`default-url`, a string; see
 * dhcp-options(5)), so it needs no `option ... code 114` line. A server sends option 114 only
 * when the client lists it in its parameter request list, hence `request`; subnet-mask and
 * routers are asked too, as any client does. Short intervals fit several DISCOVERs into the timeout.
 */
export function renderDhclientAskConf(timeoutS = DHCP_ASK_TIMEOUT_S): string {
  return [
    '# Written by debvisor install unattended: one DHCP request for the profile URL (option 114).',
    '# The script is /bin/true: the answer is recorded in the lease file and never applied.',
    `timeout ${timeoutS};`,
    'initial-interval 1;',
    'backoff-cutoff 2;',
    `request subnet-mask, routers, ${DHCLIENT_URL_OPTION};`,
    '',
  ].join('\n');
}

export interface AskFiles {
  conf: string;
  leases: string;
  pid: string;
}

/** One configuration for all interfaces; a lease and pid file per interface. */
export function askFiles(dir: string, iface: string): AskFiles {
  return { conf: join(dir, DHCP_ASK_CONF), leases: join(dir, `${iface}.leases`), pid: join(dir, `${iface}.pid`) };
}

/** dhclient's command line for one interface: IPv4, one try, verbose (its stderr explains a failure). */
export function dhclientAskArgv(iface: string, files: AskFiles, dhclient = DHCLIENT): string[] {
  return [dhclient, '-4', '-1', '-v', '-sf', DHCLIENT_NO_SCRIPT, '-cf', files.conf, '-lf', files.leases, '-pf', files.pid, iface];
}

export interface AskPlan {
  /** The interfaces to ask on, in the kernel's order (the first one with a URL wins). */
  ifaces: string[];
  /** The others, each with why, for the console and the log. */
  skipped: Array<{ iface: string; why: string }>;
}

interface IpLink {
  ifname?: unknown;
  flags?: unknown;
  link_type?: unknown;
  master?: unknown;
}

/**
 * Which interfaces to ask on, from `ip -j link show`: Ethernet links that are up and have a
 * carrier. Not lo, not an interface without a link (nobody would answer), not a bridge or bond
 * port (its master holds the address and is asked instead).
 */
export function planDhcpAsk(ipLinkJson: string): AskPlan {
  let links: unknown;
  try {
    links = JSON.parse(ipLinkJson);
  } catch {
    links = undefined;
  }
  if (!Array.isArray(links))
    throw new DebvisorError('E_PROFILE_SOURCE', 'URL from DHCP: `ip -j link show` printed no JSON array, so no interface was asked', {
      hint: 'the live system needs iproute2 with JSON output (`ip -j`)',
    });
  const plan: AskPlan = { ifaces: [], skipped: [] };
  for (const l of links as IpLink[]) {
    const name = typeof l.ifname === 'string' ? l.ifname : '';
    const flags = Array.isArray(l.flags) ? l.flags.filter((f): f is string => typeof f === 'string') : [];
    const why = !IFACE_NAME.test(name)
      ? 'a name with characters an interface name here never has'
      : flags.includes('LOOPBACK') || l.link_type !== 'ether'
        ? `not Ethernet (${String(l.link_type)})`
        : !flags.includes('UP')
          ? 'down'
          : !flags.includes('LOWER_UP') || flags.includes('NO-CARRIER')
            ? 'no link'
            : typeof l.master === 'string'
              ? `a port of ${l.master}`
              : undefined;
    if (why) plan.skipped.push({ iface: IFACE_NAME.test(name) ? name : JSON.stringify(name), why });
    else plan.ifaces.push(name);
  }
  return plan;
}

/**
 * The live system's own network (effects; the decisions are in live-network.ts): skip when the
 * boot configured it, else raise the Ethernet links, wait (bounded) for their carrier, and run
 * dhclient on each with a carrier, all at once, each run bounded. A lease is applied by Debian's
 * dhclient-script and renewed by the dhclient that stays behind.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DebvisorError } from '../../core/errors.js';
import { type Emitter, silentEmitter } from '../../core/events.js';
import { CommandError, type RunOptions, type RunResult, run, tail } from '../../core/run.js';
import { DHCLIENT, planDhcpAsk } from './dhcp-ask.js';
import {
  CARRIER_WAIT_MS,
  LIVE_DHCP_CONF,
  LIVE_DHCP_TIMEOUT_S,
  LIVE_LEASE_DIR,
  DHCP_NO_LEASE,
  cmdlineSkip,
  configuredAddress,
  linksToRaise,
  liveDhclientArgv,
  liveDhcpBoundMs,
  liveDhcpFiles,
  renderLiveDhclientConf,
} from './live-network.js';

export interface LiveNetworkOptions {
  /** The kernel command line (default: /proc/cmdline). */
  cmdline?: string;
  leaseDir?: string;
  conf?: string;
  timeoutS?: number;
  carrierWaitMs?: number;
  dhclient?: string;
  events?: Emitter;
  /** Runs a command: the project's runner (a test passes one that runs it in a network namespace). */
  exec?: (argv: string[], opts: RunOptions) => Promise<RunResult>;
}

export interface LiveNetworkResult {
  /** Why nothing was done (the boot configured the network, or was told to leave it). */
  skipped?: string;
  raised: string[];
  /** The interfaces dhclient ran on, and whether each got a lease. */
  dhcp: Array<{ iface: string; lease: boolean }>;
  /** Interfaces not asked, with why (no link, a bond's port...). */
  notAsked: Array<{ iface: string; why: string }>;
  /** The first global IPv4 address afterwards (`iface addr/len`), if any. */
  address: string | undefined;
  ms: number;
}

async function waitForCarrier(raised: string[], exec: NonNullable<LiveNetworkOptions['exec']>, waitMs: number): Promise<string> {
  const until = Date.now() + waitMs;
  for (;;) {
    const json = (await exec(['ip', '-j', 'link', 'show'], {})).stdout;
    const plan = planDhcpAsk(json);
    // Every raised link has a carrier, or the bound is reached (a port with no cable never gets one).
    if (raised.every((i) => plan.ifaces.includes(i)) || Date.now() >= until) return json;
    await sleep(250);
  }
}

async function dhcpOne(iface: string, o: Required<Omit<LiveNetworkOptions, 'cmdline'>>): Promise<{ iface: string; lease: boolean }> {
  const files = liveDhcpFiles(iface, o.leaseDir, o.conf);
  const argv = liveDhclientArgv(iface, files, o.dhclient);
  let r: RunResult;
  try {
    r = await o.exec(argv, { timeoutMs: liveDhcpBoundMs(o.timeoutS), allowFailure: true, events: o.events, step: 'live-network' });
  } catch (err) {
    if (err instanceof CommandError && /timed out/.test(err.message)) return { iface, lease: false };
    throw new DebvisorError('E_LIVE_NETWORK', `dhclient on ${iface} did not run: ${(err as Error).message}`, {
      hint: `check that ${o.dhclient} runs here (isc-dhcp-client)`,
      cause: err,
    });
  }
  if (r.exitCode === 0) return { iface, lease: true };
  if (r.exitCode === DHCP_NO_LEASE) return { iface, lease: false };
  throw new DebvisorError('E_LIVE_NETWORK', `dhclient on ${iface} failed (exit code ${r.exitCode})`, {
    hint: `the last lines of its output follow; the command was: ${argv.join(' ')}`,
    details: tail(r.stderr),
  });
}

/** Brings up the live system's network by DHCP unless the boot configured it (see live-network.ts). */
export async function bringUpLiveNetwork(opts: LiveNetworkOptions = {}): Promise<LiveNetworkResult> {
  const started = Date.now();
  const o = {
    leaseDir: opts.leaseDir ?? LIVE_LEASE_DIR,
    conf: opts.conf ?? LIVE_DHCP_CONF,
    timeoutS: opts.timeoutS ?? LIVE_DHCP_TIMEOUT_S,
    carrierWaitMs: opts.carrierWaitMs ?? CARRIER_WAIT_MS,
    dhclient: opts.dhclient ?? DHCLIENT,
    events: opts.events ?? silentEmitter,
    exec: opts.exec ?? run,
  };
  const done = (r: Omit<LiveNetworkResult, 'ms'>): LiveNetworkResult => ({ ...r, ms: Date.now() - started });
  const addr = async () => configuredAddress((await o.exec(['ip', '-j', 'addr', 'show'], {})).stdout);
  const skip = cmdlineSkip(opts.cmdline ?? readFileSync('/proc/cmdline', 'utf8'));
  if (skip) return done({ skipped: skip, raised: [], dhcp: [], notAsked: [], address: await addr() });
  const had = await addr();
  if (had) return done({ skipped: `${had} is configured already (by the boot)`, raised: [], dhcp: [], notAsked: [], address: had });

  const raised = linksToRaise((await o.exec(['ip', '-j', 'link', 'show'], {})).stdout);
  for (const iface of raised) await o.exec(['ip', 'link', 'set', 'dev', iface, 'up'], { events: o.events, step: 'live-network' });
  const plan = planDhcpAsk(await waitForCarrier(raised, o.exec, o.carrierWaitMs));
  if (plan.ifaces.length === 0) return done({ raised, dhcp: [], notAsked: plan.skipped, address: undefined });

  mkdirSync(dirname(o.conf), { recursive: true, mode: 0o755 });
  writeFileSync(o.conf, renderLiveDhclientConf(o.timeoutS), { mode: 0o644 });
  mkdirSync(o.leaseDir, { recursive: true });
  // Every run ends before a failure of one is reported.
  const settled = await Promise.allSettled(plan.ifaces.map((iface) => dhcpOne(iface, o)));
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  const dhcp = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  return done({ raised, dhcp, notAsked: plan.skipped, address: await addr() });
}

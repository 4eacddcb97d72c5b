/**
 * Asking the DHCP server for the profile URL (effects): one bounded dhclient run per interface
 * that is up with a link, all at once, each with its own lease file; then the lease files are
 * read with the lease parser. The interface's addresses and routes stay as they were (dhclient's
 * script is /bin/true, see dhcp-ask.ts).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DebvisorError } from '../../core/errors.js';
import { CommandError, type RunOptions, type RunResult, run, tail } from '../../core/run.js';
import { join } from 'node:path';
import {
  type AskPlan,
  askFiles,
  DHCLIENT,
  DHCP_ASK_CONF,
  DHCP_ASK_DIR,
  DHCP_ASK_TIMEOUT_S,
  dhcpAskBoundMs,
  dhclientAskArgv,
  planDhcpAsk,
  renderDhclientAskConf,
} from './dhcp-ask.js';
import { urlFromDhclientLeases } from './dhcp-lease.js';

/** After dhclient's parent exits with a lease, how long its daemon may take to write its pid file. */
const PID_FILE_WAIT_MS = 2000;
/** dhclient -1: "On failure exit with code 2" (no answer within its timeout). */
const DHCLIENT_NO_LEASE = 2;

export interface DhcpAskOptions {
  dir?: string;
  timeoutS?: number;
  dhclient?: string;
  /** Runs a command: the project's runner (a test passes one that runs it in a network namespace). */
  exec?: (argv: string[], opts: RunOptions) => Promise<RunResult>;
}

export interface DhcpAskAnswer {
  iface: string;
  /** A server answered (dhclient got a lease). */
  lease: boolean;
  url: string | undefined;
}

export interface DhcpAskResult extends AskPlan {
  /** The URL of the first interface (in the kernel's order) whose lease carried one. */
  url: string | undefined;
  iface: string | undefined;
  answers: DhcpAskAnswer[];
  ms: number;
}

function readIfThere(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Ends the dhclient that stayed behind to renew the lease, by the PID in its pid file, when that
 * process is still this ask's dhclient (its command line names this lease file). SIGKILL: no
 * DHCPRELEASE (the live system may use the very address the server just confirmed), no script.
 */
async function endDaemon(pidFile: string, leases: string, waitMs: number): Promise<void> {
  const until = Date.now() + waitMs;
  let pid = readIfThere(pidFile)?.trim();
  while (!pid && Date.now() < until) {
    await sleep(100);
    pid = readIfThere(pidFile)?.trim();
  }
  if (!pid || !/^[0-9]{1,10}$/.test(pid)) return;
  const cmdline = readIfThere(`/proc/${pid}/cmdline`)?.split('\0') ?? [];
  if (!cmdline.includes(leases)) return;
  try {
    process.kill(Number(pid), 'SIGKILL');
  } catch {
    /* gone meanwhile */
  }
}

async function askOne(iface: string, o: Required<DhcpAskOptions>): Promise<DhcpAskAnswer> {
  const files = askFiles(o.dir, iface);
  rmSync(files.leases, { force: true });
  rmSync(files.pid, { force: true });
  let exitCode: number | undefined;
  let stderr = '';
  try {
    const r = await o.exec(dhclientAskArgv(iface, files, o.dhclient), { timeoutMs: dhcpAskBoundMs(o.timeoutS), allowFailure: true });
    exitCode = r.exitCode;
    stderr = r.stderr;
  } catch (err) {
    // Killed at the bound (the runner throws when a command ends by a signal): no answer in time.
    if (!(err instanceof CommandError && /timed out/.test(err.message)))
      throw new DebvisorError('E_PROFILE_SOURCE', `URL from DHCP: dhclient on ${iface} did not run: ${(err as Error).message}`, {
        hint: `check that ${o.dhclient} runs here (isc-dhcp-client)`,
        cause: err,
      });
  } finally {
    await endDaemon(files.pid, files.leases, exitCode === 0 ? PID_FILE_WAIT_MS : 0);
  }
  if (exitCode !== undefined && exitCode !== 0 && exitCode !== DHCLIENT_NO_LEASE)
    throw new DebvisorError('E_PROFILE_SOURCE', `URL from DHCP: dhclient on ${iface} failed (exit code ${exitCode})`, {
      hint: `the last lines of its output follow; the command was: ${dhclientAskArgv(iface, files, o.dhclient).join(' ')}`,
      details: tail(stderr),
    });
  const text = exitCode === 0 ? (readIfThere(files.leases) ?? '') : '';
  return { iface, lease: /\blease\s*\{/.test(text), url: urlFromDhclientLeases(text) };
}

/**
 * Asks the DHCP server(s) once for option 114 on every interface that is up with a link, without
 * changing the network configuration; each run bounded (DHCP_ASK_KILL_MS by default), all in parallel.
 */
export async function runDhcpAsk(opts: DhcpAskOptions = {}): Promise<DhcpAskResult> {
  const o: Required<DhcpAskOptions> = {
    dir: opts.dir ?? DHCP_ASK_DIR,
    timeoutS: opts.timeoutS ?? DHCP_ASK_TIMEOUT_S,
    dhclient: opts.dhclient ?? DHCLIENT,
    exec: opts.exec ?? run,
  };
  const started = Date.now();
  if (!existsSync(o.dhclient))
    throw new DebvisorError('E_PROFILE_SOURCE', `URL from DHCP: ${o.dhclient} is missing, so the DHCP server could not be asked for the profile URL`, {
      hint: 'the live image carries it with isc-dhcp-client (iso/packages/base.list); or give the profile another way: debvisor.profile= on the kernel command line, a DEBVISOR-PROFILE stick, or `debvisor iso embed-profile`',
    });
  const plan = planDhcpAsk((await o.exec(['ip', '-j', 'link', 'show'], {})).stdout);
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(o.dir, DHCP_ASK_CONF), renderDhclientAskConf(o.timeoutS), { mode: 0o600 });
  // Every run ends (and its daemon is ended) before a failure of one is reported.
  const settled = await Promise.allSettled(plan.ifaces.map((iface) => askOne(iface, o)));
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  const answers = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const first = answers.find((a) => a.url !== undefined);
  return { ...plan, url: first?.url, iface: first?.iface, answers, ms: Date.now() - started };
}

import { closeSync, existsSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { version } from '../../core/cli/run-cli.js';
import { DebvisorError, formatError } from '../../core/errors.js';
import { safeText } from '../../core/text.js';
import { verifyProfileSignature } from '../../profiles/signature.js';
import { validateProfile } from '../../profiles/validate.js';
import { openDebugSsh } from './debug-ssh.js';
import type { HardwareFacts } from '../../profiles/facts.js';
import { gatherFacts } from '../facts/gather.js';
import type { TextOut } from '../progress/sinks.js';
import { FAILED, type RunInstallResult, runInstall } from '../run/run-install.js';
import { type DiscoverEffects, type FoundProfile, LIVE_MEDIUM, discoverProfile } from './discover.js';
import { copyBundleToStick, liveDiscoverEffects } from './discover-effects.js';

/** Whose signatures the image accepts (build spec `profileSigners`); without it profiles need no signature. */
export const ALLOWED_SIGNERS = '/etc/debvisor/profile-signers';
/** Where the unattended runner keeps what it found (tmpfs, root only). */
export const RUN_DIR = '/run/debvisor/unattended';
/** The default consoles: the first virtual terminal and the first serial port. */
export const DEFAULT_CONSOLES = ['/dev/tty1', '/dev/ttyS0'];

/** Opens each device that exists and takes writes (a machine without a serial port has no ttyS0 that does). */
export function openConsoles(paths: string[]): { outs: TextOut[]; close(): void } {
  const fds: number[] = [];
  const outs: TextOut[] = [];
  for (const p of paths) {
    try {
      const fd = openSync(p, 'w');
      writeSync(fd, '');
      fds.push(fd);
      outs.push({
        write: (t: string) => {
          try {
            // A terminal wants CR LF.
            writeSync(fd, p.startsWith('/dev/tty') ? t.replace(/\r?\n/g, '\r\n') : t);
          } catch {
            /* a console that went away must not stop the install */
          }
        },
      });
    } catch {
      /* not there on this machine */
    }
  }
  return {
    outs,
    close: () => {
      for (const fd of fds) closeSync(fd);
    },
  };
}

export interface UnattendedOptions {
  consoles: TextOut[];
  /** Where events go as JSON lines (the serial port). */
  eventStreams: TextOut[];
  /** Stop after the plan. */
  dryRun: boolean;
  /** Honour install.finish / install.onError. */
  finishAction: boolean;
  effects?: DiscoverEffects;
  allowedSigners?: string;
  runDir?: string;
  /** This machine's facts (tests give recorded ones). */
  gather?: () => Promise<HardwareFacts>;
  /** The install log directory (runInstall's default when absent). */
  logDir?: string;
  /** Where a support bundle may go (default: the boot medium when writable, else /tmp). */
  bundleDirs?: string[];
  /** Opens sshd for the profile's install.debugSshKeys (default: debug-ssh.ts). */
  debugSsh?: (keys: readonly string[]) => Promise<void>;
  /** Copies a support bundle onto the profile stick (default: discover-effects.ts). */
  copyToStick?: (device: string, bundle: string) => Promise<string>;
}

/**
 * The one place the unattended path hands over to the install engine: runInstall validates,
 * plans (printed), and only then applies; with a problem it shows the failure screen and touches
 * nothing.
 */
function startInstall(profilePath: string, found: FoundProfile, factsPath: string, opts: UnattendedOptions): Promise<RunInstallResult> {
  return runInstall({
    profilePath,
    profileOrigin: found.source,
    factsPath,
    dryRun: opts.dryRun,
    consoles: opts.consoles,
    eventStreams: opts.eventStreams,
    // The boot medium when it is writable (a USB stick), else /tmp.
    bundleDirs: opts.bundleDirs ?? [LIVE_MEDIUM],
    finishAction: opts.finishAction,
    ...(opts.logDir ? { logDir: opts.logDir } : {}),
  });
}

/**
 * `debvisor install unattended`: the facts of this machine, the profile found (discover.ts),
 * its signature checked when the image has allowed signers, then the install engine.
 */
export async function runUnattended(opts: UnattendedOptions): Promise<boolean> {
  // What reaches a terminal has its control characters escaped (a source name can come from DHCP).
  const say = (t: string) => {
    for (const c of opts.consoles) c.write(t.split('\n').map(safeText).join('\n'));
  };
  const dir = opts.runDir ?? RUN_DIR;
  try {
    say(`DebVisor unattended install ${version()}: reading this machine and looking for the profile\n`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const facts = await (opts.gather ?? (() => gatherFacts({ by: `debvisor ${version()}` })))();
    const factsJson = `${JSON.stringify(facts, null, 2)}\n`;
    const factsPath = join(dir, 'facts.json');
    writeFileSync(factsPath, factsJson, { mode: 0o600 });
    const found = await discoverProfile(opts.effects ?? liveDiscoverEffects(async () => factsJson));
    say(`profile: ${found.source}\n`);
    const signers = opts.allowedSigners ?? ALLOWED_SIGNERS;
    if (existsSync(signers)) {
      const v = await verifyProfileSignature(found.yaml, found.signature, signers, found.source);
      say(`profile signed by ${v.principal} (allowed by ${signers})\n`);
    }
    const profilePath = join(dir, 'profile.yaml');
    writeFileSync(profilePath, found.yaml, { mode: 0o600 });
    if (found.signature) writeFileSync(`${profilePath}.sig`, found.signature, { mode: 0o600 });
    // Remote debugging only for a profile that validates and asks for it; the engine reports any problem.
    const checked = validateProfile(profilePath);
    const keys = checked.ok ? checked.profile.install.debugSshKeys : [];
    if (keys.length) {
      await (opts.debugSsh ?? openDebugSsh)(keys);
      say(`remote debugging: sshd started for ${keys.length} key${keys.length === 1 ? '' : 's'} of install.debugSshKeys (root, keys only)\n`);
    }
    const result = await startInstall(profilePath, found, factsPath, opts);
    // The engine wrote the bundle to the boot medium or /tmp; a profile stick is where the operator looks.
    if (!result.ok && result.bundle && found.device) {
      try {
        const name = await (opts.copyToStick ?? copyBundleToStick)(found.device, result.bundle);
        say(`support bundle also on the profile stick (${found.device}): ${name}\n`);
      } catch (err) {
        say(`support bundle not copied to the profile stick (${found.device}): ${(err as Error).message}\n`);
      }
    }
    return result.ok;
  } catch (err) {
    // Before the engine: no disk was touched. Said on every console, with what to do.
    const text = err instanceof DebvisorError ? formatError(err) : `internal error: ${(err as Error).stack ?? String(err)}`;
    say(`\n${FAILED}: before the install started, nothing was touched\n${text}\n`);
    for (const s of opts.eventStreams)
      s.write(
        `${JSON.stringify({ time: new Date().toISOString(), level: 'error', stage: 'install', step: 'discover', message: text, code: err instanceof DebvisorError ? err.code : 'E_INTERNAL' })}\n`,
      );
    return false;
  }
}

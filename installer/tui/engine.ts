import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebvisorEvent } from '../../core/events.js';
import { readRegularFile } from '../../core/read-file.js';
import { run } from '../../core/run.js';
import { writeTotpState } from '../../overlays/ssh/mfa.js';
import type { ApplyContext } from '../apply/context.js';
import { renderDefaultsOnTarget } from '../apply/on-target.js';
import { formatFailure } from '../run/failure.js';
import { runInstall } from '../run/run-install.js';
import type { TotpEnrolment } from './model/navigation.js';

/** How an install ended, as the finish and failure screens show it. */
export interface InstallEnd {
  ok: boolean;
  /** The plan (dry run), or the failure summary (formatFailure, the same screen as unattended). */
  text: string;
}

/** The effects the TUI needs, injected so frame tests run without a shell or a disk. */
export interface TuiEngine {
  /** A crypt(3) hash of the password (SHA-512, `openssl passwd -6`: the password goes on stdin, never on a command line). */
  hashPassword(password: string): Promise<string>;
  /** Reads a file of SSH public keys (a regular file of bounded size: a USB stick's .pub). */
  readKeys(path: string): Promise<string>;
  /** Writes the exported profile (mode 0600: it holds the password hash and any TSIG secret). */
  saveProfile(path: string, yaml: string): Promise<void>;
  /** After a real install, when the operator leaves the finish screen: install.finish (`systemctl reboot` or `poweroff`). */
  finish(action: 'reboot' | 'poweroff'): Promise<void>;
  /** Installs (or, in a dry run, plans) the profile text through runInstall, reporting each event. */
  install(req: { yaml: string; totp?: TotpEnrolment; onEvent: (e: DebvisorEvent) => void }): Promise<InstallEnd>;
}

export interface EngineOptions {
  factsPath?: string;
  dryRun: boolean;
  /** Writable places for a support bundle (runInstall's bundleDirs). */
  bundleDirs?: string[];
}

/** Reads runInstall's JSON-lines event stream back into events, line by line. */
function eventLines(onEvent: (e: DebvisorEvent) => void): { write(text: string): void } {
  let rest = '';
  return {
    write(text: string) {
      const lines = (rest + text).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) {
        try {
          onEvent(JSON.parse(l) as DebvisorEvent);
        } catch {
          // Not an event line: nothing to show.
        }
      }
    },
  };
}

/** The engine of a real terminal: openssl for the hash, the filesystem, and runInstall (the unattended path's own run). */
export function liveEngine(opts: EngineOptions): TuiEngine {
  return {
    async hashPassword(password) {
      const r = await run(['openssl', 'passwd', '-6', '-stdin'], { input: `${password}\n`, step: 'hash-password' });
      return r.stdout.trim();
    },
    async finish(action) {
      await run(['systemctl', action], { step: 'finish' });
    },
    async readKeys(path) {
      return readRegularFile(path);
    },
    async saveProfile(path, yaml) {
      writeFileSync(path, yaml, { mode: 0o600 });
      chmodSync(path, 0o600);
    },
    async install({ yaml, totp, onEvent }) {
      // The profile goes to runInstall as the file an unattended install would read.
      const dir = mkdtempSync(join(tmpdir(), 'debvisor-tui-'));
      const file = join(dir, 'profile.yaml');
      writeFileSync(file, yaml, { mode: 0o600 });
      let text = '';
      try {
        const result = await runInstall({
          profilePath: file,
          profileOrigin: 'the installer (TUI)',
          ...(opts.factsPath ? { factsPath: opts.factsPath } : {}),
          dryRun: opts.dryRun,
          consoles: [
            {
              write: (t: string) => {
                text += t;
              },
            },
          ],
          eventStreams: [eventLines(onEvent)],
          bundleDirs: opts.bundleDirs ?? [],
          // The finish screen comes first; the operator's Enter then reboots or powers off (finish below).
          finishAction: false,
          // The TOTP secret enrolled on the MFA screen goes onto the node with the hardened defaults (it is in no profile).
          ...(totp
            ? {
                renderDefaults: async (ctx: ApplyContext) => {
                  await renderDefaultsOnTarget(ctx);
                  await writeTotpState(ctx.target, ctx.profile.users.admin.name, totp.secret, totp.recoveryCodes);
                  ctx.events.info(`TOTP enrolment of ${ctx.profile.users.admin.name} written`, { step: 'render-defaults' });
                },
              }
            : {}),
          ...(opts.dryRun ? { logDir: join(dir, 'log') } : {}),
        });
        if (!result.ok) return { ok: false, text: result.failure ? formatFailure(result.failure) : text };
        return { ok: true, text };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

import { stringify } from 'yaml';
import type { Emitter } from '../../core/events.js';
import { redactSecrets } from '../../profiles/redact.js';
import type { RunOptions, RunResult } from '../../core/run.js';
import type { HardwareFacts } from '../../profiles/facts.js';
import type { Profile } from '../../profiles/schema/profile.js';
import type { InstallPlan } from '../plan/types.js';
import type { LuksOptions } from './steps-crypt.js';

/** The one way a step runs a command: core/run.ts in production, a recorder in tests. */
export type Runner = (argv: string[], opts?: RunOptions) => Promise<RunResult>;

/** Where the live system keeps what the install copies from. */
export const LIVE_SQUASHFS = '/run/live/medium/live/filesystem.squashfs';
/** Where the new system is mounted while it is installed. */
export const DEFAULT_TARGET = '/target';
/** Where the live system writes the install log and events (copied to the target at the end). */
export const LIVE_LOG_DIR = '/run/debvisor/install';
/** Where they end up on the installed node. */
export const TARGET_LOG_DIR = '/var/log/debvisor';
export const INSTALLED_PROFILE = '/etc/debvisor/installed-profile.yaml';

/** Pure: the text saved as INSTALLED_PROFILE: the effective profile, its secrets removed. */
export function renderInstalledProfile(profile: Profile): string {
  return `# The effective profile this node was installed with; secrets removed.\n${stringify(redactSecrets(profile))}`;
}

/** Everything a step needs: the plan decides, the step acts through `run` and the target root. */
export interface ApplyContext {
  plan: InstallPlan;
  profile: Profile;
  facts: HardwareFacts;
  /** The mount point of the new root on the live system. */
  target: string;
  squashfs: string;
  /** The live system's kernel command line (its console= arguments go to the node). */
  liveCmdline: string;
  /** The effective profile, secrets removed, as YAML. */
  profileYaml: string;
  /** Directory of install.log and events.jsonl on the live system. */
  logDir: string;
  run: Runner;
  events: Emitter;
  /** Accounts (useradd --root ...) and the hardened defaults (render + writeFileSet): injected so a test can record them. */
  createAccounts(ctx: ApplyContext): Promise<void>;
  renderDefaults(ctx: ApplyContext): Promise<void>;
  /** LUKS knobs (tests: a small Argon2 memory, another key directory); the defaults otherwise. */
  luks?: LuksOptions;
  /** What the steps found and must remember (mounted, bound, the LUKS mapping opened): read by later steps and the clean-up. */
  state: { mounted: boolean; bound: string[]; opened?: string };
}

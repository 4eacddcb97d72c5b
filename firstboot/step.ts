import type { Emitter } from '../core/events.js';
import { DebvisorError, type ErrorOptions } from '../core/errors.js';
import type { Profile } from '../profiles/schema/profile.js';

/**
 * The contract between the first-boot state machine and its steps (DNS registration, certificate,
 * cluster, hooks, hand-off). A step is idempotent: the state machine may run it again after a
 * power cut at any point, and it must then converge to the same end state.
 */
export interface StepContext {
  /** The node's effective profile (/etc/debvisor/installed-profile.yaml plus the secrets kept root-only). */
  profile: Profile;
  /** The root the node's files live under: `/` on a node, a directory in tests. */
  root: string;
  emit: Emitter;
  /** Aborted when the step's deadline passes or the run is stopped. */
  signal: AbortSignal;
  /** Step-private state the machine persists between attempts and runs (JSON-serialisable). */
  state: Record<string, unknown>;
  /** Persist `state` now (atomically), so a kill after this point resumes from it. */
  save(): Promise<void>;
}

export interface StepResult {
  /** One line for `debvisor status`, for example `A 10.0.0.5 registered in example.com`. */
  summary: string;
  /** Facts shown by status (certificate issuer and expiry, records, members). */
  details?: Record<string, unknown>;
}

export interface FirstbootStep {
  name: string;
  /** `remote` steps depend on another machine and may end in `retrying` without holding back the hand-off. */
  kind: 'local' | 'remote';
  /** The step does not apply to this profile (for example `dns.register: false`): recorded as skipped. */
  skip?(ctx: Pick<StepContext, 'profile'>): string | undefined;
  run(ctx: StepContext): Promise<StepResult>;
  /**
   * Starts loading what `run` will need (a large module) when the run begins, so the loading
   * overlaps the steps before it, which mostly wait on other programs. Never fails the run.
   */
  preload?(): Promise<unknown>;
}

/**
 * A step failure. `retryable` failures (a remote down, a timeout) are retried with backoff and
 * jitter; the others (wrong TSIG key, wrong CA pin, used token) wait for the operator, with the
 * message and hint shown by `debvisor status`, and are never retried in a tight loop.
 */
export class StepError extends DebvisorError {
  readonly retryable: boolean;
  /** The remote this failure is about (`acme:https://ca/dir`, `dns:10.0.0.53`), for its circuit breaker. */
  readonly remote: string | undefined;

  constructor(code: string, message: string, opts: ErrorOptions & { retryable: boolean; remote?: string }) {
    super(code, message, opts);
    this.name = 'StepError';
    this.retryable = opts.retryable;
    this.remote = opts.remote;
  }
}

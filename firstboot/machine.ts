import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { DebvisorError } from '../core/errors.js';
import type { Emitter } from '../core/events.js';
import type { Profile } from '../profiles/schema/profile.js';
import { at, writeAtomic, writeJson } from './atomic.js';
import { type BackoffPolicy, type BreakerPolicy, DEFAULT_BACKOFF, DEFAULT_BREAKER, backoffDelay, breakerAfter, breakerAllows } from './backoff.js';
import { FIRSTBOOT_NODE_SNAPSHOT, FIRSTBOOT_NODE_SNAPSHOT_STAMP } from '../core/tool-paths.js';
import { FIRSTBOOT_MARKER, LOCK_FILE, SUMMARY_FILE } from './paths.js';
import { StateStore, type StepErrorRecord, type StepRecord } from './state.js';
import { type FirstbootStep, StepError } from './step.js';

/** The node as a whole: every step done; local ones done while a remote keeps failing; a local step failed; still under way. */
export type OverallState = 'ready' | 'ready (degraded)' | 'failed' | 'starting';

export interface MachineTiming {
  backoff: BackoffPolicy;
  breaker: BreakerPolicy;
  /** How long one step may keep retrying within a run before the run moves on (the timer continues later). */
  stepDeadlineMs: number;
  /** A step that failed for good (wrong key, refused account) is tried again by the timer only this long after. */
  failedRetryMs: number;
}

/** One minute per step: with three remote steps down, the node is `ready (degraded)` in about three minutes. */
export const DEFAULT_TIMING: MachineTiming = { backoff: DEFAULT_BACKOFF, breaker: DEFAULT_BREAKER, stepDeadlineMs: 60_000, failedRetryMs: 60 * 60_000 };

export interface MachineOptions {
  root: string;
  profile: Profile;
  steps: readonly FirstbootStep[];
  emit: Emitter;
  timing?: Partial<MachineTiming>;
  /** Milliseconds since the epoch; injected so unit tests run on a fake clock. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** The node's name, recorded with the summary for status and the login screens. */
  node?: string;
  /** Try failed steps now instead of waiting for failedRetryMs, and retrying ones before their next attempt is due. */
  retryNow?: boolean;
}

export interface MachineResult {
  state: OverallState;
  steps: StepRecord[];
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Pure: the overall state from the step records. */
export function overallState(steps: readonly Pick<StepRecord, 'kind' | 'status'>[]): OverallState {
  const settled = (s: StepRecord['status']) => s === 'done' || s === 'skipped';
  if (steps.every((s) => settled(s.status))) return 'ready';
  if (steps.some((s) => s.kind === 'local' && s.status === 'failed')) return 'failed';
  if (steps.filter((s) => s.kind === 'local').every((s) => settled(s.status))) return 'ready (degraded)';
  return 'starting';
}

function errorRecord(err: unknown): StepErrorRecord {
  if (err instanceof StepError)
    return {
      code: err.code,
      message: err.message,
      retryable: err.retryable,
      ...(err.hint ? { hint: err.hint } : {}),
      ...(err.remote ? { remote: err.remote } : {}),
    };
  if (err instanceof DebvisorError)
    return { code: err.code, message: [err.message, ...err.details].join('; '), retryable: false, ...(err.hint ? { hint: err.hint } : {}) };
  return { code: 'E_INTERNAL', message: (err as Error)?.message ?? String(err), retryable: false, hint: 'this is a bug in DebVisor: please report it' };
}

/** Is a process with this PID running? */
export function pidAlive(pid: number): boolean {
  if (!(pid > 0)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One run at a time: a lock file holding the PID; a lock left by a killed run is taken over. */
export function takeLock(root: string): () => void {
  const file = at(root, LOCK_FILE);
  mkdirSync(dirname(file), { recursive: true });
  for (let i = 0; i < 2; i++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (pid !== process.pid && pidAlive(pid))
        throw new DebvisorError('E_FIRSTBOOT_BUSY', `another first-boot run (PID ${pid}) is under way`, { hint: 'wait for it: debvisor status --wait' });
      rmSync(file, { force: true });
    }
  }
  throw new DebvisorError('E_FIRSTBOOT_BUSY', 'could not take the first-boot lock', { hint: `remove ${LOCK_FILE} if no run is under way` });
}

/**
 * Runs the steps once, in order. Each step: done (its marker exists) is passed over; otherwise
 * it is attempted, and retryable failures are retried with backoff and full jitter until its
 * deadline; the next attempt's time, the error and the attempts are recorded before every wait,
 * so a kill at any point resumes there. A step whose remote's breaker is open is not attempted.
 * Remote failures never hold back the later steps (hooks, hand-off).
 */
export async function runMachine(opts: MachineOptions): Promise<MachineResult> {
  const timing = { ...DEFAULT_TIMING, ...opts.timing };
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? realSleep;
  const random = opts.random ?? Math.random;
  const iso = (ms: number) => new Date(ms).toISOString();
  const store = new StateStore(opts.root);
  const breakers = store.breakers();
  const release = takeLock(opts.root);
  const records: StepRecord[] = [];
  try {
    for (const step of opts.steps)
      if (step.preload && !store.isDone(step.name) && !step.skip?.({ profile: opts.profile })) step.preload().catch(() => undefined);
    for (const [index, step] of opts.steps.entries()) {
      const rec = store.load(step.name, step.kind);
      rec.index = index;
      records.push(rec);
      const emit = opts.emit.stage('firstboot');
      if (store.isDone(step.name)) {
        if (rec.status !== 'done') {
          // Killed between the marker and the record: the marker wins.
          rec.status = 'done';
          store.save(rec);
        }
        continue;
      }
      const skip = step.skip?.({ profile: opts.profile });
      if (skip !== undefined) {
        Object.assign(rec, { status: 'skipped', summary: skip, nextAttemptAt: undefined, lastError: undefined });
        store.save(rec);
        emit.info(`${step.name}: skipped (${skip})`, { step: step.name });
        continue;
      }
      const t = now();
      if (!opts.retryNow) {
        if (rec.status === 'failed' && rec.lastAttemptAt && t < Date.parse(rec.lastAttemptAt) + timing.failedRetryMs) continue;
        if (rec.status === 'retrying' && rec.nextAttemptAt && t < Date.parse(rec.nextAttemptAt)) continue;
      }
      const deadline = t + timing.stepDeadlineMs;
      for (;;) {
        const b = rec.remote ? breakers[rec.remote] : undefined;
        if (!opts.retryNow && !breakerAllows(b, now())) {
          Object.assign(rec, { status: 'retrying', nextAttemptAt: iso(b!.openUntil!) });
          store.save(rec);
          emit.info(`${step.name}: ${rec.remote} is failing; the next attempt is at ${rec.nextAttemptAt}`, { step: step.name });
          break;
        }
        rec.status = 'running';
        rec.attempts += 1;
        rec.lastAttemptAt = iso(now());
        rec.nextAttemptAt = undefined;
        store.save(rec);
        emit.info(`${step.name}: attempt ${rec.attempts}`, { step: step.name });
        const ac = new AbortController();
        const timer = setTimeout(
          () => ac.abort(new StepError('E_STEP_DEADLINE', `${step.name} ran past its deadline`, { retryable: true })),
          Math.max(deadline - now(), 1_000),
        );
        timer.unref?.();
        try {
          // A step that ignores its signal still cannot hold the run past its deadline.
          const aborted = new Promise<never>((_, reject) => ac.signal.addEventListener('abort', () => reject(ac.signal.reason), { once: true }));
          const result = await Promise.race([
            step.run({
              profile: opts.profile,
              root: opts.root,
              emit,
              signal: ac.signal,
              state: rec.data,
              save: async () => store.save(rec),
            }),
            aborted,
          ]);
          clearTimeout(timer);
          if (rec.remote) breakers[rec.remote] = breakerAfter(breakers[rec.remote], true, now(), timing.breaker);
          Object.assign(rec, { status: 'done', failures: 0, summary: result.summary, details: result.details, finishedAt: iso(now()), lastError: undefined });
          store.save(rec);
          store.markDone(step.name, rec.finishedAt!);
          store.saveBreakers(breakers);
          emit.info(`${step.name}: ${result.summary}`, { step: step.name });
          break;
        } catch (err) {
          clearTimeout(timer);
          const e = errorRecord(ac.signal.aborted && !(err instanceof StepError) ? ac.signal.reason : err);
          rec.lastError = e;
          rec.failures += 1;
          if (e.remote) {
            rec.remote = e.remote;
            // A refusal the operator must fix (wrong key, bad EAB, not a directory) is an answer:
            // the remote is up, and its breaker must not keep the fixed configuration waiting.
            breakers[e.remote] = breakerAfter(breakers[e.remote], !e.retryable, now(), timing.breaker, e.message);
            store.saveBreakers(breakers);
          }
          const fields = { step: step.name, code: e.code, ...(e.hint ? { hint: e.hint } : {}) };
          if (!e.retryable) {
            Object.assign(rec, { status: 'failed', summary: e.message });
            store.save(rec);
            emit.error(`${step.name}: ${e.message}`, fields);
            break;
          }
          let next = now() + backoffDelay(rec.failures - 1, timing.backoff, random);
          const open = e.remote ? breakers[e.remote]?.openUntil : undefined;
          if (open !== undefined) next = Math.max(next, open);
          Object.assign(rec, { status: 'retrying', summary: e.message, nextAttemptAt: iso(next) });
          store.save(rec);
          emit.warn(`${step.name}: ${e.message}; next attempt at ${rec.nextAttemptAt}`, fields);
          if (next >= deadline) break;
          await sleep(next - now());
        }
      }
    }
    const state = overallState(records);
    writeJson(at(opts.root, SUMMARY_FILE), { state, at: iso(now()), ...(opts.node ? { node: opts.node } : {}) }, 0o644);
    if (state === 'ready') {
      writeAtomic(at(opts.root, FIRSTBOOT_MARKER), `first boot finished at ${iso(now())}\n`);
      // Node's start snapshot served first boot's runs only (the stamp first: no blob without it is used).
      for (const f of [FIRSTBOOT_NODE_SNAPSHOT_STAMP, FIRSTBOOT_NODE_SNAPSHOT]) rmSync(at(opts.root, f), { force: true });
    }
    return { state, steps: records };
  } finally {
    release();
  }
}

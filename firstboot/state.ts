import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { at, readJson, writeAtomic, writeJson } from './atomic.js';
import type { Breaker } from './backoff.js';
import { BREAKERS_FILE, STATE_DIR } from './paths.js';

export type StepStatus = 'pending' | 'running' | 'done' | 'retrying' | 'failed' | 'skipped';

export interface StepErrorRecord {
  code: string;
  message: string;
  hint?: string;
  remote?: string;
  retryable: boolean;
}

/** What the machine records for one step between attempts and runs (`<STATE_DIR>/<step>.json`). */
export interface StepRecord {
  name: string;
  kind: 'local' | 'remote';
  /** Position in the run's step list (status shows the steps in this order). */
  index?: number;
  status: StepStatus;
  /** Every attempt ever made. */
  attempts: number;
  /** Failures in a row (the backoff exponent); 0 after a success. */
  failures: number;
  lastAttemptAt?: string;
  finishedAt?: string;
  /** When the next attempt is due (retrying), ISO time. */
  nextAttemptAt?: string;
  lastError?: StepErrorRecord;
  /** The remote of the last failure: its breaker decides whether the next attempt may go out. */
  remote?: string;
  summary?: string;
  details?: Record<string, unknown>;
  /** The step's own state (StepContext.state). */
  data: Record<string, unknown>;
}

/** Step names become file names: lower-case letters, digits, `-`, `.`, `_`. */
export const STEP_NAME = /^[a-z0-9][a-z0-9._-]{0,79}$/;

export class StateStore {
  readonly dir: string;
  constructor(readonly root: string) {
    this.dir = at(root, STATE_DIR);
  }
  private file(name: string, ext: 'json' | 'done'): string {
    if (!STEP_NAME.test(name)) throw new Error(`bad step name ${JSON.stringify(name)}`);
    return join(this.dir, `${name}.${ext}`);
  }
  load(name: string, kind: 'local' | 'remote'): StepRecord {
    const r = readJson<StepRecord>(this.file(name, 'json'));
    const base: StepRecord = { name, kind, status: 'pending', attempts: 0, failures: 0, data: {} };
    return r && typeof r === 'object' ? { ...base, ...r, kind, data: r.data ?? {} } : base;
  }
  save(rec: StepRecord): void {
    writeJson(this.file(rec.name, 'json'), rec);
  }
  isDone(name: string): boolean {
    return existsSync(this.file(name, 'done'));
  }
  markDone(name: string, when: string): void {
    writeAtomic(this.file(name, 'done'), `${when}\n`, 0o644);
  }
  /** Forget a step's marker (cert renew --force, tests). */
  clearDone(name: string): void {
    rmSync(this.file(name, 'done'), { force: true });
  }
  /** Every step record on disk (status reads these without knowing the step list). */
  all(): StepRecord[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json') && STEP_NAME.test(f.slice(0, -5)) && !['breakers', 'summary'].includes(f.slice(0, -5)))
      .map((f) => readJson<StepRecord>(join(this.dir, f)))
      .filter((r): r is StepRecord => Boolean(r?.name));
  }
  breakers(): Record<string, Breaker> {
    return readJson<Record<string, Breaker>>(at(this.root, BREAKERS_FILE)) ?? {};
  }
  saveBreakers(b: Record<string, Breaker>): void {
    writeJson(at(this.root, BREAKERS_FILE), b);
  }
}

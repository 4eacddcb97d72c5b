/**
 * Retry timing, pure: exponential backoff with full jitter (AWS architecture blog, "Exponential
 * Backoff And Jitter") and a circuit breaker per remote. The random source and the time are
 * passed in, so the bounds are unit-tested.
 */

export interface BackoffPolicy {
  /** The first retry waits up to this long. */
  baseMs: number;
  /** No wait is longer than this. */
  capMs: number;
}

/** Production timing: the first retries come within seconds, a long outage is polled every half hour at most. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, capMs: 30 * 60_000 };

/** Full jitter: uniform in [0, min(cap, base * 2^attempt)); `attempt` counts from 0. */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.floor(random() * ceiling);
}

export interface BreakerPolicy {
  /** Consecutive failures that open the breaker. */
  threshold: number;
  /** How long it stays open before one trial call (half-open); doubles each time it opens again, up to capMs. */
  openMs: number;
  capMs: number;
}

export const DEFAULT_BREAKER: BreakerPolicy = { threshold: 3, openMs: 60_000, capMs: 30 * 60_000 };

/** A remote's breaker as recorded between runs (times in ms since the epoch). */
export interface Breaker {
  failures: number;
  /** While now < openUntil no call goes to the remote. */
  openUntil?: number;
  /** How many times it opened in a row (the next open lasts longer). */
  opened: number;
  lastError?: string;
}

export const closedBreaker = (): Breaker => ({ failures: 0, opened: 0 });

/** May a call go to the remote now? Closed, or open but its time is up (one trial call: half-open). */
export function breakerAllows(b: Breaker | undefined, now: number): boolean {
  return !b?.openUntil || now >= b.openUntil;
}

/** The breaker after a call: a success closes it; the threshold-th failure in a row opens it. */
export function breakerAfter(b: Breaker | undefined, ok: boolean, now: number, policy: BreakerPolicy, error?: string): Breaker {
  if (ok) return closedBreaker();
  const cur = b ?? closedBreaker();
  const failures = cur.failures + 1;
  const halfOpenTrial = cur.openUntil !== undefined;
  if (failures >= policy.threshold || halfOpenTrial) {
    const openFor = Math.min(policy.capMs, policy.openMs * 2 ** cur.opened);
    return { failures, opened: cur.opened + 1, openUntil: now + openFor, ...(error ? { lastError: error } : {}) };
  }
  return { failures, opened: cur.opened, ...(error ? { lastError: error } : {}) };
}

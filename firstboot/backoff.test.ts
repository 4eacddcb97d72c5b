import { describe, expect, it } from 'vitest';
import { backoffDelay, breakerAfter, breakerAllows, closedBreaker } from './backoff.js';

const policy = { baseMs: 1000, capMs: 60_000 };

describe('exponential backoff with full jitter', () => {
  it('stays within [0, min(cap, base * 2^attempt))', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
      expect(backoffDelay(attempt, policy, () => 0)).toBe(0);
      expect(backoffDelay(attempt, policy, () => 0.999999)).toBeLessThan(ceiling);
      expect(backoffDelay(attempt, policy, () => 0.999999)).toBeGreaterThanOrEqual(Math.floor(ceiling * 0.99));
    }
  });
  it('spreads the waits (full jitter, not a fixed schedule)', () => {
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const waits = Array.from({ length: 200 }, () => backoffDelay(5, policy, rnd));
    expect(new Set(waits).size).toBeGreaterThan(150);
    expect(Math.max(...waits)).toBeLessThan(32_000);
    expect(Math.min(...waits)).toBeLessThan(4_000);
  });
  it('never overflows for huge attempt counts', () => {
    expect(backoffDelay(10_000, policy, () => 0.5)).toBe(30_000);
  });
});

describe('circuit breaker per remote', () => {
  const bp = { threshold: 3, openMs: 10_000, capMs: 40_000 };
  it('opens after the threshold, lets one trial through after the wait, and doubles the next wait', () => {
    let b = closedBreaker();
    b = breakerAfter(b, false, 0, bp);
    b = breakerAfter(b, false, 1, bp);
    expect(breakerAllows(b, 2)).toBe(true);
    b = breakerAfter(b, false, 2, bp, 'down');
    expect(b.openUntil).toBe(10_002);
    expect(breakerAllows(b, 10_001)).toBe(false);
    expect(breakerAllows(b, 10_002)).toBe(true);
    b = breakerAfter(b, false, 10_002, bp);
    expect(b.openUntil).toBe(10_002 + 20_000);
    b = breakerAfter(b, false, 30_002, bp);
    b = breakerAfter(b, false, 70_002, bp);
    expect(b.openUntil! - 70_002).toBe(40_000);
  });
  it('closes on a success', () => {
    const b = breakerAfter({ failures: 5, opened: 2, openUntil: 99 }, true, 100, bp);
    expect(b).toEqual(closedBreaker());
    expect(breakerAllows(b, 0)).toBe(true);
  });
});

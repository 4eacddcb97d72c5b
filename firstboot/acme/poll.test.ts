import { describe, expect, it } from 'vitest';
import { ACME_POLL_ATTEMPTS, ACME_POLL_MS } from './issue.js';

describe('polling a pending ACME challenge or order', () => {
  it('asks again soon after the answer (a CA validates in under a second to a few) and keeps asking for over two minutes', () => {
    // acme-client's Backoff between two attempts: min × 2^n, capped at max.
    const sleeps = Array.from({ length: ACME_POLL_ATTEMPTS - 1 }, (_, n) => Math.min(ACME_POLL_MS.min * 2 ** n, ACME_POLL_MS.max));
    expect(sleeps[0]).toBeLessThanOrEqual(250);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(150_000);
    expect(Math.max(...sleeps)).toBe(30_000);
  });
});

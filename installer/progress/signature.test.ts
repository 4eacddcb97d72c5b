import { describe, expect, it } from 'vitest';
import { backoffDelay, retryableStatus, signBody, verifySignature, WEBHOOK_BACKOFF } from './signature.js';

describe('webhook signature', () => {
  it('is sha256= and the hex HMAC-SHA256 of the body (RFC 4231-style known answer)', () => {
    // HMAC-SHA256(key "key", "The quick brown fox jumps over the lazy dog"), as published on Wikipedia's HMAC page.
    expect(signBody('key', 'The quick brown fox jumps over the lazy dog')).toBe('sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
  });
  it('verifies the right signature and refuses a wrong secret, a changed body, a missing or short header', () => {
    const body = '{"seq":1,"message":"x"}';
    const h = signBody('s3cret-value', body);
    expect(verifySignature('s3cret-value', body, h)).toBe(true);
    expect(verifySignature('other-secret', body, h)).toBe(false);
    expect(verifySignature('s3cret-value', body.replace('1', '2'), h)).toBe(false);
    expect(verifySignature('s3cret-value', body, undefined)).toBe(false);
    expect(verifySignature('s3cret-value', body, 'sha256=00')).toBe(false);
  });
});

describe('backoff with full jitter', () => {
  it('waits in [0, min(cap, base * 2^attempt)) for any random value', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(WEBHOOK_BACKOFF.capMs, WEBHOOK_BACKOFF.baseMs * 2 ** attempt);
      expect(backoffDelay(attempt, () => 0)).toBe(0);
      expect(backoffDelay(attempt, () => 0.999_999_9)).toBeLessThan(ceiling);
      expect(backoffDelay(attempt, () => 0.999_999_9)).toBeGreaterThan(ceiling * 0.99);
      expect(backoffDelay(attempt, () => 0.5)).toBe(Math.floor(ceiling / 2));
      // Out-of-range randomness cannot push it outside the bounds.
      expect(backoffDelay(attempt, () => 7)).toBeLessThan(ceiling);
      expect(backoffDelay(attempt, () => -1)).toBe(0);
    }
  });
  it('grows exponentially, then stays at the cap, even for huge attempt numbers', () => {
    const top = (n: number) => backoffDelay(n, () => 0.999_999_9, { baseMs: 100, capMs: 5_000 });
    expect([0, 1, 2, 3, 4, 5, 6].map(top)).toEqual([99, 199, 399, 799, 1599, 3199, 4999]);
    expect(top(10_000)).toBe(4999);
  });
  it('spreads waits over the whole range (a rack does not retry in step)', () => {
    let x = 0;
    const seq = () => {
      x = (x * 9301 + 49297) % 233280;
      return x / 233280;
    };
    const waits = Array.from({ length: 1000 }, () => backoffDelay(4, seq));
    expect(Math.min(...waits)).toBeLessThan(400);
    expect(Math.max(...waits)).toBeGreaterThan(3600);
  });
  it('retries busy and failing servers, not refusals', () => {
    expect([408, 425, 429, 500, 502, 503, 504].every(retryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 410, 413].some(retryableStatus)).toBe(false);
  });
});

import { describe, it, expect } from 'vitest';
import { allOrFirstError, inParallel } from './parallel.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('inParallel', () => {
  it('keeps the items order in its outcomes, whatever order they finish in, and never runs more than the limit', async () => {
    let running = 0;
    let most = 0;
    const out = await inParallel([30, 5, 20, 1, 10], 2, async (ms) => {
      running++;
      most = Math.max(most, running);
      await sleep(ms);
      running--;
      if (ms === 20) throw new Error('twenty');
      return ms * 2;
    });
    expect(most).toBe(2);
    expect(out.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([60, 10, 'twenty', 2, 20]);
  });
  it('runs every item even after one failed, and handles no items and a limit below one', async () => {
    const seen: number[] = [];
    const out = await inParallel([1, 2, 3], 0, async (n) => {
      seen.push(n);
      if (n === 1) throw new Error('one');
      return n;
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(out.map((o) => o.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(await inParallel([], 4, async () => 1)).toEqual([]);
  });
});

describe('allOrFirstError', () => {
  it('waits for the slow one before it throws the first failure in order', async () => {
    let slowDone = false;
    const slow = sleep(30).then(() => {
      slowDone = true;
    });
    await expect(allOrFirstError([Promise.reject(new Error('first')), slow, Promise.reject(new Error('second'))])).rejects.toThrow('first');
    expect(slowDone).toBe(true);
    await expect(allOrFirstError([sleep(1), Promise.resolve(2)])).resolves.toBeUndefined();
  });
});

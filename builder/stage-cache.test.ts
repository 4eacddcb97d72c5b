import { describe, it, expect } from 'vitest';
import { decide, decideKeyed, stageKey } from './stage-cache.js';

describe('stage cache decisions', () => {
  const inputs = { packages: 'aa', deb: 'bb' };
  const prev = { key: stageKey(inputs), inputs };
  it('keys do not depend on the order of inputs', () => {
    expect(stageKey({ a: '1', b: '2' })).toBe(stageKey({ b: '2', a: '1' }));
    expect(stageKey({ a: '1' })).not.toBe(stageKey({ a: '2' }));
  });
  it('reuses a stage whose inputs and output are unchanged', () => {
    expect(decide('chroot', inputs, prev, true)).toEqual({ run: false, reason: 'inputs unchanged' });
  });
  it('says which inputs changed', () => {
    expect(decide('chroot', { packages: 'aa', deb: 'cc', hooks: 'x' }, prev, true)).toEqual({ run: true, reason: 'changed: deb, hooks' });
  });
  it('reruns when the output is gone or with no history', () => {
    expect(decide('binary', inputs, prev, false).reason).toBe('the output of binary is missing');
    expect(decide('binary', inputs, undefined, true).reason).toBe('no earlier build');
  });
  it('keyed outputs (kernel packages): any earlier build of the same inputs is reused, and says so', () => {
    const other = { key: 'x', inputs: { packages: 'zz', deb: 'bb' } };
    expect(decideKeyed('kernel', inputs, other, true)).toEqual({
      run: false,
      reason: 'changed: packages; reused the packages an earlier build made from these same inputs',
    });
    expect(decideKeyed('kernel', inputs, prev, true)).toEqual({ run: false, reason: 'inputs unchanged' });
    expect(decideKeyed('kernel', inputs, other, false)).toEqual({ run: true, reason: 'changed: packages' });
    expect(decideKeyed('kernel', inputs, undefined, false).run).toBe(true);
  });
});

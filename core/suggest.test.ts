import { describe, it, expect } from 'vitest';
import { closest, editDistance } from './suggest.js';

describe('suggestions', () => {
  it('measures edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
  it('suggests close keys and stems, not distant ones', () => {
    expect(closest('hostnmae', ['hostname', 'domain'])).toBe('hostname');
    expect(closest('pasword', ['name', 'passwordHash'])).toBe('passwordHash');
    expect(closest('zzz', ['hostname', 'domain'])).toBeUndefined();
  });
});

import { describe, it, expect } from 'vitest';
import { mergeProfiles } from './merge.js';

describe('mergeProfiles', () => {
  it('merges maps deeply, child wins', () => {
    expect(mergeProfiles({ a: { b: 1, c: 2 }, d: 1 }, { a: { c: 3, e: 4 } })).toEqual({ a: { b: 1, c: 3, e: 4 }, d: 1 });
  });
  it('replaces lists instead of concatenating them', () => {
    expect(mergeProfiles({ l: [1, 2, 3] }, { l: [9] })).toEqual({ l: [9] });
  });
  it('lets a scalar replace a map and a map replace a scalar', () => {
    expect(mergeProfiles({ a: { b: 1 } }, { a: 'x' })).toEqual({ a: 'x' });
    expect(mergeProfiles({ a: 'x' }, { a: { b: 1 } })).toEqual({ a: { b: 1 } });
  });
  it('removes an inherited key when the child sets null', () => {
    expect(mergeProfiles({ a: { b: 1, c: 2 } }, { a: { b: null } })).toEqual({ a: { c: 2 } });
  });
  it('does not share objects with its inputs', () => {
    const parent = { a: { b: [1] } };
    const out = mergeProfiles(parent, {});
    (out.a as { b: number[] }).b.push(2);
    expect(parent.a.b).toEqual([1]);
  });
  it('never merges keys that reach a prototype, at any depth', () => {
    const child = JSON.parse('{"__proto__": {"polluted": 1}, "a": {"__proto__": {"x": 1}, "constructor": {"y": 1}}, "prototype": 2}') as Record<
      string,
      unknown
    >;
    const out = mergeProfiles({ a: { b: 1 } }, child);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(out.a)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['a']);
    expect(out.a).toEqual({ b: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

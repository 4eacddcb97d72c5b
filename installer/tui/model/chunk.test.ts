import { describe, expect, it } from 'vitest';
import { keysOfChunk } from './chunk.js';

describe('keysOfChunk: one terminal read as typed keys', () => {
  it('a single key or a key with its flag passes as it is', () => {
    expect(keysOfChunk('a', {})).toEqual([['a', {}]]);
    expect(keysOfChunk('', { return: true })).toEqual([['', { return: true }]]);
    expect(keysOfChunk('123456', {})).toEqual([['123456', {}]]);
  });
  it('text and the Enter after it (one serial read) are the text, then Enter', () => {
    expect(keysOfChunk('123456\r', {})).toEqual([
      ['123456', { return: false }],
      ['', { return: true }],
    ]);
  });
  it('CR LF is one Enter; text after it stays text', () => {
    expect(keysOfChunk('ab\r\ncd\n', {})).toEqual([
      ['ab', { return: false }],
      ['', { return: true }],
      ['cd', { return: false }],
      ['', { return: true }],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { keysOfChunk } from './chunk.js';

describe('keysOfChunk: one terminal read as typed keys', () => {
  it('a single key, plain text or a key with its flag passes as it is', () => {
    expect(keysOfChunk('a', {})).toEqual([['a', {}]]);
    expect(keysOfChunk('', { return: true })).toEqual([['', { return: true }]]);
    expect(keysOfChunk('123456', {})).toEqual([['123456', {}]]);
  });
  it('text and the Enter after it (one serial read) are the text, then Enter', () => {
    expect(keysOfChunk('123456\r', {})).toEqual([
      ['123456', { return: false, ctrl: false }],
      ['', { return: true }],
    ]);
  });
  it('CR LF is one Enter; text after it stays text', () => {
    expect(keysOfChunk('ab\r\ncd\n', {})).toEqual([
      ['ab', { return: false, ctrl: false }],
      ['', { return: true }],
      ['cd', { return: false, ctrl: false }],
      ['', { return: true }],
    ]);
  });
  it('Ctrl-N, Tab and Backspace read with text are keys of their own', () => {
    expect(keysOfChunk('9.9.9.9\x0e', {})).toEqual([
      ['9.9.9.9', { return: false, ctrl: false }],
      ['n', { ctrl: true }],
    ]);
    expect(keysOfChunk('ab\tc\x7f', {})).toEqual([
      ['ab', { return: false, ctrl: false }],
      ['', { tab: true }],
      ['c', { return: false, ctrl: false }],
      ['', { backspace: true }],
    ]);
  });
  it('a read with an escape sequence is left to Ink', () => {
    expect(keysOfChunk('\x1b[A', { upArrow: true })).toEqual([['\x1b[A', { upArrow: true }]]);
  });
});

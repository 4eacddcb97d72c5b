import type { KeyPress } from './navigation.js';

/**
 * Pure: one terminal read as the keys a person typed. Over a serial line or a busy terminal,
 * typed text and the Enter after it can arrive in one read; Ink then hands them over as one
 * string with no `return` flag, and the Enter would be lost (or typed into the field). Text
 * runs stay text; each CR or LF between them becomes an Enter of its own (CR LF is one Enter).
 */
export function keysOfChunk(input: string, key: KeyPress): [string, KeyPress][] {
  if (input.length <= 1 || key.return || !/[\r\n]/.test(input)) return [[input, key]];
  const out: [string, KeyPress][] = [];
  for (const part of input.replace(/\r\n/g, '\r').split(/([\r\n])/)) {
    if (part === '') continue;
    if (part === '\r' || part === '\n') out.push(['', { return: true }]);
    else out.push([part, { ...key, return: false }]);
  }
  return out;
}

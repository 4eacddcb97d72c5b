import type { KeyPress } from './navigation.js';

/**
 * Pure: one terminal read as the keys a person typed. Over a serial line or a busy terminal,
 * typed text and the key after it (Enter, Ctrl-N, Tab, Backspace) can arrive in one read; Ink
 * then hands them over as one string without the key's flag, and the key would be lost or typed
 * into the field. Text runs stay text; each control character becomes its own key press, as Ink
 * reports it when it comes alone (CR LF is one Enter). A read with an escape sequence (arrows)
 * is left whole: Ink parses those itself.
 */
export function keysOfChunk(input: string, key: KeyPress): [string, KeyPress][] {
  if (input.length <= 1 || input.includes('\x1b') || !/[\x00-\x1f\x7f]/.test(input)) return [[input, key]];
  const out: [string, KeyPress][] = [];
  let text = '';
  const flush = () => {
    if (text) out.push([text, { ...key, return: false, ctrl: false }]);
    text = '';
  };
  const chars = input.replace(/\r\n/g, '\r');
  for (const ch of chars) {
    const c = ch.charCodeAt(0);
    if (c >= 0x20 && c !== 0x7f) {
      text += ch;
      continue;
    }
    flush();
    if (ch === '\r' || ch === '\n') out.push(['', { return: true }]);
    else if (ch === '\t') out.push(['', { tab: true }]);
    else if (c === 0x7f || c === 0x08) out.push(['', { backspace: true }]);
    else if (c >= 0x01 && c <= 0x1a) out.push([String.fromCharCode(c + 0x60), { ctrl: true }]);
  }
  flush();
  return out;
}

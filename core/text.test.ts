import { describe, it, expect } from 'vitest';
import { printable, redactUrlCredentials, safeText } from './text.js';

describe('printable text', () => {
  it('escapes line breaks, ANSI escapes, C1 controls and Unicode separators', () => {
    expect(printable('a\nb\r\tc')).toBe('a\\nb\\r\\tc');
    expect(printable('\u001b[2Kx\u0007')).toBe('\\x1b[2Kx\\x07');
    expect(printable('\u009b31m\u2028\u202e')).toBe('\\x9b31m\\u2028\\u202e');
    expect(printable('plain text, ünïcode, 日本')).toBe('plain text, ünïcode, 日本');
  });
  it('hides the user and password of every URL in a text', () => {
    expect(redactUrlCredentials('see https://alice:s3cret@hook.example.com/x and ftp://tok@h/')).toBe(
      'see https://<redacted>@hook.example.com/x and ftp://<redacted>@h/',
    );
    expect(redactUrlCredentials('https://hook.example.com/a@b')).toBe('https://hook.example.com/a@b');
    expect(safeText('https://u:p@h\n')).toBe('https://<redacted>@h\\n');
  });
});

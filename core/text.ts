/**
 * Text that reaches a terminal or a log: control characters escaped, credentials in URLs hidden.
 * Escaping happens where text is printed (issues, errors, events), so no message can forge a line
 * or move the cursor, whatever value it quotes.
 */

/** C0 and C1 controls, DEL, the Unicode line and paragraph separators and the bidirectional overrides. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `s` with every control character written as an escape (`\n`, `\x1b`, `\u2028`): one visible line. */
export function printable(s: string): string {
  return s.replace(CONTROL, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

export const REDACTED_USERINFO = '<redacted>';

/** `scheme://user:pass@host` and `scheme://token@host`, wherever they appear in a text. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/gi;

/** `s` with the user and password part of every URL replaced: `https://<redacted>@host/...`. */
export function redactUrlCredentials(s: string): string {
  return s.replace(URL_USERINFO, `$1${REDACTED_USERINFO}@`);
}

/** What any printed message goes through: credentials hidden, then control characters escaped. */
export function safeText(s: string): string {
  return printable(redactUrlCredentials(s));
}

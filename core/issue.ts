import type { Position } from './errors.js';
import { redactUrlCredentials, safeText } from './text.js';

/** One problem found in a profile: where, which key, what is wrong, what to do. */
export interface Issue {
  file: string;
  line: number;
  col: number;
  /** JSON pointer of the key, for example `/network/ipv4/gateway`. */
  path: string;
  message: string;
  hint?: string;
  code: string;
}

/** An issue before it is given a position: what rules and the schema check return. */
export interface Finding {
  path: string;
  message: string;
  hint?: string;
  code: string;
}

/** Gives a finding its position. Credentials in URLs never leave in a message (text or --json). */
export function issueAt(where: Position, f: Finding): Issue {
  const issue: Issue = { file: where.file, line: where.line, col: where.col, path: f.path, message: redactUrlCredentials(f.message), code: f.code };
  if (f.hint !== undefined) issue.hint = redactUrlCredentials(f.hint);
  return issue;
}

/** `file:line:col: /key/path: what is wrong (hint)`, always one line: control characters are escaped. */
export function formatIssue(i: Issue): string {
  const path = i.path === '' ? '/' : i.path;
  return safeText(`${i.file}:${i.line}:${i.col}: ${path}: ${i.message}${i.hint ? ` (${i.hint})` : ''}`);
}

export function pointer(segments: (string | number)[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function sortIssues(issues: Issue[]): Issue[] {
  return [...issues].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.path.localeCompare(b.path));
}

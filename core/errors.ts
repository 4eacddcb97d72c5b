import { safeText } from './text.js';

/** Where something is in a source file (1-based line and column). */
export interface Position {
  file: string;
  line: number;
  col: number;
}

export interface ErrorOptions {
  hint?: string;
  where?: Position;
  details?: string[];
  cause?: unknown;
}

/**
 * The one error type for things a user can fix (bad input, missing tool, failed command).
 * Anything else that is thrown is a bug. Only the CLI entry maps errors to exit codes.
 */
export class DebvisorError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly where: Position | undefined;
  readonly details: string[];

  constructor(code: string, message: string, opts: ErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DebvisorError';
    this.code = code;
    this.hint = opts.hint;
    this.where = opts.where;
    this.details = opts.details ?? [];
  }
}

/** Wrong arguments on the command line: exit code 2. */
export class UsageError extends DebvisorError {
  constructor(message: string, hint?: string) {
    super('E_USAGE', message, hint === undefined ? {} : { hint });
    this.name = 'UsageError';
  }
}

export function formatPosition(p: Position): string {
  return `${p.file}:${p.line}:${p.col}`;
}

/** One line for a user: `file:line:col: message (hint)` plus any detail lines, control characters escaped. */
export function formatError(err: DebvisorError): string {
  const where = err.where ? `${formatPosition(err.where)}: ` : '';
  const hint = err.hint ? ` (${err.hint})` : '';
  const lines = [safeText(`${where}${err.message}${hint}`)];
  for (const d of err.details) lines.push(`  ${safeText(d)}`);
  return lines.join('\n');
}

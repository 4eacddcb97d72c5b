import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { DebvisorError } from './errors.js';
import { silentEmitter, type Emitter } from './events.js';

/** How many stderr lines a failure keeps: enough to see the cause, short enough to read. */
export const STDERR_TAIL_LINES = 20;

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  input?: string;
  timeoutMs?: number;
  events?: Emitter;
  step?: string;
  /** Strings masked in logged argv and output (secrets passed on a command line). */
  redact?: string[];
  /** Return the result instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
  /** Append stdout and stderr to this file instead of keeping them (long builds); failures quote its tail. */
  logFile?: string;
  /** Called with each line of stdout and stderr as it comes (progress parsing); the output is kept or logged as without it. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface RunResult {
  argv: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export class CommandError extends DebvisorError {
  readonly argv: string[];
  readonly exitCode: number | undefined;
  readonly stderrTail: string[];

  constructor(argv: string[], exitCode: number | undefined, stderrTail: string[], reason: string) {
    super('E_COMMAND', `command failed (${reason}): ${argv.join(' ')}`, {
      hint: stderrTail.length ? 'the last lines of its stderr follow' : 'it printed nothing on stderr',
      details: stderrTail,
    });
    this.name = 'CommandError';
    this.argv = argv;
    this.exitCode = exitCode;
    this.stderrTail = stderrTail;
  }
}

export function tail(text: string, lines = STDERR_TAIL_LINES): string[] {
  const all = text.split('\n').filter((l) => l.trim() !== '');
  return all.slice(-lines);
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function mask(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}

/** Every external command goes through here: argv arrays only, logged, failures structured. */
export async function run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  if (!file) throw new DebvisorError('E_INTERNAL', 'run() called with an empty argv');
  const events = opts.events ?? silentEmitter;
  const secrets = opts.redact ?? [];
  const shown = argv.map((a) => mask(a, secrets));
  const step = opts.step;
  events.debug(`run: ${shown.join(' ')}`, { step, data: { argv: shown } });
  const started = Date.now();
  const target = (stream: 'stdout' | 'stderr') => {
    const file = opts.logFile ? { file: opts.logFile, append: true } : undefined;
    if (!opts.onLine) return file;
    const onLine = opts.onLine;
    // Lines pass with their own line ends, so the log holds exactly what the command wrote.
    const watch = {
      *transform(line: unknown) {
        onLine(String(line).replace(/\r?\n$/, ''), stream);
        yield line;
      },
      preserveNewlines: true,
    };
    return file ? [watch, file] : [watch, 'pipe' as const];
  };
  const toLog = opts.logFile || opts.onLine ? { stdout: target('stdout'), stderr: target('stderr') } : {};
  const result = await execa(file, args, {
    cwd: opts.cwd,
    env: opts.env,
    input: opts.input,
    timeout: opts.timeoutMs,
    reject: false,
    stripFinalNewline: false,
    ...(opts.input === undefined ? { stdin: 'ignore' as const } : {}),
    ...toLog,
    // With a log file the output is there, not in memory (as without onLine).
    ...(opts.logFile && opts.onLine ? { buffer: false } : {}),
  });
  const durationMs = Date.now() - started;
  const stdout = typeof result.stdout === 'string' ? result.stdout : '';
  const stderr = typeof result.stderr === 'string' ? result.stderr : '';
  const exitCode = result.exitCode ?? -1;
  const out: RunResult = { argv, exitCode, stdout, stderr, durationMs };
  if (!result.failed) return out;
  const reason = result.timedOut
    ? `timed out after ${opts.timeoutMs} ms`
    : result.exitCode === undefined
      ? (result.originalMessage ?? 'could not start')
      : `exit code ${result.exitCode}`;
  const stderrTail = tail(mask(opts.logFile ? readLog(opts.logFile) : stderr, secrets));
  events.error(`command failed (${reason}): ${shown.join(' ')}`, {
    step,
    code: 'E_COMMAND',
    data: { argv: shown, exitCode: result.exitCode, stderrTail },
  });
  if (opts.allowFailure && result.exitCode !== undefined) return out;
  throw new CommandError(shown, result.exitCode, stderrTail, reason);
}

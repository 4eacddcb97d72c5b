import type { ParseArgsConfig } from 'node:util';
import type { Writable } from 'node:stream';

export interface Io {
  stdout: Writable;
  stderr: Writable;
}

export type Options = NonNullable<ParseArgsConfig['options']>;

/** One subcommand: `words` is its path (`['profile', 'validate']`); `run` returns the exit code. */
export interface Command {
  words: string[];
  summary: string;
  /** Positional arguments as shown in help, for example `FILE...`. */
  args: string;
  /** Smallest number of positionals; larger counts are left to the command. */
  minArgs: number;
  maxArgs?: number;
  options: Options;
  /** Help text for each option. */
  optionHelp: Record<string, string>;
  run(ctx: { positionals: string[]; values: Record<string, string | boolean | (string | boolean)[] | undefined>; io: Io }): Promise<number>;
}

export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 3 } as const;

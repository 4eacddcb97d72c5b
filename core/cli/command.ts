import type { Writable } from 'node:stream';

export interface Io {
  stdout: Writable;
  stderr: Writable;
}

/** One option: its type and the help line `debvisor CMD --help` prints for it. */
export type OptionSpec = { readonly type: 'string' | 'boolean'; readonly help: string };
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** The parsed option values, typed from the declarations: a string option gives a string, a flag a boolean. */
export type OptionValues<O extends OptionSpecs> = { -readonly [K in keyof O]?: O[K]['type'] extends 'string' ? string : boolean };

export interface RunContext<O extends OptionSpecs> {
  positionals: string[];
  values: OptionValues<O>;
  io: Io;
}

/** What a command file declares: its words, what it does, its arguments and options, and `run`. */
export interface CommandSpec<O extends OptionSpecs> {
  /** The command's path, for example `['profile', 'validate']`. */
  words: readonly string[];
  summary: string;
  /** Positional arguments as shown in help, for example `FILE...`; none when left out. */
  args?: string;
  /** Smallest number of positionals (default 0); larger counts are left to the command. */
  minArgs?: number;
  /** Largest number of positionals (default `minArgs` when `args` is empty, else unbounded). */
  maxArgs?: number;
  options?: O;
  /** Returns the exit code. */
  run(ctx: RunContext<O>): Promise<number>;
}

/** A defined command as the CLI entry sees it (the option types erased). */
export interface Command {
  words: readonly string[];
  summary: string;
  args: string;
  minArgs: number;
  maxArgs: number | undefined;
  options: OptionSpecs;
  run(ctx: { positionals: string[]; values: Record<string, string | boolean | undefined>; io: Io }): Promise<number>;
}

/** The one way to define a command: a file under its area's `commands/` folder default-exports this. */
export function defineCommand<const O extends OptionSpecs = Record<never, OptionSpec>>(spec: CommandSpec<O>): Command {
  const args = spec.args ?? '';
  const minArgs = spec.minArgs ?? 0;
  return {
    words: spec.words,
    summary: spec.summary,
    args,
    minArgs,
    maxArgs: spec.maxArgs ?? (args === '' ? minArgs : undefined),
    options: spec.options ?? {},
    // The entry parses the values from these same declarations, so the types hold.
    run: (ctx) => spec.run(ctx as RunContext<O>),
  };
}

/**
 * One row of the command table at the program's entry: enough to list and find a command;
 * `load` imports its file (and so its feature's modules) only when it runs or shows its help.
 */
export interface CommandEntry {
  words: readonly string[];
  summary: string;
  load: () => Promise<{ default: Command }>;
}

export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 3 } as const;

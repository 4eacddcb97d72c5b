import { parseArgs, type ParseArgsConfig } from 'node:util';
import { readFileSync } from 'node:fs';
import { DebvisorError, UsageError, formatError } from '../errors.js';
import { safeText } from '../text.js';
import { EXIT, type Command, type CommandEntry, type Io } from './command.js';

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function usageLine(c: Command): string {
  const opts = Object.entries(c.options).map(([o, spec]) => (spec.type === 'boolean' ? `[--${o}]` : `[--${o} VALUE]`));
  return ['debvisor', ...c.words, c.args, ...opts].filter(Boolean).join(' ');
}

/** The list of commands (all, or those under `prefix`), from the table alone: nothing is loaded. */
export function helpText(table: readonly CommandEntry[], prefix: string[] = []): string {
  const list = table.filter((c) => prefix.every((w, i) => c.words[i] === w));
  const width = Math.max(...list.map((c) => c.words.join(' ').length));
  const lines = [
    'debvisor: build, install and harden DebVisor nodes',
    '',
    `usage: debvisor ${prefix.length ? `${prefix.join(' ')} ` : ''}COMMAND [ARGS] [OPTIONS]`,
    '',
    'commands:',
    ...list.map((c) => `  ${c.words.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'options for every command: --help',
    "run 'debvisor COMMAND --help' for a command's arguments and options.",
    'exit codes: 0 success, 1 failure or invalid input, 2 usage error.',
  ];
  return `${lines.join('\n')}\n`;
}

export function commandHelp(c: Command): string {
  const lines = [`usage: ${usageLine(c)}`, '', c.summary];
  const opts = Object.entries(c.options);
  if (opts.length) lines.push('', 'options:', ...opts.map(([k, v]) => `  --${k.padEnd(12)} ${v.help}`));
  return `${lines.join('\n')}\n`;
}

function find(table: readonly CommandEntry[], argv: string[]): { entry: CommandEntry; rest: string[] } | undefined {
  let best: CommandEntry | undefined;
  for (const c of table) {
    if (c.words.every((w, i) => argv[i] === w) && (!best || c.words.length > best.words.length)) best = c;
  }
  return best ? { entry: best, rest: argv.slice(best.words.length) } : undefined;
}

function parseOptions(c: Command, rest: string[]) {
  // node:util parses from the same declarations the command's values are typed by.
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, spec] of Object.entries(c.options)) options[name] = { type: spec.type };
  try {
    return parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]!, `usage: ${usageLine(c)}`);
  }
}

/**
 * Runs one command line against a command table: the only place that turns errors into exit
 * codes and text. Only the command that runs (or shows its help) is loaded.
 */
export async function runCli(table: readonly CommandEntry[], argv: string[], io: Io): Promise<number> {
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      io.stdout.write(helpText(table));
      return EXIT.ok;
    }
    if (argv[0] === '--version' || argv[0] === '-V') {
      io.stdout.write(`debvisor ${version()}\n`);
      return EXIT.ok;
    }
    const found = find(table, argv);
    if (!found) {
      const group = table.filter((c) => c.words[0] === argv[0]);
      if (group.length) {
        const wanted = argv[1] === undefined || argv[1] === '--help' ? undefined : argv[1];
        if (wanted === undefined) {
          io.stdout.write(helpText(table, [argv[0]!]));
          return argv[1] === '--help' ? EXIT.ok : EXIT.usage;
        }
        throw new UsageError(`unknown command: debvisor ${argv[0]} ${wanted}`, `see 'debvisor ${argv[0]} --help'`);
      }
      throw new UsageError(`unknown command: ${argv[0]}`, "see 'debvisor --help'");
    }
    const { entry, rest } = found;
    const command = (await entry.load()).default;
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    const parsed = parseOptions(command, rest);
    const n = parsed.positionals.length;
    if (n < command.minArgs || (command.maxArgs !== undefined && n > command.maxArgs)) {
      throw new UsageError(`wrong number of arguments for 'debvisor ${command.words.join(' ')}'`, `usage: ${usageLine(command)}`);
    }
    return await command.run({ positionals: parsed.positionals, values: parsed.values as Record<string, string | boolean | undefined>, io });
  } catch (err) {
    if (err instanceof DebvisorError) {
      io.stderr.write(`debvisor: ${formatError(err)}\n`);
      return err instanceof UsageError ? EXIT.usage : EXIT.failed;
    }
    const trace = ((err as Error)?.stack ?? String(err)).split('\n').map(safeText).join('\n');
    io.stderr.write(`debvisor: internal error (a bug, please report it): ${trace}\n`);
    return EXIT.internal;
  }
}

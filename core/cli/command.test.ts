import { describe, it, expect, expectTypeOf } from 'vitest';
import { Writable } from 'node:stream';
import { EXIT, defineCommand, type Command, type CommandEntry, type Io } from './command.js';
import { runCli } from './run-cli.js';

function capture(): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void) =>
    new Writable({
      write(chunk, _e, done) {
        add(String(chunk));
        done();
      },
    });
  return { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), out: () => out, err: () => err };
}

const seen: unknown[] = [];
const greet = defineCommand({
  words: ['greet', 'person'],
  summary: 'say hello',
  args: 'NAME',
  minArgs: 1,
  maxArgs: 1,
  options: {
    loud: { type: 'boolean', help: 'shout' },
    greeting: { type: 'string', help: 'the word to use (default hello)' },
  },
  async run({ positionals, values, io }) {
    expectTypeOf(values.greeting).toEqualTypeOf<string | undefined>();
    expectTypeOf(values.loud).toEqualTypeOf<boolean | undefined>();
    // @ts-expect-error an option that was not declared has no value
    seen.push(values.nope);
    seen.push(values);
    const text = `${values.greeting ?? 'hello'} ${positionals[0]}`;
    io.stdout.write(`${values.loud ? text.toUpperCase() : text}\n`);
    return EXIT.ok;
  },
});

function table(loads: string[]): CommandEntry[] {
  const entry = (c: Command): CommandEntry => ({
    words: c.words,
    summary: c.summary,
    load: async () => {
      loads.push(c.words.join(' '));
      return { default: c };
    },
  });
  const other = defineCommand({
    words: ['greet', 'all'],
    summary: 'say hello to everyone',
    async run() {
      return EXIT.failed;
    },
  });
  return [entry(greet), entry(other)];
}

describe('defineCommand: one way to define a command', () => {
  it('types the values from the option declarations and parses them', async () => {
    const io = capture();
    expect(await runCli(table([]), ['greet', 'person', 'ada', '--loud', '--greeting', 'hi'], io)).toBe(0);
    expect(io.out()).toBe('HI ADA\n');
    expect(seen.at(-1)).toEqual({ loud: true, greeting: 'hi' });
  });
  it('rejects a declaration without help text or with a type parseArgs does not know', () => {
    // @ts-expect-error every option has its help line
    defineCommand({ words: ['x'], summary: 'x', options: { a: { type: 'string' } }, run: async () => 0 });
    // @ts-expect-error only string and boolean options
    defineCommand({ words: ['x'], summary: 'x', options: { a: { type: 'number', help: 'a' } }, run: async () => 0 });
  });
  it("prints a command's help from its declaration", async () => {
    const io = capture();
    expect(await runCli(table([]), ['greet', 'person', '--help'], io)).toBe(0);
    expect(io.out()).toBe(
      'usage: debvisor greet person NAME [--loud] [--greeting VALUE]\n\nsay hello\n\noptions:\n  --loud         shout\n  --greeting     the word to use (default hello)\n',
    );
  });
  it('refuses an unknown option, a value for a flag and a wrong number of arguments with exit 2', async () => {
    for (const argv of [
      ['greet', 'person', 'ada', '--nope'],
      ['greet', 'person', 'ada', '--loud=yes'],
      ['greet', 'person'],
      ['greet', 'person', 'a', 'b'],
      ['greet', 'all', 'x'],
    ]) {
      const io = capture();
      expect(await runCli(table([]), argv, io), argv.join(' ')).toBe(EXIT.usage);
      expect(io.err()).toMatch(/^debvisor: /);
    }
    const io = capture();
    await runCli(table([]), ['greet', 'person', 'ada', '--nope'], io);
    expect(io.err()).toContain("Unknown option '--nope'");
    expect(io.err()).toContain('usage: debvisor greet person NAME [--loud] [--greeting VALUE]');
  });
  it('lists commands and prints the version without loading any command', async () => {
    const loads: string[] = [];
    for (const argv of [[], ['--help'], ['greet'], ['greet', '--help'], ['--version'], ['frobnicate'], ['greet', 'nobody']])
      await runCli(table(loads), argv, capture());
    expect(loads).toEqual([]);
    const io = capture();
    await runCli(table(loads), ['--help'], io);
    expect(io.out()).toContain('  greet person  say hello\n  greet all     say hello to everyone\n');
  });
  it('loads only the command that runs or shows its help', async () => {
    const loads: string[] = [];
    await runCli(table(loads), ['greet', 'person', '--help'], capture());
    await runCli(table(loads), ['greet', 'all'], capture());
    expect(loads).toEqual(['greet person', 'greet all']);
  });
});

import { describe, it, expect } from 'vitest';
import { run, CommandError } from './run.js';
import { createEmitter, memorySink } from './events.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testDir } from '../test/unit/helpers/temp-dir.js';

describe('run', () => {
  it('returns stdout and the exit code', async () => {
    const r = await run(['sh', '-c', 'echo hello']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('hello\n');
  });
  it('fails with the command, exit code and the tail of stderr, and logs it', async () => {
    const sink = memorySink();
    const events = createEmitter({ sinks: [sink] });
    const err = await run(['sh', '-c', 'for i in $(seq 1 30); do echo line$i >&2; done; exit 3'], { events }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    const ce = err as CommandError;
    expect(ce.exitCode).toBe(3);
    expect(ce.message).toContain('exit code 3');
    expect(ce.stderrTail).toHaveLength(20);
    expect(ce.stderrTail.at(-1)).toBe('line30');
    expect(sink.events.map((e) => e.level)).toEqual(['debug', 'error']);
  });
  it('masks secrets in what it logs', async () => {
    const sink = memorySink();
    await run(['sh', '-c', 'echo $0 >&2; exit 1', 's3cret'], { events: createEmitter({ sinks: [sink] }), redact: ['s3cret'] }).catch(() => undefined);
    expect(JSON.stringify(sink.events)).not.toContain('s3cret');
  });
  it('reports a missing program and a timeout', async () => {
    await expect(run(['/nonexistent/tool'])).rejects.toThrow(CommandError);
    await expect(run(['sleep', '5'], { timeoutMs: 100 })).rejects.toThrow(/timed out/);
  });
  it('can return a failure instead of throwing', async () => {
    expect((await run(['sh', '-c', 'exit 4'], { allowFailure: true })).exitCode).toBe(4);
  });
});

describe('run with a log file', () => {
  it('appends output to the file and quotes its tail on failure', async () => {
    const log = join(testDir('dv-run-'), 'stage.log');
    await run(['sh', '-c', 'echo first'], { logFile: log });
    const err = (await run(['sh', '-c', 'echo out-line; echo E: broken >&2; exit 100'], { logFile: log }).catch((e: unknown) => e)) as CommandError;
    expect(readFileSync(log, 'utf8')).toBe('first\nout-line\nE: broken\n');
    expect(err.exitCode).toBe(100);
    expect(err.stderrTail).toEqual(['first', 'out-line', 'E: broken']);
  });
  it('hands each line to onLine as it comes and still logs the same bytes', async () => {
    const log = join(testDir('dv-run-'), 'stage.log');
    const lines: string[] = [];
    await run(['sh', '-c', 'echo one; echo two >&2; printf "three"'], { logFile: log, onLine: (l, s) => lines.push(`${s}:${l}`) });
    expect(lines.sort()).toEqual(['stderr:two', 'stdout:one', 'stdout:three']);
    // The same bytes as without onLine (the two streams may interleave either way).
    expect([...readFileSync(log, 'utf8')].sort().join('')).toBe([...'one\ntwo\nthree'].sort().join(''));
    const kept = await run(['sh', '-c', 'echo kept'], { onLine: () => undefined });
    expect(kept.stdout).toBe('kept\n');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmitter, memorySink } from '../../core/events.js';
import { inTarget, stopTargetProcesses } from './steps-system.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('processes left in the target before it is unmounted', () => {
  it('a path is in the target when it is the target or below it, not a sibling with the same prefix', () => {
    expect(inTarget('/target', '/target')).toBe(true);
    expect(inTarget('/target', '/target/run/x.sock')).toBe(true);
    expect(inTarget('/target', '/target2/x')).toBe(false);
    expect(inTarget('/target', '/')).toBe(false);
  });
  it('a process working in the target is named in a warning and stopped; one outside it is left alone', async () => {
    const target = mkdtempSync(join(tmpdir(), 'debvisor-target-'));
    dirs.push(target);
    const inside = spawn('sleep', ['30'], { cwd: target, stdio: 'ignore' });
    const outside = spawn('sleep', ['30'], { cwd: tmpdir(), stdio: 'ignore' });
    try {
      const sink = memorySink();
      await stopTargetProcesses(target, createEmitter({ stage: 'install', sinks: [sink] }));
      const exited = await new Promise<NodeJS.Signals | null>((r) =>
        inside.exitCode !== null || inside.signalCode ? r(inside.signalCode) : inside.once('exit', (_c, s) => r(s)),
      );
      expect(exited).toBe('SIGTERM');
      expect(outside.exitCode).toBeNull();
      expect(outside.signalCode).toBeNull();
      const warned = sink.events.filter((e) => e.level === 'warn').map((e) => e.message);
      expect(warned).toEqual([expect.stringContaining(`${inside.pid} sleep 30`)]);
      // Nothing left: no warning.
      await stopTargetProcesses(target, createEmitter({ stage: 'install', sinks: [sink] }));
      expect(sink.events.filter((e) => e.level === 'warn')).toHaveLength(1);
    } finally {
      inside.kill('SIGKILL');
      outside.kill('SIGKILL');
    }
  });
});

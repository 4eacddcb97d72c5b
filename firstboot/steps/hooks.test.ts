import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentEmitter } from '../../core/events.js';
import { run } from '../../core/run.js';
import type { Profile } from '../../profiles/schema/profile.js';
import { runMachine } from '../machine.js';
import { StateStore } from '../state.js';
import { HOOK_LOG, hookSteps } from './hooks.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'fb-hooks-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const profile = (hooks: Profile['firstboot']['hooks']) => ({ firstboot: { hooks } }) as Profile;

describe('profile hooks', () => {
  it('run once each in order of their ordering, output to the log, a timeout is a failure', async () => {
    const p = profile([
      { name: 'late', ordering: 'fully-up', run: ['sh', '-c', 'echo late-ran'], timeoutSec: 10 },
      { name: 'hello', ordering: 'network-online', run: ['sh', '-c', 'echo hello-out; echo hello-err >&2'], timeoutSec: 10 },
      { name: 'slow', ordering: 'network-online', run: ['sleep', '5'], timeoutSec: 1 },
    ]);
    const steps = [...hookSteps(p, 'network-online', { run }), ...hookSteps(p, 'fully-up', { run })];
    expect(steps.map((s) => s.name)).toEqual(['hook-hello', 'hook-slow', 'hook-late']);
    const t0 = Date.now();
    const r = await runMachine({ root, profile: p, steps, emit: silentEmitter });
    expect(Date.now() - t0).toBeLessThan(4_000);
    expect(r.steps.map((s) => s.status)).toEqual(['done', 'failed', 'done']);
    expect(r.steps[1]!.lastError?.message).toMatch(/hook slow failed: .*timed out after 1000 ms/);
    const log = readFileSync(join(root, HOOK_LOG), 'utf8');
    expect(log).toMatch(/hook hello[\s\S]*hello-out[\s\S]*hello-err[\s\S]*hook slow[\s\S]*hook late[\s\S]*late-ran/);
    await runMachine({ root, profile: p, steps, emit: silentEmitter });
    expect(readFileSync(join(root, HOOK_LOG), 'utf8').match(/^late-ran$/gm)).toHaveLength(1);
    expect(new StateStore(root).load('hook-slow', 'local').attempts).toBe(1);
  });
});

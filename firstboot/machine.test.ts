import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentEmitter } from '../core/events.js';
import type { Profile } from '../profiles/schema/profile.js';
import { at } from './atomic.js';
import { overallState, runMachine } from './machine.js';
import { FIRSTBOOT_NODE_SNAPSHOT, FIRSTBOOT_NODE_SNAPSHOT_STAMP } from '../core/tool-paths.js';
import { FIRSTBOOT_MARKER } from './paths.js';
import { StateStore } from './state.js';
import { type FirstbootStep, StepError } from './step.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'fb-machine-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const profile = {} as Profile;

/** A fake clock: sleep advances it, nothing waits. */
function fakeTime(start = Date.parse('2026-01-01T00:00:00Z')) {
  let t = start;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      slept.push(ms);
      t += ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
    slept,
  };
}

function step(name: string, kind: 'local' | 'remote', run: FirstbootStep['run']): FirstbootStep {
  return { name, kind, run };
}

const down = (remote = 'acme:https://ca/dir') => new StepError('E_DOWN', 'connection refused', { retryable: true, remote });
const timing = {
  stepDeadlineMs: 60_000,
  backoff: { baseMs: 1_000, capMs: 20_000 },
  breaker: { threshold: 3, openMs: 30_000, capMs: 120_000 },
  failedRetryMs: 3_600_000,
};

describe('the first-boot state machine', () => {
  it('runs the steps in order, records each, writes the markers and reaches ready', async () => {
    const order: string[] = [];
    const steps = ['a', 'b', 'c'].map((n) =>
      step(n, 'local', async () => {
        order.push(n);
        return { summary: `${n} ok` };
      }),
    );
    const r = await runMachine({ root, profile, steps, emit: silentEmitter, ...fakeTime() });
    expect(order).toEqual(['a', 'b', 'c']);
    expect(r.state).toBe('ready');
    expect(existsSync(at(root, FIRSTBOOT_MARKER))).toBe(true);
    const again = await runMachine({ root, profile, steps, emit: silentEmitter, ...fakeTime() });
    expect(order).toEqual(['a', 'b', 'c']);
    expect(again.state).toBe('ready');
  });

  it("removes Node's start snapshot once ready, and keeps it while a remote step is still to come", async () => {
    const snapshot = [FIRSTBOOT_NODE_SNAPSHOT, FIRSTBOOT_NODE_SNAPSHOT_STAMP].map((f) => at(root, f));
    mkdirSync(join(snapshot[0]!, '..'), { recursive: true });
    for (const f of snapshot) writeFileSync(f, 'x');
    let up = false;
    const steps = [
      step('cert', 'remote', async () => {
        if (!up) throw down();
        return { summary: 'issued' };
      }),
    ];
    const t = fakeTime();
    expect((await runMachine({ root, profile, steps, emit: silentEmitter, timing, random: () => 0.5, now: t.now, sleep: t.sleep })).state).toBe(
      'ready (degraded)',
    );
    expect(snapshot.map((f) => existsSync(f))).toEqual([true, true]);
    up = true;
    t.advance(3_600_000);
    expect((await runMachine({ root, profile, steps, emit: silentEmitter, timing, now: t.now, sleep: t.sleep })).state).toBe('ready');
    expect(snapshot.map((f) => existsSync(f))).toEqual([false, false]);
  });

  it("starts every pending, applicable step's preload before the first step runs, and a failing preload fails nothing", async () => {
    const events: string[] = [];
    const mk = (name: string, extra: Partial<FirstbootStep>): FirstbootStep => ({
      ...step(name, 'local', async () => {
        events.push(`run ${name}`);
        return { summary: 'ok' };
      }),
      preload: async () => {
        events.push(`preload ${name}`);
        throw new Error('no such module');
      },
      ...extra,
    });
    new StateStore(root).markDone('done-before', '2026-01-01T00:00:00Z');
    const steps = [mk('first', {}), mk('done-before', {}), mk('not-for-this-profile', { skip: () => 'off' }), mk('later', {})];
    const r = await runMachine({ root, profile, steps, emit: silentEmitter, ...fakeTime() });
    expect(events).toEqual(['preload first', 'preload later', 'run first', 'run later']);
    expect(r.state).toBe('ready');
  });

  it('retries a remote with growing jittered waits under its deadline, then reaches ready (degraded) and hands off', async () => {
    const t = fakeTime();
    let calls = 0;
    const handoff: string[] = [];
    const steps = [
      step('cert', 'remote', async () => {
        calls++;
        throw down();
      }),
      step('handoff', 'local', async () => {
        handoff.push('start');
        return { summary: 'started' };
      }),
    ];
    const r = await runMachine({ root, profile, steps, emit: silentEmitter, timing, random: () => 0.5, now: t.now, sleep: t.sleep });
    expect(r.state).toBe('ready (degraded)');
    expect(handoff).toEqual(['start']);
    // Three failures open the breaker for 30 s; the run stops retrying at the deadline.
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(t.now() - Date.parse('2026-01-01T00:00:00Z')).toBeLessThanOrEqual(60_000);
    expect(t.slept.slice(0, 2)).toEqual([500, 1000]);
    const rec = new StateStore(root).load('cert', 'remote');
    expect(rec.status).toBe('retrying');
    expect(rec.lastError?.message).toBe('connection refused');
    expect(Date.parse(rec.nextAttemptAt!)).toBeGreaterThan(t.now());
    expect(existsSync(at(root, FIRSTBOOT_MARKER))).toBe(false);
  });

  it('a run before the next attempt is due leaves the step alone; a later run succeeds without a restart', async () => {
    const t = fakeTime();
    let up = false;
    let calls = 0;
    const steps = [
      step('cert', 'remote', async () => {
        calls++;
        if (!up) throw down();
        return { summary: 'issued' };
      }),
    ];
    const o = { root, profile, steps, emit: silentEmitter, timing: { ...timing, stepDeadlineMs: 1 }, random: () => 0.9, now: t.now, sleep: t.sleep };
    expect((await runMachine(o)).state).toBe('ready (degraded)');
    expect(calls).toBe(1);
    up = true;
    await runMachine(o);
    expect(calls).toBe(1);
    t.advance(10_000);
    expect((await runMachine(o)).state).toBe('ready');
    expect(calls).toBe(2);
  });

  it('an open breaker keeps other steps of the same remote from calling it', async () => {
    const t = fakeTime();
    const calls: string[] = [];
    const failing = (n: string) =>
      step(n, 'remote', async () => {
        calls.push(n);
        throw down('dns:10.0.0.53');
      });
    const o = { root, profile, emit: silentEmitter, timing: { ...timing, stepDeadlineMs: 1 }, random: () => 0, now: t.now, sleep: t.sleep };
    for (let i = 0; i < 3; i++) {
      await runMachine({ ...o, steps: [failing('dns')] });
      t.advance(1);
    }
    expect(calls).toEqual(['dns', 'dns', 'dns']);
    await runMachine({ ...o, steps: [failing('dns')] });
    expect(calls.length).toBe(3);
    const rec = new StateStore(root).load('dns', 'remote');
    expect(rec.status).toBe('retrying');
    t.advance(30_000);
    await runMachine({ ...o, steps: [failing('dns')] });
    expect(calls.length).toBe(4);
  });

  it('a non-retryable failure waits for the operator: no tight loop, --retry tries again', async () => {
    const t = fakeTime();
    let calls = 0;
    const steps = [
      step('dns', 'remote', async () => {
        calls++;
        throw new StepError('E_DNS_NOT_AUTHORIZED', 'the TSIG key may not change x', { retryable: false, remote: 'dns:x' });
      }),
    ];
    const o = { root, profile, steps, emit: silentEmitter, timing, now: t.now, sleep: t.sleep };
    expect((await runMachine(o)).state).toBe('ready (degraded)');
    for (let i = 0; i < 5; i++) await runMachine(o);
    expect(calls).toBe(1);
    expect(new StateStore(root).load('dns', 'remote').status).toBe('failed');
    await runMachine({ ...o, retryNow: true });
    expect(calls).toBe(2);
  });

  it('a refusal (not retryable) is an answer: it does not open the remote’s breaker, and closes one an outage opened', async () => {
    const t = fakeTime();
    let refuse = false;
    const steps = [
      step('cert', 'remote', async () => {
        if (refuse) throw new StepError('E_ACME_EAB', 'the CA refused the external account binding', { retryable: false, remote: 'acme:https://ca/dir' });
        throw down();
      }),
    ];
    const o = { root, profile, steps, emit: silentEmitter, timing: { ...timing, stepDeadlineMs: 1 }, random: () => 0, now: t.now, sleep: t.sleep };
    for (let i = 0; i < 3; i++) await runMachine({ ...o, retryNow: true });
    expect(new StateStore(root).breakers()['acme:https://ca/dir']?.openUntil).toBeGreaterThan(t.now());
    refuse = true;
    for (let i = 0; i < 4; i++) await runMachine({ ...o, retryNow: true });
    const b = new StateStore(root).breakers()['acme:https://ca/dir'];
    expect(b?.openUntil).toBeUndefined();
    expect(b?.failures).toBe(0);
    expect(new StateStore(root).load('cert', 'remote')).toMatchObject({ status: 'failed', lastError: { code: 'E_ACME_EAB' } });
  });

  it('a failed local step makes the node failed but the later steps (hand-off) still run', async () => {
    const ran: string[] = [];
    const steps = [
      step('hook-x', 'local', async () => {
        throw new StepError('E_HOOK_FAILED', 'hook x failed', { retryable: false });
      }),
      step('handoff', 'local', async () => {
        ran.push('handoff');
        return { summary: 'ok' };
      }),
    ];
    const r = await runMachine({ root, profile, steps, emit: silentEmitter, ...fakeTime() });
    expect(r.state).toBe('failed');
    expect(ran).toEqual(['handoff']);
  });

  it('resumes at the interrupted step: a record left "running" (killed) is attempted again, done steps are not', async () => {
    const store = new StateStore(root);
    store.save({ name: 'a', kind: 'local', status: 'done', attempts: 1, failures: 0, data: {} });
    store.markDone('a', 'x');
    store.save({ name: 'b', kind: 'remote', status: 'running', attempts: 1, failures: 0, data: { orderUrl: 'u' } });
    const seen: unknown[] = [];
    const steps = [
      step('a', 'local', async () => {
        throw new Error('a must not run again');
      }),
      step('b', 'remote', async (ctx) => {
        seen.push(ctx.state.orderUrl);
        return { summary: 'b ok' };
      }),
    ];
    const r = await runMachine({ root, profile, steps, emit: silentEmitter, ...fakeTime() });
    expect(r.state).toBe('ready');
    expect(seen).toEqual(['u']);
    expect(store.load('b', 'remote').attempts).toBe(2);
  });

  it('a marker without its record (killed between the two) counts as done', async () => {
    new StateStore(root).markDone('a', 'x');
    const r = await runMachine({ root, profile, steps: [step('a', 'local', async () => ({ summary: 'no' }))], emit: silentEmitter, ...fakeTime() });
    expect(r.steps[0]!.status).toBe('done');
  });

  it('refuses to run next to a live run, takes over the lock of a dead one', async () => {
    const lock = join(root, 'var/lib/debvisor/firstboot/run.lock');
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(join(root, 'var/lib/debvisor/firstboot'), { recursive: true });
    writeFileSync(lock, `${process.ppid}\n`);
    await expect(runMachine({ root, profile, steps: [], emit: silentEmitter })).rejects.toThrow(/another first-boot run/);
    writeFileSync(lock, '999999999\n');
    await expect(runMachine({ root, profile, steps: [], emit: silentEmitter })).resolves.toMatchObject({ state: 'ready' });
    expect(existsSync(lock)).toBe(false);
    expect(readFileSync(join(root, 'var/lib/debvisor/firstboot/summary.json'), 'utf8')).toContain('ready');
  });

  it('overall state from the records', () => {
    expect(
      overallState([
        { kind: 'local', status: 'done' },
        { kind: 'remote', status: 'skipped' },
      ]),
    ).toBe('ready');
    expect(
      overallState([
        { kind: 'local', status: 'done' },
        { kind: 'remote', status: 'retrying' },
      ]),
    ).toBe('ready (degraded)');
    expect(
      overallState([
        { kind: 'local', status: 'pending' },
        { kind: 'remote', status: 'retrying' },
      ]),
    ).toBe('starting');
    expect(overallState([{ kind: 'local', status: 'failed' }])).toBe('failed');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmitter, memorySink } from '../../core/events.js';
import { MASK, fanOut, fileSink, textSink } from './sinks.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('event sinks of the install', () => {
  it('masks the profile secrets in every event, wherever they hide (message, hint, data), once they are known', () => {
    const mem = memorySink();
    const fan = fanOut([mem]);
    const ev = createEmitter({ sinks: [fan] });
    ev.info('before: s3cr3t-value');
    fan.setSecrets(['s3cr3t-value', 'a"quoted\\secret', 'abc']);
    ev.info('tsig s3cr3t-value', { hint: 'not s3cr3t-value either', data: { argv: ['x', '--key=s3cr3t-value'], q: 'a"quoted\\secret' } });
    ev.info('abc is too short to be masked');
    expect(mem.events[0]!.message).toBe('before: s3cr3t-value');
    expect(JSON.stringify(mem.events[1])).not.toMatch(/s3cr3t|quoted/);
    expect(mem.events[1]!.message).toBe(`tsig ${MASK}`);
    expect(mem.events[1]!.data).toEqual({ argv: ['x', `--key=${MASK}`], q: MASK });
    expect(mem.events[2]!.message).toBe('abc is too short to be masked');
  });
  it('replays what came before to a sink added later (the webhook, once the profile is valid)', () => {
    const fan = fanOut([]);
    const ev = createEmitter({ sinks: [fan] });
    ev.info('one');
    ev.debug('two');
    const late = memorySink();
    fan.add(late, true);
    ev.info('three');
    expect(late.events.map((e) => e.message)).toEqual(['one', 'two', 'three']);
  });
  it('writes plain lines and JSON lines to files, on disk at once, and to streams from a level up', () => {
    const d = mkdtempSync(join(tmpdir(), 'debvisor-sinks-'));
    dirs.push(d);
    const plain = fileSink(join(d, 'install.log'), 'plain');
    const json = fileSink(join(d, 'events.jsonl'), 'json');
    const out: string[] = [];
    const ev = createEmitter({ sinks: [plain, json, textSink({ write: (t: string) => out.push(t) }, 'plain')], stage: 'install' });
    ev.debug('run: wipefs');
    ev.info('step one', { step: 'wipe-disks', progress: 0.5 });
    expect(readFileSync(join(d, 'install.log'), 'utf8')).toMatch(/DEBUG \[install\] run: wipefs\n.*INFO \[install\/wipe-disks 50%\] step one\n$/);
    expect(
      readFileSync(join(d, 'events.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).message),
    ).toEqual(['run: wipefs', 'step one']);
    expect(out).toHaveLength(1);
    plain.close();
    json.close();
    ev.info('after close');
    expect(readFileSync(join(d, 'install.log'), 'utf8')).not.toContain('after close');
  });
});

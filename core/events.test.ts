import { describe, it, expect } from 'vitest';
import { PassThrough } from 'node:stream';
import { createEmitter, memorySink, renderPlain, jsonLinesSink, terminalSink, toJsonLine } from './events.js';

const clock = () => new Date('2026-01-02T03:04:05.000Z');

describe('events', () => {
  it('stamps time, level and stage, and drops undefined fields', () => {
    const sink = memorySink();
    const e = createEmitter({ sinks: [sink], clock }).stage('disks');
    e.info('partitioning', { step: 'sfdisk', progress: 0.5, hint: undefined });
    expect(sink.events).toEqual([{ time: '2026-01-02T03:04:05.000Z', level: 'info', stage: 'disks', step: 'sfdisk', progress: 0.5, message: 'partitioning' }]);
  });
  it('renders JSON lines and plain text', () => {
    const ev = {
      time: '2026-01-02T03:04:05.000Z',
      level: 'error' as const,
      stage: 'net',
      step: 'dhcp',
      progress: 0.25,
      message: 'no lease',
      code: 'E_DHCP',
      hint: 'check the cable',
    };
    expect(JSON.parse(toJsonLine(ev))).toEqual(ev);
    expect(renderPlain(ev)).toBe('2026-01-02T03:04:05.000Z ERROR [net/dhcp 25%] E_DHCP no lease (hint: check the cable)\n');
  });
  it('filters by level in sinks', () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c) => chunks.push(String(c)));
    const e = createEmitter({ sinks: [jsonLinesSink(out, 'warn')], clock });
    e.info('quiet');
    e.warn('loud');
    expect(chunks.join('')).toContain('loud');
    expect(chunks.join('')).not.toContain('quiet');
  });
  it('plain text is one line whatever the message holds, and URL credentials never reach a sink', () => {
    const sink = memorySink();
    createEmitter({ sinks: [sink], clock }).warn('posting to https://ops:hunter2@deploy.example.com/hook', { hint: 'or https://t0ken@x.example.com' });
    expect(JSON.stringify(sink.events)).not.toMatch(/hunter2|t0ken/);
    const forged = renderPlain({ time: 't', level: 'info', message: 'x\n\u001b[1A\u001b[2Kt INFO install finished', step: 'a\rb' });
    expect(forged).toBe('t INFO [a\\rb] x\\n\\x1b[1A\\x1b[2Kt INFO install finished\n');
  });
  it('on a terminal, progress events redraw one status line that the next event replaces', () => {
    const out = Object.assign(new PassThrough(), { columns: 200 });
    const e = createEmitter({ sinks: [terminalSink(out)], clock }).stage('build');
    e.info('chroot: running', { step: 'chroot' });
    e.info('chroot: installing packages: 1/3', { step: 'chroot', progress: 0.33, data: { kind: 'progress' } });
    e.info('chroot: installing packages: 2/3', { step: 'chroot', progress: 0.67, data: { kind: 'progress' } });
    e.info('binary: running', { step: 'binary' });
    expect(String(out.read())).toBe(
      '2026-01-02T03:04:05.000Z INFO [build/chroot] chroot: running\n' +
        '\r\x1b[K2026-01-02T03:04:05.000Z INFO [build/chroot 33%] chroot: installing packages: 1/3' +
        '\r\x1b[K2026-01-02T03:04:05.000Z INFO [build/chroot 67%] chroot: installing packages: 2/3' +
        '\r\x1b[K2026-01-02T03:04:05.000Z INFO [build/binary] binary: running\n',
    );
  });
});

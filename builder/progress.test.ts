import { describe, it, expect } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProgressParser, readBytes, squashfsProgress, treeBytes } from './progress.js';
import { createEmitter, memorySink } from '../core/events.js';
import { throttledProgress } from './build.js';
import { testDir } from '../test/unit/helpers/temp-dir.js';

/** Lines as mmdebstrap, live-build, apt and xorriso write them into a stage's log. */
const CAPTURED = [
  'I: automatically chosen mode: root',
  'I: downloading packages with apt...',
  'I: installing remaining packages inside the chroot...',
  'I: success in 14.1531 seconds',
  'P: Begin installing packages (install pass)...',
  'Reading package lists...',
  '0 upgraded, 3 newly installed, 0 to remove and 0 not upgraded.',
  'Get:1 http://deb.debian.org/debian trixie/main amd64 nodejs amd64 20.19.2+dfsg-1 [339 kB]',
  'Unpacking nodejs (20.19.2+dfsg-1) ...',
  'Setting up libuv1t64:amd64 (1.50.0-2) ...',
  'Setting up nodejs (20.19.2+dfsg-1) ...',
  'Setting up nginx (1.26.3-3) ...',
  'Processing triggers for libc-bin (2.41-12) ...',
  'xorriso : UPDATE :  12.34% done',
  'xorriso : UPDATE :  56.78% done, estimate finish Fri Nov 27 17:05:12 2026',
  ' 99.50% done, estimate finish Fri Nov 27 17:05:13 2026',
];

describe('progress from the build logs', () => {
  it('counts packages set up against apt’s total, and reads xorriso’s percentages and live-build’s steps', () => {
    const parse = createProgressParser();
    const updates = CAPTURED.map(parse).filter((u) => u !== undefined);
    expect(updates.map((u) => u.message)).toEqual([
      'mmdebstrap: downloading packages with apt',
      'mmdebstrap: installing remaining packages inside the chroot',
      'installing packages (install pass)',
      'installing packages: 0/3',
      'installing packages: 1/3 (libuv1t64)',
      'installing packages: 2/3 (nodejs)',
      'installing packages: 3/3 (nginx)',
      'writing the ISO (xorriso): 12%',
      'writing the ISO (xorriso): 57%',
      'writing the ISO (xorriso): 100%',
    ]);
    expect(updates.map((u) => u.fraction)).toEqual([undefined, undefined, undefined, 0, 1 / 3, 2 / 3, 1, 0.1234, 0.5678, 0.995]);
  });
  it('takes the last part of a line a progress bar rewrote, and ignores set-up lines before a total', () => {
    const parse = createProgressParser();
    expect(parse('Setting up nodejs (20.19.2+dfsg-1) ...')).toBeUndefined();
    expect(parse('xorriso : UPDATE :  1.00% done\rxorriso : UPDATE :  2.00% done')?.fraction).toBe(0.02);
  });
  it('measures mksquashfs by the bytes it read against the tree it packs, found by its root', () => {
    const dir = testDir('dv-progress-');
    const tree = join(dir, 'lb/chroot');
    mkdirSync(join(tree, 'usr'), { recursive: true });
    writeFileSync(join(tree, 'usr/a'), Buffer.alloc(3000));
    writeFileSync(join(tree, 'b'), Buffer.alloc(1000));
    symlinkSync('usr/a', join(tree, 'link'));
    expect(treeBytes(tree)).toBe(4000);
    const proc = join(dir, 'proc');
    const fake = (pid: string, comm: string, root: string, rchar: number) => {
      mkdirSync(join(proc, pid), { recursive: true });
      writeFileSync(join(proc, pid, 'comm'), `${comm}\n`);
      symlinkSync(root, join(proc, pid, 'root'));
      symlinkSync(root, join(proc, pid, 'cwd'));
      writeFileSync(join(proc, pid, 'io'), `rchar: ${rchar}\nwchar: 10\n`);
    };
    fake('10', 'bash', tree, 999);
    fake('11', 'mksquashfs', '/elsewhere', 3999);
    expect(squashfsProgress(tree, 4000, proc)).toBeUndefined();
    fake('12', 'mksquashfs', tree, 1000);
    expect(squashfsProgress(tree, 4000, proc)).toBe(0.25);
    expect(readBytes('rchar: 12\nwchar: 3\n')).toBe(12);
  });
  it('emits a stage’s progress as events when the percent changed, at most every interval', () => {
    const sink = memorySink();
    let t = 0;
    const progress = throttledProgress(createEmitter({ sinks: [sink] }), 2000, () => t);
    progress('chroot', 0.1, 'installing packages: 1/10');
    t = 500;
    progress('chroot', 0.2, 'installing packages: 2/10');
    t = 2500;
    progress('chroot', 0.3, 'installing packages: 3/10');
    progress('binary', 0, 'packing the squashfs: 0%');
    t = 5000;
    progress('binary', undefined, 'installing the binary hooks');
    expect(sink.events.map((e) => [e.step, e.progress, e.message])).toEqual([
      ['chroot', 0.1, 'chroot: installing packages: 1/10'],
      ['chroot', 0.3, 'chroot: installing packages: 3/10'],
      ['binary', 0, 'binary: packing the squashfs: 0%'],
      ['binary', undefined, 'binary: installing the binary hooks'],
    ]);
    expect(sink.events.every((e) => e.level === 'info' && e.data?.kind === 'progress')).toBe(true);
  });
});

import { describe, it, expect } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LIVE_ASIDE, LIVE_IN_TOOLS, liveIntoTools, liveOutOfTools, mksquashfsArgv, recoverFromSwap, swapInTools, swapOutTools } from './binary-tools.js';
import { testDir } from '../test/unit/helpers/temp-dir.js';

/** A live-build tree with a live chroot, and a tools' root beside it, each marked by a file. */
function trees() {
  const work = testDir('dv-binary-tools-');
  const lb = join(work, 'live-build');
  const tools = join(work, 'binary-tools');
  for (const [dir, mark] of [
    [join(lb, 'chroot'), 'live'],
    [tools, 'tools'],
  ] as const) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'mark'), mark);
  }
  const at = (dir: string) => readFileSync(join(dir, 'mark'), 'utf8');
  return { lb, tools, at };
}

describe('the binary tools’ root in the live chroot’s place', () => {
  it('swaps in and out: the live chroot waits aside and comes back, the tools’ root goes back to its place', () => {
    const { lb, tools, at } = trees();
    swapInTools(lb, tools);
    expect(at(join(lb, 'chroot'))).toBe('tools');
    expect(at(join(lb, LIVE_ASIDE))).toBe('live');
    expect(existsSync(tools)).toBe(false);
    swapOutTools(lb, tools);
    expect(at(join(lb, 'chroot'))).toBe('live');
    expect(at(tools)).toBe('tools');
    expect(existsSync(join(lb, LIVE_ASIDE))).toBe(false);
  });
  it('refuses to swap when a live chroot is aside already, and moves nothing', () => {
    const { lb, tools, at } = trees();
    mkdirSync(join(lb, LIVE_ASIDE));
    expect(() => swapInTools(lb, tools)).toThrow(/is there already; nothing was moved/);
    expect(at(join(lb, 'chroot'))).toBe('live');
    expect(at(tools)).toBe('tools');
  });
  it('after a build cut short between the swaps: the live chroot put back, the tools’ root dropped (made again)', () => {
    const { lb, tools, at } = trees();
    swapInTools(lb, tools);
    expect(recoverFromSwap(lb, tools)).toBe(true);
    expect(at(join(lb, 'chroot'))).toBe('live');
    expect(existsSync(tools)).toBe(false);
    expect(existsSync(join(lb, LIVE_ASIDE))).toBe(false);
    // Nothing to recover: nothing touched.
    expect(recoverFromSwap(lb, tools)).toBe(false);
    expect(at(join(lb, 'chroot'))).toBe('live');
  });
  it('packs the squashfs with the live chroot inside the tools’ root and takes it out again', () => {
    const { lb, tools, at } = trees();
    swapInTools(lb, tools);
    liveIntoTools(lb);
    expect(at(join(lb, 'chroot'))).toBe('tools');
    expect(at(join(lb, LIVE_IN_TOOLS))).toBe('live');
    expect(existsSync(join(lb, LIVE_ASIDE))).toBe(false);
    liveOutOfTools(lb);
    liveOutOfTools(lb);
    expect(at(join(lb, LIVE_ASIDE))).toBe('live');
    swapOutTools(lb, tools);
    expect(at(join(lb, 'chroot'))).toBe('live');
  });
  it('after a build cut short while the squashfs was packed: the live chroot taken out of the tools’ root and put back, the root dropped', () => {
    const { lb, tools, at } = trees();
    mkdirSync(join(lb, 'chroot/usr'), { recursive: true });
    swapInTools(lb, tools);
    liveIntoTools(lb);
    expect(recoverFromSwap(lb, tools)).toBe(true);
    expect(at(join(lb, 'chroot'))).toBe('live');
    expect(existsSync(join(lb, 'chroot/usr'))).toBe(true);
    expect(existsSync(join(lb, LIVE_IN_TOOLS))).toBe(false);
    expect(existsSync(tools)).toBe(false);
    expect(existsSync(join(lb, LIVE_ASIDE))).toBe(false);
  });
});

describe('mksquashfs as binary_rootfs runs it', () => {
  it('has live-build’s options: excludes, compression (and level when set), no progress bar, the build’s SOURCE_DATE_EPOCH', () => {
    const argv = mksquashfsArgv({ compression: 'lz4' }, 1700000000);
    expect(argv.slice(argv.indexOf('mksquashfs'))).toEqual([
      'mksquashfs',
      'chroot',
      'filesystem.squashfs',
      '-wildcards',
      '-ef',
      '/excludes',
      '-comp',
      'lz4',
      '-no-progress',
    ]);
    expect(argv).toContain('SOURCE_DATE_EPOCH=1700000000');
    expect(argv.slice(0, 2)).toEqual(['/usr/bin/env', '-i']);
    const xz = mksquashfsArgv({ compression: 'xz', level: 6 }, 1);
    expect(xz.slice(xz.indexOf('-ef') + 2)).toEqual(['-Xcompression-level', '6', '-comp', 'xz', '-no-progress']);
  });
});

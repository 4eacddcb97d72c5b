import { describe, expect, it } from 'vitest';
import { DebvisorError } from '../../core/errors.js';
import { CommandError } from '../../core/run.js';
import { SCREEN_COLUMNS, SCREEN_OUTPUT_LINES, formatFailure, summarizeError, wrap, type FailureSummary } from './failure.js';

const widest = (text: string) => Math.max(...text.split('\n').map((l) => l.length));

describe('the failure screen', () => {
  const failed = new CommandError(
    ['mkfs.ext4', '-F', '-L', 'root', '/dev/mapper/debvisor-root-with-a-rather-long-device-name-that-goes-on-and-on'],
    1,
    [
      'mke2fs 1.47.2 (1-Jan-2025)',
      ...Array.from({ length: 30 }, (_, i) => `line ${i}: ${'x'.repeat(i * 7)}`),
      '/dev/mapper/debvisor-root is apparently in use by the system; will not make a filesystem here!',
    ],
    'exit code 1',
  );
  const summary: FailureSummary = {
    ...summarizeError('make-filesystems', failed),
    touched: true,
    after: 'halt',
    bundle: '/run/live/medium/debvisor-install-20261127T201502Z-pve1.tar.gz',
    profileOrigin: 'label DEBVISOR-PROFILE (/run/debvisor/profile-stick/profile.yaml)',
  };
  const screen = formatFailure(summary);

  it('fits 80 columns, however long the command and its output', () => {
    expect(widest(screen)).toBeLessThanOrEqual(SCREEN_COLUMNS);
    expect(widest(formatFailure({ ...summary, step: 'x'.repeat(300), message: 'y'.repeat(500), problems: ['z'.repeat(400)] }))).toBeLessThanOrEqual(
      SCREEN_COLUMNS,
    );
  });
  it('names the step, the command, its exit code, the tail of its output, a hint, the bundle and that nothing was rebooted', () => {
    expect(screen).toContain('DebVisor install FAILED at step make-filesystems');
    expect(screen).toMatch(/^command: mkfs\.ext4 -F -L root$/m);
    expect(screen).toMatch(/^error: +command failed \(exit code 1\) \[E_COMMAND\]$/m);
    expect(screen).toMatch(/^exit: +1$/m);
    expect(screen).toContain(`output (last ${SCREEN_OUTPUT_LINES} lines):`);
    expect(screen).toContain('| /dev/mapper/debvisor-root is apparently in use by the system; will not make a');
    expect(screen).not.toContain('mke2fs 1.47.2');
    expect(screen).toMatch(/^hint: +mkfs failed/m);
    expect(screen).toContain('debvisor-install-20261127T201502Z-pve1.tar.gz');
    expect(screen).toContain('Nothing was rebooted (install.onError: halt). A shell is on another console:');
    expect(screen).toContain('press Alt+F2 for tty2');
    expect(screen).toContain('Disks were written before the failure');
    expect(screen).toContain('label DEBVISOR-PROFILE');
  });
  it('says what happens instead when install.onError reboots, and nothing was written before the apply', () => {
    const s = formatFailure({
      step: 'plan',
      message: 'the plan is refused',
      problems: ['a.yaml:3:5: /install/disks/match: matches no disk'],
      touched: false,
      after: 'reboot',
      afterDelaySeconds: 15,
    });
    expect(s).toContain('Nothing was written to any disk.');
    expect(s).toContain('install.onError: reboot: the machine will reboot in 15 s.');
    expect(s).not.toContain('Nothing was rebooted');
    expect(s).toContain('no support bundle could be written');
  });
  it('escapes control characters from commands and output: nothing can move the cursor or forge a line', () => {
    const s = formatFailure({
      step: 'copy-system',
      message: 'bad\x1b[2J',
      command: ['echo', 'a\nDebVisor install SUCCEEDED'],
      output: ['\x1b]0;title\x07'],
      touched: true,
      after: 'exit',
    });
    expect(s).not.toMatch(/\x1b|\x07/);
    expect(s).not.toMatch(/^DebVisor install SUCCEEDED/m);
    expect(s).toContain('\\x1b[2J');
  });
  it('keeps the hint of a user error and the details as output; a bug says so', () => {
    const e = summarizeError('prepare', new DebvisorError('E_NO_IMAGE', 'the system image is not there', { hint: 'give --squashfs', details: ['d1'] }));
    expect(e).toMatchObject({ step: 'prepare', code: 'E_NO_IMAGE', hint: 'give --squashfs', output: ['d1'] });
    expect(summarizeError('copy-system', new TypeError('x is undefined'))).toMatchObject({ code: 'E_INTERNAL', hint: expect.stringContaining('bug') });
  });
});

describe('wrap', () => {
  it('breaks at spaces, cuts words longer than a line, indents continuations', () => {
    expect(wrap('aaa bbb ccc', 7, '  ')).toEqual(['aaa bbb', '  ccc']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrap('', 10)).toEqual(['']);
    for (const l of wrap('word '.repeat(100), 30, '    ')) expect(l.length).toBeLessThanOrEqual(30);
  });
});

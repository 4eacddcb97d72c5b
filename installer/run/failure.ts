import { DebvisorError } from '../../core/errors.js';
import { CommandError } from '../../core/run.js';
import { safeText } from '../../core/text.js';

/** The failure screen's width: a VGA text console and the usual serial terminal. */
export const SCREEN_COLUMNS = 80;
/** Lines of the failed command's output the screen shows (the bundle has all of it). */
export const SCREEN_OUTPUT_LINES = 12;
/** Screen lines one output line may take (the bundle has it whole). */
export const SCREEN_LINES_PER_OUTPUT_LINE = 3;
/** Problems (profile or plan issues) the screen shows before "and N more". */
export const SCREEN_PROBLEMS = 10;

/** What happens after the screen: the profile's install.onError, or `exit` when the caller decides (the CLI). */
export type AfterFailure = 'halt' | 'reboot' | 'poweroff' | 'exit';

/** Everything the failure screen, the TUI and the support bundle say about a failed install. */
export interface FailureSummary {
  /** `validate`, `facts`, `plan`, or the plan's step id (`wipe-disks`, `copy-system`...). */
  step: string;
  message: string;
  code?: string;
  /** The failed command's argv (secrets already masked by the runner). */
  command?: string[];
  exitCode?: number;
  /** The last lines of its output (stderr, or its log file). */
  output?: string[];
  hint?: string;
  /** Profile or plan issues, one line each (`file:line:col: /key: message (hint)`). */
  problems?: string[];
  /** Where the profile came from, as the caller said. */
  profileOrigin?: string;
  /** False when the failure came before any disk was written. */
  touched: boolean;
  /** Path of the support bundle, when one was written. */
  bundle?: string;
  after: AfterFailure;
  /** Seconds before the reboot or poweroff of `after`. */
  afterDelaySeconds?: number;
}

/** What to look at when a step fails: the step's usual causes, beside the error's own hint. */
export const STEP_HINTS: Readonly<Record<string, string>> = {
  validate: 'fix the profile (each problem names its file, line and key), then start the install again',
  facts: 'the machine could not be read; check that the installer runs as root in the DebVisor live system',
  plan: 'change the profile keys named above; debvisor install plan PROFILE --facts FILE shows the plan on any machine',
  prepare: 'nothing was written: the installer refused the plan before its first step',
  'check-disks': 'the disks differ from the facts the plan was made from: record the facts again on this machine (debvisor facts --out)',
  'wipe-disks': 'a disk is in use (mounted, an active md array or LVM volume group): stop it, or reboot the live system, and try again',
  'partition-disks': 'the partition table could not be written: check the disk in dmesg (tty2) for I/O errors',
  'create-raid': 'mdadm refused: an old array may still be assembled (cat /proc/mdstat; mdadm --stop)',
  'create-lvm': 'LVM refused: an old volume group of the same name may be active (vgs; vgchange -an)',
  'make-filesystems': 'mkfs failed: check the device in dmesg (tty2) for I/O errors',
  'mount-target': 'the new root could not be mounted: check dmesg (tty2)',
  'copy-system': 'the system image could not be copied: the boot medium may be damaged (check the ISO checksum) or the disk full',
  'install-bootloaders': 'GRUB could not be installed: check the ESP and the firmware mode (BIOS or UEFI) in the plan',
  'update-initramfs': 'the initramfs could not be built: its log is in the support bundle (initramfs.log)',
};

const INTERNAL_HINT = 'this is a bug in the installer: please report it with the support bundle';

/** A summary before the caller adds what happens next and whether disks were written. */
export type FailureDraft = Omit<FailureSummary, 'after' | 'touched'> & { touched?: boolean };

/** A summary of an error thrown at `step`: a failed command's argv, exit code and output tail when it was one. */
export function summarizeError(step: string, err: unknown, rest: Partial<FailureSummary> = {}): FailureDraft {
  const s: FailureDraft = { step, message: err instanceof Error ? err.message : String(err), ...rest };
  if (err instanceof CommandError) {
    s.code = err.code;
    s.command = err.argv;
    // The message repeats the argv; the screen shows it once, on its own line.
    s.message = err.message.replace(/^(command failed \([^)]*\)): .*$/s, '$1');
    if (err.exitCode !== undefined) s.exitCode = err.exitCode;
    s.output = err.stderrTail;
    const hint = STEP_HINTS[step];
    if (hint) s.hint = hint;
  } else if (err instanceof DebvisorError) {
    s.code = err.code;
    if (err.details.length) s.output = err.details;
    const hint = err.hint ?? STEP_HINTS[step];
    if (hint) s.hint = hint;
  } else {
    s.code = 'E_INTERNAL';
    s.hint = INTERNAL_HINT;
  }
  return s;
}

/** Words wrapped to `width`, continuation lines indented; a word longer than a line is cut. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const out: string[] = [];
  let line = '';
  const room = () => width - (out.length ? indent.length : 0);
  for (const word of text.split(' ')) {
    let w = word;
    while (w.length > 0) {
      const sep = line ? ' ' : '';
      if (line.length + sep.length + w.length <= room()) {
        line += sep + w;
        w = '';
      } else if (!line && w.length > room()) {
        out.push((out.length ? indent : '') + w.slice(0, room()));
        w = w.slice(room());
      } else {
        out.push((out.length ? indent : '') + line);
        line = '';
      }
    }
  }
  if (line || !out.length) out.push((out.length ? indent : '') + line);
  return out;
}

function field(label: string, value: string): string[] {
  const head = `${label.padEnd(9)}`;
  const lines = wrap(safeText(value), SCREEN_COLUMNS - head.length, '');
  return lines.map((l, i) => (i === 0 ? head : ' '.repeat(head.length)) + l);
}

function afterLines(s: FailureSummary): string[] {
  switch (s.after) {
    case 'halt':
      return ['Nothing was rebooted (install.onError: halt). A shell is on another console:', 'press Alt+F2 for tty2. The disks stay as they are now.'];
    case 'exit':
      return ['Nothing was rebooted.'];
    default:
      return wrap(`install.onError: ${s.after}: the machine will ${s.after} in ${s.afterDelaySeconds ?? 0} s.`, SCREEN_COLUMNS);
  }
}

/**
 * The failure screen: one block of text, every line at most 80 columns, that names the step, the
 * command, its exit code, the tail of its output, a hint, the support bundle and what happens
 * next. Every value is escaped (no control character reaches the terminal). The TUI shows the same text.
 */
export function formatFailure(s: FailureSummary): string {
  const rule = '='.repeat(SCREEN_COLUMNS);
  const lines: string[] = [rule, ...wrap(safeText(`DebVisor install FAILED at step ${s.step}`), SCREEN_COLUMNS)];
  lines.push(s.touched ? 'Disks were written before the failure: the machine will not boot from them.' : 'Nothing was written to any disk.');
  lines.push('');
  lines.push(...field('error:', s.code ? `${s.message} [${s.code}]` : s.message));
  if (s.command) lines.push(...field('command:', s.command.join(' ')));
  if (s.exitCode !== undefined) lines.push(...field('exit:', String(s.exitCode)));
  if (s.problems?.length) {
    lines.push('problems:');
    for (const p of s.problems.slice(0, SCREEN_PROBLEMS)) lines.push(...wrap(safeText(`- ${p}`), SCREEN_COLUMNS, '    '));
    if (s.problems.length > SCREEN_PROBLEMS) lines.push(`  ... and ${s.problems.length - SCREEN_PROBLEMS} more (all in the support bundle)`);
  }
  if (s.output?.length) {
    const shown = s.output.slice(-SCREEN_OUTPUT_LINES);
    lines.push(`output (last ${shown.length} line${shown.length === 1 ? '' : 's'}):`);
    for (const o of shown) {
      const w = wrap(safeText(o), SCREEN_COLUMNS - 2);
      const cut = w.length > SCREEN_LINES_PER_OUTPUT_LINE ? [...w.slice(0, SCREEN_LINES_PER_OUTPUT_LINE - 1), '[...]'] : w;
      lines.push(...cut.map((l) => `| ${l}`));
    }
  }
  if (s.hint) lines.push(...field('hint:', s.hint));
  if (s.profileOrigin) lines.push(...field('profile:', s.profileOrigin));
  lines.push('');
  lines.push(
    ...(s.bundle
      ? ['support bundle (events, logs, facts, plan, profile without secrets):', ...wrap(safeText(s.bundle), SCREEN_COLUMNS - 2).map((l) => `  ${l}`)]
      : ['no support bundle could be written (see the log above)']),
  );
  lines.push(...afterLines(s));
  lines.push(rule);
  return `${lines.join('\n')}\n`;
}

import { describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { INSTALLER_CONSOLE_SCRIPT, INSTALLER_GENERATOR, bootloaderFiles, cmdline, liveBuildFiles } from './live-build.js';
import { loadBuildSpec } from './spec.js';
import { testDir } from '../test/unit/helpers/temp-dir.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const { spec } = loadBuildSpec(join(repo, 'iso/build.yaml'), repo);

function files() {
  const dir = testDir('lbfiles-');
  writeFileSync(join(dir, 'd.deb'), 'deb');
  const all = liveBuildFiles(spec, '0.1.0', { repo, debPath: join(dir, 'd.deb'), debFile: 'd.deb' });
  return (path: string) => all.find((f) => f.path === path);
}

const entry = (id: string) => spec.boot.entries.find((e) => e.id === id)!;

/** A script run by sh with /proc/cmdline replaced by a file holding `line`. */
function withCmdline(script: string, dir: string, line: string): string {
  writeFileSync(join(dir, 'cmdline'), `${line}\n`);
  const path = join(dir, 'script.sh');
  writeFileSync(path, script.replaceAll('/proc/cmdline', join(dir, 'cmdline')));
  return path;
}

/** Stubs in front of PATH: `debvisor` records its arguments, the system tools do nothing. */
function stubs(dir: string, debvisorExit: number): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const write = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  write('debvisor', `echo "$*" >> ${dir}/calls\nif [ "$1" = facts ]; then echo '{"disks": []}' > "$3"; exit 0; fi\necho "TUI RAN"\nexit ${debvisorExit}`);
  for (const t of ['stty', 'systemctl', 'timeout', 'mkdir', 'dmesg']) write(t, 'exit 0');
  // The script loops for ever: the second wait for Enter ends the test run.
  write('sleep', 'kill -TERM $PPID');
  return bin;
}

describe('the interactive installer in the live image', () => {
  it('has a unit per console, started only by its boot entry, bound to the console, ASCII on the serial line', () => {
    const f = files();
    const tty1 = String(f('config/includes.chroot/etc/systemd/system/debvisor-installer-tty1.service')?.content);
    expect(tty1).toContain('ConditionKernelCommandLine=debvisor.mode=install\n');
    expect(tty1).toContain('TTYPath=/dev/tty1');
    expect(tty1).toContain('StandardInput=tty');
    expect(tty1).toContain('TTYReset=yes');
    expect(tty1).toContain('Environment=TERM=linux');
    expect(tty1).toContain('ExecStart=/usr/libexec/debvisor-installer-console\n');
    const serial = String(f('config/includes.chroot/etc/systemd/system/debvisor-installer-ttyS0.service')?.content);
    expect(serial).toContain('ConditionKernelCommandLine=debvisor.mode=install-serial\n');
    expect(serial).toContain('TTYPath=/dev/ttyS0');
    expect(serial).toContain('Environment=TERM=vt220');
    expect(serial).toContain(`ExecStart=/usr/libexec/debvisor-installer-console ${spec.boot.serialSpeed}`);
    const hook = String(f('config/hooks/normal/0600-debvisor-live-hardening.hook.chroot')?.content);
    expect(hook).toContain('debvisor-installer-tty1.service debvisor-installer-ttyS0.service');
    expect(f('config/includes.chroot/usr/libexec/debvisor-installer-console')?.mode).toBe(0o755);
    expect(f('config/includes.chroot/usr/lib/systemd/system-generators/debvisor-installer-generator')?.mode).toBe(0o755);
  });

  it('puts the installer modes on the install entries of both boot menus', () => {
    expect(cmdline(spec, entry('install'))).toContain('debvisor.mode=install ');
    expect(cmdline(spec, entry('install-serial'))).toMatch(/console=ttyS0,115200n8 debvisor\.mode=install-serial /);
    const menus = bootloaderFiles(spec, '0.1.0').map((m) => String(m.content));
    for (const m of menus.filter((c) => c.includes('boot=live'))) {
      expect(m).toContain(cmdline(spec, entry('install')));
      expect(m).toContain(cmdline(spec, entry('install-serial')));
    }
  });

  it('masks the getty of the console the installer takes, for that boot only', async () => {
    for (const [mode, masked] of [
      ['install', 'getty@tty1.service'],
      ['install-serial', 'serial-getty@ttyS0.service'],
      ['unattended', undefined],
    ] as const) {
      const dir = testDir('gen-');
      const script = withCmdline(INSTALLER_GENERATOR, dir, `boot=live components debvisor.mode=${mode} systemd.ssh_auto=no`);
      await execa('sh', [script, join(dir, 'normal'), join(dir, 'early'), join(dir, 'late')]);
      if (masked) expect(readlinkSync(join(dir, 'early', masked))).toBe('/dev/null');
      else expect(existsSync(join(dir, 'early'))).toBe(false);
    }
  });

  it('runs a dry run on recorded facts with debvisor.dryrun=1, prints the facts after it, and offers to start again', async () => {
    const dir = testDir('console-');
    const bin = stubs(dir, 0);
    const script = withCmdline(INSTALLER_CONSOLE_SCRIPT.replaceAll('/run/debvisor', dir), dir, 'boot=live debvisor.mode=install-serial debvisor.dryrun=1');
    const r = await execa('sh', [script, '115200'], { env: { PATH: `${bin}:/usr/bin:/bin` }, input: '\n', reject: false });
    const calls = readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n');
    const facts = join(dir, 'installer-facts.json');
    // Facts are read once; the TUI ran twice (Enter started it again), both times on them.
    expect(calls).toEqual([`facts --out ${facts}`, `install tui --dry-run --facts ${facts}`, `install tui --dry-run --facts ${facts}`]);
    expect(r.stdout).toContain('the dry run ended at the plan; nothing was touched');
    expect(r.stdout).toContain('--- facts ---\n{"disks": []}\n--- end of facts ---');
    expect(r.stdout).toContain('Press Enter to start the installer again.');
    expect(r.stdout).not.toMatch(/login/i);
    expect(readFileSync(script, 'utf8')).toContain('dmesg -n 1');
  });

  it('runs the real installer without the parameter, and says so when it is left', async () => {
    const dir = testDir('console-');
    const bin = stubs(dir, 1);
    const script = withCmdline(INSTALLER_CONSOLE_SCRIPT.replaceAll('/run/debvisor', dir), dir, 'boot=live debvisor.mode=install');
    const r = await execa('sh', [script], { env: { PATH: `${bin}:/usr/bin:/bin` }, input: '', reject: false });
    expect(readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n')).toEqual(['install tui']);
    expect(r.stdout).toContain('left without installing (aborted: nothing was touched');
    expect(r.stdout).toContain('Press Enter to start the installer again.');
  });
});

import { describe, it, expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { loadBuildSpec } from './spec.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { testDir } from '../test/unit/helpers/temp-dir.js';
import { lbConfigArgs, bootloaderFiles, cmdline, volumeId, liveBuildFiles } from './live-build.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const { spec } = loadBuildSpec(join(repo, 'iso/build.yaml'), repo);
const arg = (args: string[], name: string) => args[args.indexOf(name) + 1];

describe('live-build configuration', () => {
  it('asks for a hybrid ISO that boots with BIOS (syslinux) and UEFI (GRUB)', () => {
    const args = lbConfigArgs(spec, '0.1.0');
    expect(arg(args, '--binary-images')).toBe('iso-hybrid');
    expect(arg(args, '--bootloaders')).toBe('syslinux,grub-efi');
    expect(arg(args, '--distribution')).toBe('trixie');
    expect(arg(args, '--chroot-squashfs-compression-type')).toBe('lz4');
    expect(arg(args, '--iso-volume')).toBe('DEBVISOR_0_1_0');
  });
  it('uses the snapshot mirror and skips security/updates when pinned', () => {
    const args = lbConfigArgs({ ...spec, snapshot: '20260501T000000Z' }, '0.1.0');
    expect(arg(args, '--mirror-bootstrap')).toBe('http://snapshot.debian.org/archive/debian/20260501T000000Z/');
    expect(arg(args, '--security')).toBe('false');
    expect(arg(args, '--apt-options')).toContain('Acquire::Check-Valid-Until=false');
    expect(arg(lbConfigArgs(spec, '0.1.0'), '--apt-options')).not.toContain('Check-Valid-Until');
  });
  it('release compression and levels', () => {
    const args = lbConfigArgs({ ...spec, squashfs: { compression: 'zstd', level: 19 } }, '1.0.0');
    expect(arg(args, '--chroot-squashfs-compression-type')).toBe('zstd');
    expect(arg(args, '--chroot-squashfs-compression-level')).toBe('19');
  });
  it("Debian's kernel by default; a custom kernel is installed as linux-image-<release> from the local packages", () => {
    expect(arg(lbConfigArgs(spec, '0.1.0'), '--linux-flavours')).toBe('amd64');
    const args = lbConfigArgs({ ...spec, kernel: { ...spec.kernel, source: 'custom' } }, '0.1.0', '6.12.107-debvisor');
    expect(arg(args, '--linux-packages')).toBe('linux-image');
    expect(arg(args, '--linux-flavours')).toBe('6.12.107-debvisor');
  });
  it('puts the custom kernel image in the local repository and keeps image and headers for the installer', () => {
    const dir = testDir('lbfiles-');
    const p = (f: string) => {
      writeFileSync(join(dir, f), f);
      return { file: f, path: join(dir, f) };
    };
    const deb = p('debvisor_0.1.0_all.deb');
    const kernelDebs = [
      p('linux-image-6.12.107-debvisor_6.12.107-1+debvisor.abcd1234_amd64.deb'),
      p('linux-headers-6.12.107-debvisor_6.12.107-1+debvisor.abcd1234_amd64.deb'),
    ];
    const paths = liveBuildFiles(spec, '0.1.0', { repo, debPath: deb.path, debFile: deb.file, kernelDebs }).map((f) => f.path);
    expect(paths).toContain(`config/packages.chroot/${kernelDebs[0]!.file}`);
    expect(paths).not.toContain(`config/packages.chroot/${kernelDebs[1]!.file}`);
    for (const k of kernelDebs) expect(paths).toContain(`config/includes.chroot/usr/share/debvisor/packages/${k.file}`);
  });
  it('brands the live system: host name debvisor, the boot mode and next steps on the login screen', () => {
    const dir = testDir('lbfiles-');
    writeFileSync(join(dir, 'd.deb'), 'deb');
    const files = liveBuildFiles(spec, '0.1.0', { repo, debPath: join(dir, 'd.deb'), debFile: 'd.deb' });
    const file = (path: string) => String(files.find((f) => f.path === path)?.content ?? '');
    expect(file('config/includes.chroot/etc/systemd/system/debvisor-live-issue.service')).toContain('Before=getty-pre.target');
    expect(file('config/includes.chroot/usr/libexec/debvisor-live-mode')).toContain('> /etc/issue');
    expect(file('config/hooks/normal/0500-debvisor-live.hook.chroot')).toContain('debvisor-live-issue.service');
    expect(readFileSync(join(repo, 'iso/includes/etc/live/config.conf.d/debvisor.conf'), 'utf8')).toMatch(/^LIVE_HOSTNAME="debvisor"$/m);
  });
  it('volume ids fit ISO 9660 rules', () => {
    expect(volumeId({ ...spec, name: 'debvisor-lab' }, '10.2.3-rc.1')).toBe('DEBVISOR_LAB_10_2_3_RC_1');
    expect(volumeId({ ...spec, name: 'a'.repeat(30) }, '1.0.0').length).toBeLessThanOrEqual(32);
  });
  it('serial entries put kernel messages and the login on ttyS0; every entry says its mode', () => {
    for (const e of spec.boot.entries) {
      const c = cmdline(spec, e);
      expect(c).toContain(`debvisor.mode=${e.mode}`);
      expect(c).toContain('console=ttyS0,115200n8');
      expect(c.startsWith('boot=live components')).toBe(true);
    }
  });
  it('both boot menus have every entry, the default and the timeout, and talk on the serial port', () => {
    const files = Object.fromEntries(bootloaderFiles(spec, '0.1.0').map((f) => [f.path, String(f.content)]));
    const grub = files['config/bootloaders/grub-pc/grub.cfg']!;
    const iso = files['config/bootloaders/isolinux/isolinux.cfg']!;
    expect(grub).toContain('set default="install"');
    expect(grub).toContain('set timeout=5');
    expect(grub).toContain('terminal_output console serial');
    expect(iso).toContain('timeout 50');
    expect(iso).toContain('default install');
    expect(iso).toMatch(/^serial 0 115200$/m);
    for (const e of spec.boot.entries) {
      expect(grub).toContain(`menuentry "${e.label}" --id ${e.id}`);
      expect(iso).toContain(`label ${e.id}`);
    }
  });
});

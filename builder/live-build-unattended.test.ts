import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cmdline, liveBuildFiles } from './live-build.js';
import { loadBuildSpec } from './spec.js';
import { testDir } from '../test/unit/helpers/temp-dir.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const { spec } = loadBuildSpec(join(repo, 'iso/build.yaml'), repo);

function files(s = spec, read?: (p: string) => string) {
  const dir = testDir('lbfiles-');
  writeFileSync(join(dir, 'd.deb'), 'deb');
  const all = liveBuildFiles(s, '0.1.0', { repo, debPath: join(dir, 'd.deb'), debFile: 'd.deb' }, read);
  return (path: string) => all.find((f) => f.path === path);
}

describe('the live image for the unattended install', () => {
  it('runs the installer only on the unattended entry, before the gettys of tty1 and ttyS0', () => {
    const unit = String(files()('config/includes.chroot/etc/systemd/system/debvisor-unattended.service')?.content);
    expect(unit).toContain('ConditionKernelCommandLine=debvisor.mode=unattended');
    expect(unit).toContain('Before=getty@tty1.service serial-getty@ttyS0.service');
    expect(unit).toContain('ExecStart=/usr/bin/debvisor install unattended');
    const hook = String(files()('config/hooks/normal/0600-debvisor-live-hardening.hook.chroot')?.content);
    expect(hook).toContain('systemctl enable debvisor-live-firewall.service debvisor-unattended.service');
    expect(hook).toContain('systemctl disable ssh.service');
    expect(hook).toContain('rm -f /usr/lib/live/config/0030-user-setup');
  });

  it('loads the live firewall only in the live system', () => {
    const unit = String(files()('config/includes.chroot/etc/systemd/system/debvisor-live-firewall.service')?.content);
    expect(unit).toContain('ConditionKernelCommandLine=boot=live');
    expect(String(files()('config/includes.chroot/etc/debvisor/live-firewall.nft')?.content)).toContain('policy drop;');
  });

  it('carries the allowed signers of the build spec, and no embedded profile on the command line', () => {
    const get = files({ ...spec, profileSigners: 'keys/allowed_signers' }, (p) =>
      p === 'keys/allowed_signers' ? 'ops@example.org ssh-ed25519 AAAA\n' : `read ${p}`,
    );
    expect(get('config/includes.chroot/etc/debvisor/profile-signers')?.content).toBe('ops@example.org ssh-ed25519 AAAA\n');
    expect(files()('config/includes.chroot/etc/debvisor/profile-signers')).toBeUndefined();
    const entry = spec.boot.entries.find((e) => e.mode === 'unattended')!;
    expect(cmdline({ ...spec, profile: 'p.yaml' }, entry)).not.toContain('debvisor.profile=');
    for (const e of spec.boot.entries) expect(cmdline(spec, e)).toContain('systemd.ssh_auto=no');
  });
});

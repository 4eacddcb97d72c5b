import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { build } from '../../builder/build.js';

/**
 * The live system the installer runs in, read from the built ISO's squashfs (no boot needed):
 * no live-config component that makes the default `user`/`live` account, root without a
 * password, sshd not enabled, the live firewall and the unattended unit enabled, the firewall
 * accepted by nft -c, and every menu entry's command line turning systemd's own sshd sockets off.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const out = join(repo, 'out');
let dir: string;
let squashfs: string;
let iso: string;

const list = async () => (await execa('unsquashfs', ['-l', '-d', '', squashfs])).stdout;
const cat = async (path: string) => (await execa('unsquashfs', ['-cat', squashfs, path])).stdout;

beforeAll(async () => {
  const built = await build({ repo, spec: join(repo, 'iso/build.yaml'), out });
  if (!built.iso || !existsSync(built.iso)) throw new Error(`the build made no ISO in ${out}`);
  iso = built.iso;
  dir = mkdtempSync(join(tmpdir(), 'debvisor-live-'));
  squashfs = join(dir, 'filesystem.squashfs');
  await execa('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/live/filesystem.squashfs', squashfs]);
}, 3_000_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the hardened live system', () => {
  it('creates no default account and keeps root without a password', async () => {
    const files = await list();
    expect(files).toContain('/usr/lib/live/config/0020-hostname');
    for (const gone of ['0030-user-setup', '0030-live-debconfig_passwd', '0040-sudo']) expect(files).not.toContain(`/usr/lib/live/config/${gone}`);
    expect(await cat('etc/shadow')).toMatch(/^root:[*!]/m);
    expect(await cat('etc/passwd')).not.toMatch(/^user:/m);
  });

  it('enables the live firewall and the unattended unit, not sshd', async () => {
    const files = await list();
    expect(files).toContain('/etc/systemd/system/sysinit.target.wants/debvisor-live-firewall.service');
    expect(files).toContain('/etc/systemd/system/multi-user.target.wants/debvisor-unattended.service');
    expect(files).not.toContain('/etc/systemd/system/multi-user.target.wants/ssh.service');
    expect(files).not.toContain('/etc/systemd/system/sockets.target.wants/ssh.socket');
    const unit = await cat('etc/systemd/system/debvisor-unattended.service');
    expect(unit).toContain('ConditionKernelCommandLine=debvisor.mode=unattended');
    expect(unit).toContain('ExecStart=/usr/bin/debvisor install unattended');
    // nft -c parses and checks the ruleset without loading it.
    const nft = join(dir, 'live-firewall.nft');
    await execa('sh', ['-c', `unsquashfs -cat "${squashfs}" etc/debvisor/live-firewall.nft > "${nft}"`]);
    await execa('nft', ['-c', '-f', nft]);
    expect(readFileSync(nft, 'utf8')).toContain('policy drop;');
  });

  it("turns systemd's own sshd sockets off on every menu entry", async () => {
    for (const menu of ['/isolinux/isolinux.cfg', '/boot/grub/grub.cfg']) {
      const local = join(dir, menu.replace(/\//g, '_'));
      await execa('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', menu, local]);
      const lines = readFileSync(local, 'utf8')
        .split('\n')
        .filter((l) => /boot=live/.test(l));
      expect(lines.length).toBeGreaterThanOrEqual(4);
      for (const l of lines) expect(l).toContain('systemd.ssh_auto=no');
    }
  });
});

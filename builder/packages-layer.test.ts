import { describe, it, expect } from 'vitest';
import { assertNothingMounted, dependencyNames, DEPENDS_LIST, installList, layerFiles } from './packages-layer.js';
import { DEB_DEPENDS } from './deb.js';

describe('the packages layer', () => {
  it('installs what the .deb depends on, by name', () => {
    expect(dependencyNames(['nodejs (>= 20.19~)', 'nftables', 'a | b', ''])).toEqual(['nodejs', 'nftables', 'a']);
    expect(dependencyNames(DEB_DEPENDS)).toContain('nodejs');
  });
  it('holds package lists and the kernel packages, never includes, hooks or the tools', () => {
    const f = (path: string) => ({ path, content: path, mode: 0o644 });
    const files = [
      f('config/package-lists/base.list.chroot'),
      f('config/packages.chroot/debvisor_0.1.0_all.deb'),
      f('config/packages.chroot/linux-image-6.12-debvisor_1_amd64.deb'),
      f('config/includes.chroot/etc/x'),
      f('config/hooks/normal/0500-debvisor-live.hook.chroot'),
      f('config/bootloaders/grub-pc/grub.cfg'),
    ];
    expect(layerFiles(files, 'debvisor_0.1.0_all.deb').map((x) => x.path)).toEqual([
      'config/package-lists/base.list.chroot',
      'config/packages.chroot/linux-image-6.12-debvisor_1_amd64.deb',
      DEPENDS_LIST,
    ]);
  });
  it('refuses to copy or delete a tree with something mounted in it', () => {
    const mountinfo = [
      '22 1 8:1 / / rw - ext4 /dev/vda rw',
      '90 22 0:5 / /work/b/live-build/chroot/proc rw - proc proc rw',
      '91 22 0:6 / /work/b/live-build/chroot-other rw - tmpfs tmpfs rw',
    ].join('\n');
    expect(() => assertNothingMounted('/work/b/live-build/chroot', mountinfo)).toThrow(/chroot\/proc still mounted/);
    expect(() => assertNothingMounted('/work/b/live-build/chroot/', mountinfo)).toThrow();
    expect(() => assertNothingMounted('/work/a/live-build/chroot', mountinfo)).not.toThrow();
  });
  it('counts the tools as installed in the install pass, as a plain lb chroot does, so an installer keeps them', () => {
    const live = 'bash\t5.2\ndebvisor\t0.1.0\nlive-boot\t1:2\nnginx\t1.26\n';
    expect(installList(live, 'bash\t5.2\nnginx\t1.26\n', ['debvisor'])).toBe('bash\t5.2\ndebvisor\t0.1.0\nnginx\t1.26\n');
  });
});

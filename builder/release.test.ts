import { describe, it, expect } from 'vitest';
import { parsePackageList, sha256sums, spdxSbom, ipxeScript } from './release.js';

describe('release files', () => {
  it('reads live-build package lists', () => {
    expect(parsePackageList('nodejs\t20.19.2+dfsg-1\nlibc6:amd64\t2.41-12\n\n')).toEqual([
      { name: 'nodejs', version: '20.19.2+dfsg-1' },
      { name: 'libc6', version: '2.41-12' },
    ]);
  });
  it('writes SHA256SUMS as sha256sum -c reads it', () => {
    expect(
      sha256sums(
        [
          { path: '/out/a.iso', bytes: 1, sha256: 'ab' },
          { path: '/out/netboot/vmlinuz', bytes: 1, sha256: 'cd' },
        ],
        '/out',
      ),
    ).toBe('ab  a.iso\ncd  netboot/vmlinuz\n');
  });
  it('makes an SPDX 2.3 document with a purl per package', () => {
    const doc = spdxSbom('debvisor', '0.1.0', '2026-01-01T00:00:00.000Z', [{ name: 'nodejs', version: '20.19.2+dfsg-1' }], 'seed') as {
      spdxVersion: string;
      packages: { name: string; externalRefs: { referenceLocator: string }[] }[];
    };
    expect(doc.spdxVersion).toBe('SPDX-2.3');
    expect(doc.packages[0]!.externalRefs[0]!.referenceLocator).toBe('pkg:deb/debian/nodejs@20.19.2%2Bdfsg-1?arch=amd64');
  });
  it('writes an iPXE script that fetches the squashfs beside it', () => {
    const s = ipxeScript('boot=live components debvisor.mode=install');
    expect(s.startsWith('#!ipxe\n')).toBe(true);
    expect(s).toContain('kernel vmlinuz initrd=initrd.img boot=live components debvisor.mode=install fetch=${debvisor-base}filesystem.squashfs');
    // iPXE before 2024 (QEMU's, Debian's) has no ${cwduri}: the DHCP boot file's directory stands in.
    expect(s.indexOf('set debvisor-base ${cwduri}')).toBeLessThan(s.indexOf('set debvisor-base ${filename}/../'));
    expect(s).toContain('initrd initrd.img\n');
  });
});

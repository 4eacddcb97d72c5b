import { describe, it, expect } from 'vitest';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newestPackage, packageEntries, pruneKernelCache } from './kernel-source.js';
import { testDir } from '../test/unit/helpers/temp-dir.js';

const stanza = (name: string, version: string) =>
  `Package: ${name}\nVersion: ${version}\nFilename: pool/main/l/linux/${name}_${version}_all.deb\nSHA256: ${version.length}abc\n`;
const index = [
  stanza('linux-source-6.12', '6.12.94-1'),
  stanza('linux-source-6.12', '6.12.117-1~rc1'),
  stanza('linux-source-6.12', '6.12.107-1'),
  stanza('linux-config-6.12', '6.12.117-1'),
  stanza('linux-source-6.12', '6.12.117-1'),
].join('\n');

describe('kernel packages in a Debian index', () => {
  it('finds the newest version by Debian rules (107 > 94, ~rc before the release)', async () => {
    expect((await newestPackage(index, 'linux-source-6.12'))?.version).toBe('6.12.117-1');
    expect(await newestPackage(index, 'linux-source-6.1')).toBeUndefined();
  });
  it('lists every version of a package', () => {
    expect(packageEntries(index, 'linux-source-6.12').map((e) => e.version)).toEqual(['6.12.94-1', '6.12.117-1~rc1', '6.12.107-1', '6.12.117-1']);
    expect(packageEntries(index, 'linux-config-6.12')).toEqual([
      { name: 'linux-config-6.12', version: '6.12.117-1', filename: 'pool/main/l/linux/linux-config-6.12_6.12.117-1_all.deb', sha256: '10abc' },
    ]);
  });
  it('prunes what only older kernel versions used, and keeps built packages and indexes', () => {
    const dir = testDir('kcache-');
    for (const d of [
      'src-6.12.107-1',
      'src-6.12.117-1',
      'linux-source-6.12_6.12.107-1',
      'linux-source-6.12_6.12.117-1',
      'linux-config-6.12_6.12.107-1',
      'build/6.12.107-1-defconfig',
      'build/6.12.117-1-debian',
      'packages/abc',
    ])
      mkdirSync(join(dir, d), { recursive: true });
    for (const f of [
      'linux-source-6.12_6.12.107-1_all.deb',
      'linux-source-6.12_6.12.117-1_all.deb',
      'linux-config-6.12_6.12.107-1_amd64.deb',
      'Packages-amd64.xz',
    ])
      writeFileSync(join(dir, f), '');
    pruneKernelCache(dir, '6.12.117-1');
    expect(readdirSync(dir).sort()).toEqual([
      'Packages-amd64.xz',
      'build',
      'linux-source-6.12_6.12.117-1',
      'linux-source-6.12_6.12.117-1_all.deb',
      'packages',
      'src-6.12.117-1',
    ]);
    expect(readdirSync(join(dir, 'build'))).toEqual(['6.12.117-1-debian']);
  });
});

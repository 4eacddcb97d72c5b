import { describe, it, expect } from 'vitest';
import { newestPackage, packageEntries } from './kernel-source.js';

const stanza = (name: string, version: string) => `Package: ${name}\nVersion: ${version}\nFilename: pool/main/l/linux/${name}_${version}_all.deb\n`;
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
    expect(packageEntries(index, 'linux-config-6.12')).toEqual([{ name: 'linux-config-6.12', version: '6.12.117-1', filename: 'pool/main/l/linux/linux-config-6.12_6.12.117-1_all.deb' }]);
  });
});

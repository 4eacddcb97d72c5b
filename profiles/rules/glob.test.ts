import { describe, it, expect } from 'vitest';
import { globMatch } from './glob.js';

describe('globMatch', () => {
  it.each([
    ['nvme-Samsung*', 'nvme-Samsung_SSD_980_PRO_1TB_S5G', true],
    ['nvme-Samsung*', 'ata-Samsung', false],
    ['sd?', 'sda', true],
    ['sd?', 'sdaa', false],
    ['eno[12]', 'eno2', true],
    ['eno[!12]', 'eno2', false],
    ['eno[0-3]', 'eno3', true],
    ['pci-0000:03:00.0-*', 'pci-0000:03:00.0-nvme-1', true],
    ['a.b', 'axb', false],
    ['[oops', '[oops', true],
    ['ST4000*', 'ST4000NM0035-1V4107', true],
  ])('%s against %s is %s', (glob, value, hit) => {
    expect(globMatch(glob, value)).toBe(hit);
  });
  it('ignores case only when asked (MAC addresses)', () => {
    expect(globMatch('52:54:00:AB:*', '52:54:00:ab:cd:ef')).toBe(false);
    expect(globMatch('52:54:00:AB:*', '52:54:00:ab:cd:ef', true)).toBe(true);
  });
});

import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseKernelConfig, checkFragment, mergeKernelConfig, formatKernelConfig } from './kernel-config.js';

describe('kernel config fragments', () => {
  const fragment = parseKernelConfig('CONFIG_KVM=m\nCONFIG_BRIDGE=m\n# CONFIG_DEVMEM is not set\nCONFIG_LOCALVERSION="-dv"\n');
  it('parses set, unset and string options', () => {
    expect([...fragment]).toEqual([
      ['CONFIG_KVM', 'm'],
      ['CONFIG_BRIDGE', 'm'],
      ['CONFIG_DEVMEM', 'n'],
      ['CONFIG_LOCALVERSION', '"-dv"'],
    ]);
  });
  it('reports which options a config satisfies and which differ', () => {
    const debian = parseKernelConfig('CONFIG_KVM=m\nCONFIG_BRIDGE=y\nCONFIG_DEVMEM=y\n');
    const r = checkFragment(debian, fragment);
    expect(r.satisfied).toEqual(['CONFIG_KVM']);
    expect(r.differing).toEqual([
      { option: 'CONFIG_BRIDGE', want: 'm', have: 'y' },
      { option: 'CONFIG_DEVMEM', want: 'n', have: 'y' },
      { option: 'CONFIG_LOCALVERSION', want: '"-dv"', have: 'n' },
    ]);
  });
  it('a merge that kept every option passes the check; one that lost an option does not', () => {
    const merged = mergeKernelConfig(parseKernelConfig('CONFIG_KVM=y\nCONFIG_X=y\n'), fragment);
    expect(checkFragment(merged, fragment).differing).toEqual([]);
    const afterOlddefconfig = parseKernelConfig(formatKernelConfig(merged).replace('CONFIG_BRIDGE=m', '# CONFIG_BRIDGE is not set'));
    expect(checkFragment(afterOlddefconfig, fragment).differing.map((d) => d.option)).toEqual(['CONFIG_BRIDGE']);
  });
  it('the shipped fragment parses and every line is an option or a comment', () => {
    const text = readFileSync(new URL('../iso/kernel/debvisor.config', import.meta.url), 'utf8');
    const lines = text.split('\n').filter((l) => l.trim() && !l.startsWith('# ') && !l.startsWith('#\t') && l !== '#');
    expect(lines.every((l) => /^CONFIG_[A-Z0-9_]+=/.test(l))).toBe(true);
    expect(parseKernelConfig(text).size).toBeGreaterThan(40);
  });
});

import { describe, it, expect } from 'vitest';
import { parsePortSpec, nftPorts } from './ports.js';
import { MACROS } from './macros.js';

describe('ports', () => {
  it('parses single ports, lists and ranges', () => {
    expect(parsePortSpec(22)).toEqual({ ok: true, ranges: [[22, 22]] });
    expect(parsePortSpec('80,443,5900:5999')).toEqual({
      ok: true,
      ranges: [
        [80, 80],
        [443, 443],
        [5900, 5999],
      ],
    });
    expect(parsePortSpec('60000-60050')).toEqual({ ok: true, ranges: [[60000, 60050]] });
  });
  it('refuses out-of-range, backwards and junk', () => {
    expect(parsePortSpec(0).ok).toBe(false);
    expect(parsePortSpec('65536').ok).toBe(false);
    expect(parsePortSpec('10:1').ok).toBe(false);
    expect(parsePortSpec('ssh').ok).toBe(false);
    expect(parsePortSpec('').ok).toBe(false);
  });
  it('prints nftables syntax', () => {
    expect(nftPorts([[22, 22]])).toBe('22');
    expect(
      nftPorts([
        [80, 80],
        [5900, 5999],
      ]),
    ).toBe('{ 80, 5900-5999 }');
  });
  it('has all 86 Proxmox macros, each with valid ports', () => {
    expect(MACROS.size).toBe(86);
    for (const m of MACROS.values())
      for (const p of m.parts) {
        if (p.dport) expect(parsePortSpec(p.dport).ok, `${m.name} ${p.dport}`).toBe(true);
        if (p.sport) expect(parsePortSpec(p.sport).ok, `${m.name} ${p.sport}`).toBe(true);
      }
  });
});

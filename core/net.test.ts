import { describe, it, expect } from 'vitest';
import { parseCidr, parseIp, parseSetEntry, overlaps, contains } from './net.js';

describe('net', () => {
  it('parses strict addresses only', () => {
    expect(parseIp('192.0.2.1')?.toString()).toBe('192.0.2.1');
    expect(parseIp('10.1')).toBeUndefined();
    expect(parseIp('2001:db8::1')?.kind()).toBe('ipv6');
    expect(parseIp('300.1.1.1')).toBeUndefined();
  });
  it('parses CIDRs and checks containment', () => {
    const c = parseCidr('192.0.2.10/24')!;
    expect(c.bits).toBe(24);
    expect(contains(c, parseIp('192.0.2.1')!)).toBe(true);
    expect(contains(c, parseIp('192.0.3.1')!)).toBe(false);
    expect(contains(c, parseIp('2001:db8::1')!)).toBe(false);
    expect(parseCidr('192.0.2.0/33')).toBeUndefined();
  });
  it('turns set entries into intervals and finds overlaps', () => {
    const a = parseSetEntry('10.0.0.0/16')!;
    const b = parseSetEntry('10.0.5.1-10.0.5.9')!;
    const c = parseSetEntry('10.1.0.0/16')!;
    expect(overlaps(a, b)).toBe(true);
    expect(overlaps(a, c)).toBe(false);
    expect(parseSetEntry('10.0.0.9-10.0.0.1')).toBeUndefined();
    expect(parseSetEntry('10.0.0.1-2001:db8::1')).toBeUndefined();
    expect(parseSetEntry('2001:db8::/64')!.last.toString()).toBe('2001:db8::ffff:ffff:ffff:ffff');
  });
});

import { describe, expect, it } from 'vitest';
import { normalizePin, parseUnattendedCmdline, splitCmdline } from './cmdline.js';
import { urlFromDhclientLeases } from './dhcp-lease.js';

const PIN = 'ab'.repeat(32);

describe('the kernel command line', () => {
  it('splits like the kernel, quotes grouping', () => {
    expect(splitCmdline('boot=live  a="b c" d\n')).toEqual(['boot=live', 'a=b c', 'd']);
  });

  it('reads the mode and each kind of source; the last argument wins', () => {
    const ok = (t: string) => {
      const r = parseUnattendedCmdline(t);
      if (!r.ok) throw new Error(JSON.stringify(r.issues));
      return r.value;
    };
    expect(ok('boot=live debvisor.mode=unattended')).toEqual({ mode: 'unattended', source: undefined, pin: undefined });
    expect(ok('debvisor.profile=/a.yaml debvisor.profile=/debvisor/p.yaml').source).toEqual({ kind: 'path', path: '/debvisor/p.yaml' });
    expect(ok('debvisor.profile=label:STICK').source).toEqual({ kind: 'label', label: 'STICK', path: '/profile.yaml' });
    expect(ok('debvisor.profile=label:STICK:/n1.yaml').source).toEqual({ kind: 'label', label: 'STICK', path: '/n1.yaml' });
    const https = ok(`debvisor.profile=https://10.0.2.100:8443/p debvisor.profile.pin=sha256:${PIN.toUpperCase().match(/../g)!.join(':')}`);
    expect(https.source).toEqual({ kind: 'https', url: 'https://10.0.2.100:8443/p', pin: PIN });
    expect(https.pin).toBe(PIN);
    // A pin alone is for the DHCP URL.
    expect(ok(`debvisor.profile.pin=sha256:${PIN}`).pin).toBe(PIN);
  });

  it('refuses what would be unsafe or unclear, naming the argument and a hint', () => {
    const bad = (t: string) => {
      const r = parseUnattendedCmdline(t);
      if (r.ok) throw new Error(`accepted: ${t}`);
      return r.issues;
    };
    expect(bad('debvisor.profile=http://x/p')[0]!.message).toMatch(/plain HTTP is refused/);
    expect(bad('debvisor.profile=relative.yaml')[0]!.arg).toBe('debvisor.profile=relative.yaml');
    expect(bad('debvisor.profile=/../etc/shadow')[0]!.message).toMatch(/not an absolute path/);
    expect(bad('debvisor.profile=label:a/b')[0]!.message).toMatch(/bad filesystem label/);
    expect(bad('debvisor.profile=label:OK:/x/../../y')[0]!.message).toMatch(/bad path/);
    expect(bad('debvisor.profile=https://u:secret@h/p')[0]!.message).toMatch(/user or password/);
    expect(bad('debvisor.profile=https://h/p debvisor.profile.pin=md5:00')[0]!.message).toMatch(/not a SHA-256 pin/);
    expect(bad(`debvisor.profile=/p.yaml debvisor.profile.pin=sha256:${PIN}`)[0]!.message).toMatch(/a pin with a path profile/);
    for (const i of bad('debvisor.profile=http://x')) expect(i.hint.length).toBeGreaterThan(5);
  });

  it('normalizes pins', () => {
    expect(normalizePin(`sha256:${PIN}`)).toBe(PIN);
    expect(normalizePin('sha256:abc')).toBeUndefined();
    expect(normalizePin(PIN)).toBeUndefined();
  });

  it('reads DHCP option 114 (default-url) from dhclient leases, the newest lease winning', () => {
    const leases = `lease {\n  interface "ens3";\n  option default-url "https://old/p";\n}\nlease {\n  option default-url "https://10.0.0.5:8443/p";\n}\n`;
    expect(urlFromDhclientLeases(leases)).toBe('https://10.0.0.5:8443/p');
    expect(urlFromDhclientLeases('lease {\n}\n')).toBeUndefined();
  });
});

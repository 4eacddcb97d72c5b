import { describe, it, expect } from 'vitest';
import { applyDefaults } from './validate.js';

describe('secure defaults for everything left out', () => {
  const p = applyDefaults({ version: 1, node: { hostname: 'n1', domain: 'example.com' }, users: { admin: { name: 'ops' } } });
  it('firewall on, lockdown off, drop policy', () => {
    expect(p.security.firewall.enabled).toBe(true);
    expect(p.security.firewall.lockdown).toBe(false);
    expect(p.security.firewall.policyIn).toBe('drop');
  });
  it('no root login, hardened SSH, TOTP on', () => {
    expect(p.security.ssh.rootLogin).toBe(false);
    expect(p.security.ssh.level).toBe('hardened');
    expect(p.users.admin.mfa.totp).toBe(true);
  });
  it("ACME on with Let's Encrypt over HTTP-01", () => {
    expect(p.tls.acme.enabled).toBe(true);
    expect(p.tls.acme.ca).toBe('letsencrypt');
    expect(p.tls.acme.challenge).toBe('http-01');
  });
  it('DNS registration on, panel HTTPS only with HSTS', () => {
    expect(p.dns.register).toBe(true);
    expect(p.security.panel.httpsPort).toBe(443);
    expect(p.security.panel.hsts).toBe(true);
  });
  it('install never wipes or reboots on error unless asked', () => {
    expect(p.install.wipe).toBe(false);
    expect(p.install.onError).toBe('halt');
    expect(p.install.disks).toEqual({ match: {}, expect: 1 });
  });
  it('IDS on, standalone node, DHCP and SLAAC', () => {
    expect(p.security.ids.fail2ban.enabled).toBe(true);
    expect(p.cluster.role).toBe('standalone');
    expect(p.network.ipv4.method).toBe('dhcp');
    expect(p.network.ipv6.method).toBe('auto');
  });
  it('keeps what the profile says', () => {
    const q = applyDefaults({ version: 1, security: { firewall: { lockdown: true } }, users: { admin: { name: 'ops' } } });
    expect(q.security.firewall.lockdown).toBe(true);
    expect(q.security.firewall.enabled).toBe(true);
  });
  it('does not change its input', () => {
    const input = { version: 1, users: { admin: { name: 'ops' } } };
    applyDefaults(input);
    expect(input).toEqual({ version: 1, users: { admin: { name: 'ops' } } });
  });
});

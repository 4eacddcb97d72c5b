import { describe, expect, it } from 'vitest';
import { askFiles, DHCP_ASK_KILL_MS, DHCP_ASK_TIMEOUT_S, dhclientAskArgv, planDhcpAsk, renderDhclientAskConf } from './dhcp-ask.js';
import { urlFromDhclientLeases } from './dhcp-lease.js';

const link = (ifname: string, flags: string[], more: Record<string, unknown> = {}) => ({ ifname, flags, link_type: 'ether', operstate: 'UP', ...more });

describe('which interfaces the DHCP ask uses', () => {
  it('asks on Ethernet links that are up with a carrier, in the kernel order; says why it skips the others', () => {
    const json = JSON.stringify([
      link('lo', ['LOOPBACK', 'UP', 'LOWER_UP'], { link_type: 'loopback' }),
      link('ifb0', ['BROADCAST', 'NOARP'], { operstate: 'DOWN' }),
      link('enp1s0', ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP']),
      link('enp2s0', ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'], { operstate: 'DOWN' }),
      link('enp3s0', ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], { master: 'bond0' }),
      link('bond0', ['BROADCAST', 'MULTICAST', 'MASTER', 'UP', 'LOWER_UP']),
      link('tun0', ['POINTOPOINT', 'UP', 'LOWER_UP'], { link_type: 'none' }),
      link('bad name\u001b', ['UP', 'LOWER_UP']),
      { ifname: 7 },
    ]);
    const plan = planDhcpAsk(json);
    expect(plan.ifaces).toEqual(['enp1s0', 'bond0']);
    expect(plan.skipped).toEqual([
      { iface: 'lo', why: 'not Ethernet (loopback)' },
      { iface: 'ifb0', why: 'down' },
      { iface: 'enp2s0', why: 'no link' },
      { iface: 'enp3s0', why: 'a port of bond0' },
      { iface: 'tun0', why: 'not Ethernet (none)' },
      { iface: '"bad name\\u001b"', why: 'a name with characters an interface name here never has' },
      { iface: '""', why: 'a name with characters an interface name here never has' },
    ]);
    expect(planDhcpAsk('[]')).toEqual({ ifaces: [], skipped: [] });
  });

  it('refuses output that is not ip -j link, saying where and what next', () => {
    for (const bad of ['', 'Device "x" does not exist.', '{}']) {
      expect(() => planDhcpAsk(bad)).toThrow(/^URL from DHCP: `ip -j link show` printed no JSON array/);
    }
  });
});

describe("dhclient's configuration and command line for the ask", () => {
  it('asks for option 114 by dhclient 4.4 name, bounded by its timeout, a few seconds', () => {
    const conf = renderDhclientAskConf();
    expect(conf).toMatch(/^timeout 5;$/m);
    expect(conf).toMatch(/^request subnet-mask, routers, default-url;$/m);
    // dhclient knows default-url: defining code 114 again would be a conflicting definition.
    expect(conf).not.toMatch(/code 114/);
    expect(renderDhclientAskConf(2)).toMatch(/^timeout 2;$/m);
    expect(DHCP_ASK_TIMEOUT_S).toBeLessThanOrEqual(6);
    expect(DHCP_ASK_KILL_MS).toBeGreaterThan(DHCP_ASK_TIMEOUT_S * 1000);
    expect(DHCP_ASK_KILL_MS).toBeLessThanOrEqual(12_000);
  });

  it('runs once, never applies the lease, and keeps its own files', () => {
    const files = askFiles('/run/debvisor/dhcp-ask', 'enp1s0');
    expect(files).toEqual({
      conf: '/run/debvisor/dhcp-ask/dhclient.conf',
      leases: '/run/debvisor/dhcp-ask/enp1s0.leases',
      pid: '/run/debvisor/dhcp-ask/enp1s0.pid',
    });
    expect(dhclientAskArgv('enp1s0', files)).toEqual([
      '/sbin/dhclient',
      '-4',
      '-1',
      '-v',
      '-sf',
      '/bin/true',
      '-cf',
      '/run/debvisor/dhcp-ask/dhclient.conf',
      '-lf',
      '/run/debvisor/dhcp-ask/enp1s0.leases',
      '-pf',
      '/run/debvisor/dhcp-ask/enp1s0.pid',
      'enp1s0',
    ]);
  });

  it('reads the URL from a lease file as dhclient 4.4.3 wrote it after the ask', () => {
    // Recorded from the integration test's setup: dnsmasq 2.90 with --dhcp-option=114,"https://...".
    const lease = `lease {
  interface "vc";
  fixed-address 10.99.0.51;
  option subnet-mask 255.255.255.0;
  option routers 10.99.0.1;
  option dhcp-lease-time 3600;
  option default-url "https://10.99.0.1:8443/profile";
  option dhcp-message-type 5;
  option dhcp-server-identifier 10.99.0.1;
  renew 5 2026/11/27 23:07:53;
  rebind 5 2026/11/27 23:37:30;
  expire 5 2026/11/27 23:45:00;
}
`;
    expect(urlFromDhclientLeases(lease)).toBe('https://10.99.0.1:8443/profile');
    expect(urlFromDhclientLeases(lease.replace(/ {2}option default-url.*\n/, ''))).toBeUndefined();
  });
});

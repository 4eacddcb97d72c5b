import { describe, expect, it } from 'vitest';
import { describeLiveNetwork } from '../commands/install-live-network.js';
import { cmdlineSkip, configuredAddress, linksToRaise, liveDhclientArgv, liveDhcpFiles, renderLiveDhclientConf } from './live-network.js';

const link = (ifname: string, flags: string[], more: Record<string, unknown> = {}) => ({ ifname, flags, link_type: 'ether', ...more });

describe('the live system network: what the boot already did', () => {
  it('ip= in any form, or debvisor.net=off, leaves it to the initramfs or the operator', () => {
    expect(cmdlineSkip('boot=live components ip=dhcp')).toMatch(/has ip=dhcp: the initramfs configures/);
    expect(cmdlineSkip('boot=live ip=off')).toMatch(/ip=off/);
    expect(cmdlineSkip('boot=live debvisor.net=off')).toBe('debvisor.net=off is on the kernel command line');
    expect(cmdlineSkip(`boot=live ip=${'1'.repeat(100)}`)!.length).toBeLessThan(150);
    expect(cmdlineSkip('boot=live components debvisor.mode=unattended debvisor.profile=https://x/ BOOTIF=01-52-54-00-12-34-56')).toBeUndefined();
    expect(cmdlineSkip('boot=live skip=ip=dhcp')).toBeUndefined();
  });

  it('a global IPv4 address on any interface but lo means the boot configured the network', () => {
    const addr = (ifname: string, info: unknown[]) => ({ ifname, addr_info: info });
    expect(
      configuredAddress(
        JSON.stringify([
          addr('lo', [{ family: 'inet', scope: 'host', local: '127.0.0.1', prefixlen: 8 }]),
          addr('ens3', [{ family: 'inet6', scope: 'link', local: 'fe80::1', prefixlen: 64 }]),
          addr('ens4', [{ family: 'inet', scope: 'global', local: '10.0.2.15', prefixlen: 24 }]),
        ]),
      ),
    ).toBe('ens4 10.0.2.15/24');
    expect(configuredAddress(JSON.stringify([addr('ens3', [{ family: 'inet6', scope: 'global', local: '2001:db8::1', prefixlen: 64 }])]))).toBeUndefined();
    expect(() => configuredAddress('not json')).toThrow(/ip -j addr show/);
  });

  it('raises Ethernet links that are down, not ports of a bond or bridge, not odd names', () => {
    expect(
      linksToRaise(
        JSON.stringify([
          link('lo', ['LOOPBACK', 'UP'], { link_type: 'loopback' }),
          link('ens3', ['BROADCAST', 'MULTICAST']),
          link('ens4', ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP']),
          link('ens5', ['BROADCAST'], { master: 'bond0' }),
          link('bad name', ['BROADCAST']),
          link('wg0', ['POINTOPOINT'], { link_type: 'none' }),
        ]),
      ),
    ).toEqual(['ens3']);
    expect(() => linksToRaise('{}')).toThrow(/ip -j link show/);
  });
});

describe("the live system network: dhclient's files and command line", () => {
  it('asks for option 114 beside the usual options; leases where the DHCP URL source reads them; no shell in argv', () => {
    const conf = renderLiveDhclientConf(20);
    expect(conf).toMatch(/^timeout 20;$/m);
    expect(conf).toMatch(/^request [^;]*routers[^;]*domain-name-servers[^;]*default-url;$/m);
    const f = liveDhcpFiles('ens3');
    expect(f).toEqual({
      conf: '/run/debvisor/live-network/dhclient.conf',
      leases: '/var/lib/dhcp/dhclient.ens3.leases',
      pid: '/var/lib/dhcp/dhclient.ens3.pid',
    });
    expect(liveDhclientArgv('ens3', f)).toEqual(['/sbin/dhclient', '-4', '-1', '-v', '-cf', f.conf, '-lf', f.leases, '-pf', f.pid, 'ens3']);
    expect(() => liveDhcpFiles('x; rm -rf /')).toThrow(/not an interface name/);
  });

  it('the console says what happened, and what to do when no address came', () => {
    expect(
      describeLiveNetwork({
        skipped: 'ens3 10.0.2.15/24 is configured already (by the boot)',
        raised: [],
        dhcp: [],
        notAsked: [],
        address: 'ens3 10.0.2.15/24',
        ms: 5,
      }),
    ).toEqual(['live network: left as it is: ens3 10.0.2.15/24 is configured already (by the boot)']);
    const none = describeLiveNetwork({
      raised: ['ens3', 'ens4'],
      dhcp: [{ iface: 'ens3', lease: false }],
      notAsked: [
        { iface: 'lo', why: 'not Ethernet (loopback)' },
        { iface: 'ens4', why: 'no link' },
      ],
      address: undefined,
      ms: 28_400,
    });
    expect(none).toEqual([
      'live network: raised ens3, ens4',
      'live network: ens4 not asked: no link',
      'live network: DHCP on ens3: no answer',
      expect.stringMatching(/^live network: no address after 28\.4 s \(no DHCP answer on ens3\).*ip=ADDR::GATEWAY:MASK::IFACE:none.*DEBVISOR-PROFILE/),
    ]);
    const base = { raised: [], dhcp: [], address: undefined, ms: 500 };
    expect(describeLiveNetwork({ ...base, notAsked: [{ iface: 'lo', why: 'not Ethernet (loopback)' }] }).at(-1)).toMatch(/\(no Ethernet interface\)/);
    expect(describeLiveNetwork({ ...base, raised: ['ens3'], notAsked: [{ iface: 'ens3', why: 'no link' }] }).at(-1)).toMatch(
      /\(no Ethernet link has a carrier\)/,
    );
  });
});

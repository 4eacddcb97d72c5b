import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunOptions, run } from '../../core/run.js';
import { DHCLIENT } from '../../installer/unattended/dhcp-ask.js';
import { urlFromDhclientLeases } from '../../installer/unattended/dhcp-lease.js';
import { CARRIER_WAIT_MS, liveDhcpBoundMs, liveDhcpFiles } from '../../installer/unattended/live-network.js';
import { bringUpLiveNetwork, type LiveNetworkOptions } from '../../installer/unattended/live-network-run.js';
import { createDhcpLab, type DhcpLab } from './helpers/dhcp-lab.js';

// The live system's own network from an ISO or USB boot, against a real DHCP server: dnsmasq in
// one network namespace, the live system's links in the other, down as after a boot. eth0 and
// eth1 reach the server; eth2's far end is down (no carrier). The real dhclient and Debian's
// dhclient-script apply the lease inside the namespace; /etc/netns/<ns>/resolv.conf stands in
// for the namespace's /etc/resolv.conf (ip netns exec binds it), so the host's stays untouched.

const URL0 = 'https://10.66.0.1:8443/profile';
/** A short dhclient timeout: dnsmasq answers a new client in about 3 s (it pings the address first). */
const TIMEOUT_S = 8;
/** What a run may take beyond its bounds: ip netns exec, the dhclient-script, reading files. */
const SLACK_MS = 5000;

let lab: DhcpLab;
let dir: string;
let netnsEtc: string;

beforeAll(async () => {
  for (const tool of [DHCLIENT, '/usr/sbin/dnsmasq', '/sbin/dhclient-script'])
    if (!existsSync(tool)) throw new Error(`${tool} is missing: apt-get install isc-dhcp-client dnsmasq-base (scripts/packages/test.txt)`);
  dir = mkdtempSync(join(tmpdir(), 'debvisor-live-net-'));
  lab = await createDhcpLab(3, [2], join(dir, 'dnsmasq.leases'), true);
  netnsEtc = join('/etc/netns', lab.cli);
  mkdirSync(netnsEtc, { recursive: true });
  writeFileSync(join(netnsEtc, 'resolv.conf'), '# the client namespace, before DHCP\n');
});

afterAll(async () => {
  await endDhclients();
  await lab?.cleanup();
  if (netnsEtc) rmSync(netnsEtc, { recursive: true, force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The live-network run, its commands inside the client namespace. */
function opts(more: Partial<LiveNetworkOptions> = {}): LiveNetworkOptions {
  const exec = (argv: string[], o: RunOptions) => run(['ip', 'netns', 'exec', lab.cli, ...argv], o);
  return {
    cmdline: 'boot=live components debvisor.mode=unattended',
    leaseDir: join(dir, 'leases'),
    conf: join(dir, 'dhclient.conf'),
    timeoutS: TIMEOUT_S,
    exec,
    ...more,
  };
}

async function clientPids(): Promise<string[]> {
  return String((await execa('ip', ['netns', 'pids', lab.cli], { stdin: 'ignore' })).stdout)
    .split('\n')
    .filter(Boolean);
}

/** The dhclients the run leaves to renew their leases, ended by the PIDs in their pid files. */
async function endDhclients(): Promise<void> {
  for (const iface of ['eth0', 'eth1', 'eth2']) {
    const pidFile = liveDhcpFiles(iface, join(dir ?? '/nonexistent', 'leases')).pid;
    const pid = existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim() : '';
    if (/^[0-9]+$/.test(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(pidFile)) process.kill(Number(pid), 'SIGKILL');
    rmSync(pidFile, { force: true });
  }
}

async function addresses(): Promise<string> {
  return String((await execa('ip', ['-n', lab.cli, '-4', '-o', 'addr', 'show'], { stdin: 'ignore' })).stdout);
}

describe('the live system brings up its own network when the boot did not', () => {
  it('the kernel command line configures it (ip=) or says off: nothing is touched', async () => {
    const before = await lab.clientNetwork();
    for (const cmdline of ['boot=live ip=dhcp', 'boot=live ip=10.0.0.5::10.0.0.1:255.255.255.0::eth0:none', 'boot=live debvisor.net=off']) {
      const r = await bringUpLiveNetwork(opts({ cmdline }));
      expect(r.skipped).toMatch(/kernel command line/);
      expect(r.raised).toEqual([]);
    }
    expect(await lab.clientNetwork()).toBe(before);
  });

  it('no DHCP server: the links are raised, dhclient gives up within its bound, no address, no dhclient left', async () => {
    const r = await bringUpLiveNetwork(opts({ timeoutS: 3 }));
    expect(r.raised).toEqual(['eth0', 'eth1', 'eth2']);
    expect(r.dhcp).toEqual([
      { iface: 'eth0', lease: false },
      { iface: 'eth1', lease: false },
    ]);
    expect(r.notAsked).toContainEqual({ iface: 'eth2', why: 'no link' });
    expect(r.address).toBeUndefined();
    expect(r.ms).toBeLessThan(CARRIER_WAIT_MS + liveDhcpBoundMs(3) + SLACK_MS);
    expect(await clientPids()).toEqual([]);
    // Down again, as after a boot, for the next case.
    for (const i of ['eth0', 'eth1', 'eth2']) await execa('ip', ['-n', lab.cli, 'link', 'set', i, 'down'], { stdin: 'ignore' });
  });

  it('a DHCP server: leases applied (address, default route, resolver), option 114 kept for the installer, dhclient stays to renew; a second run leaves it', async () => {
    try {
      await lab.startServer([`--dhcp-option=tag:s0,114,${URL0}`, '--dhcp-option=tag:s0,option:dns-server,10.66.0.53']);
      const r = await bringUpLiveNetwork(opts());
      expect(r.skipped).toBeUndefined();
      expect(r.raised).toEqual(['eth0', 'eth1', 'eth2']);
      expect(r.dhcp).toEqual([
        { iface: 'eth0', lease: true },
        { iface: 'eth1', lease: true },
      ]);
      expect(r.address).toMatch(/^eth0 10\.66\.0\.1\d\d\/24$/);
      expect(r.ms).toBeLessThan(CARRIER_WAIT_MS + liveDhcpBoundMs(TIMEOUT_S) + SLACK_MS);
      const addrs = await addresses();
      expect(addrs).toMatch(/eth0\s+inet 10\.66\.0\.1\d\d\/24/);
      expect(addrs).toMatch(/eth1\s+inet 10\.66\.1\.1\d\d\/24/);
      expect(addrs).not.toMatch(/eth2\s+inet /);
      expect(String((await execa('ip', ['-n', lab.cli, 'route', 'show', 'default'], { stdin: 'ignore' })).stdout)).toMatch(
        /default via 10\.66\.\d\.1 dev eth\d/,
      );
      // dhclient-script wrote the namespace's resolver (the host's /etc/resolv.conf is not this file).
      expect(readFileSync(join(netnsEtc, 'resolv.conf'), 'utf8')).toMatch(/nameserver 10\.66\.0\.53/);
      // The lease where the installer's DHCP URL source reads it, with the URL.
      expect(urlFromDhclientLeases(readFileSync(liveDhcpFiles('eth0', join(dir, 'leases')).leases, 'utf8'))).toBe(URL0);
      // One dhclient per leased link keeps running to renew.
      expect((await clientPids()).length).toBe(2);

      const again = await bringUpLiveNetwork(opts());
      expect(again.skipped).toMatch(/^eth0 10\.66\.0\.1\d\d\/24 is configured already/);
      expect(again.raised).toEqual([]);
      expect((await clientPids()).length).toBe(2);
    } finally {
      await endDhclients();
      await lab.stopServer();
    }
    expect(await clientPids()).toEqual([]);
  });
});

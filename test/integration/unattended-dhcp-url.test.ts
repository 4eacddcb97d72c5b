import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunOptions, run } from '../../core/run.js';
import { DHCLIENT, DHCP_ASK_KILL_MS } from '../../installer/unattended/dhcp-ask.js';
import { type DhcpAskResult, runDhcpAsk } from '../../installer/unattended/dhcp-ask-run.js';
import { type DiscoverEffects, discoverProfile } from '../../installer/unattended/discover.js';
import { createDhcpLab, type DhcpLab } from './helpers/dhcp-lab.js';

// The DHCP source of unattended discovery against a real DHCP server: dnsmasq in one network
// namespace hands out option 114, the installer's ask runs the real dhclient in the other.
// eth0 and eth1 reach the server; eth2 is up with no carrier. eth0 holds the address the server
// keeps for its MAC, as the initramfs's DHCP left it in the live system (so the server answers
// at once; for a new client dnsmasq first pings the address, about 3 s, one client at a time).

const URL0 = 'https://10.66.0.1:8443/profile';
const URL1 = 'https://10.66.1.1:8443/rack';
/** What a run may take beyond the ask's own bound: ip netns exec, node, reading files. */
const SLACK_MS = 2000;

let lab: DhcpLab;
let dir: string;
/** The server's reservation for eth0: its MAC and the address it already has. */
let eth0Host: string;

beforeAll(async () => {
  for (const tool of [DHCLIENT, '/usr/sbin/dnsmasq'])
    if (!existsSync(tool)) throw new Error(`${tool} is missing: apt-get install isc-dhcp-client dnsmasq-base (scripts/packages/test.txt)`);
  dir = mkdtempSync(join(tmpdir(), 'debvisor-dhcp-url-'));
  lab = await createDhcpLab(3, [2], join(dir, 'dnsmasq.leases'));
  await execa('ip', ['-n', lab.cli, 'addr', 'add', '10.66.0.77/24', 'dev', 'eth0'], { stdin: 'ignore' });
  const links = JSON.parse(String((await execa('ip', ['-n', lab.cli, '-j', 'link', 'show', 'eth0'], { stdin: 'ignore' })).stdout)) as Array<{
    address: string;
  }>;
  eth0Host = `--dhcp-host=${links[0]!.address},10.66.0.77`;
});

afterAll(async () => {
  await lab?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The installer's ask, its commands run inside the client namespace. */
async function ask(): Promise<DhcpAskResult> {
  const exec = (argv: string[], o: RunOptions) => run(['ip', 'netns', 'exec', lab.cli, ...argv], o);
  return runDhcpAsk({ dir: join(dir, 'ask'), exec });
}

async function clientPids(): Promise<string[]> {
  return String((await execa('ip', ['netns', 'pids', lab.cli], { stdin: 'ignore' })).stdout)
    .split('\n')
    .filter(Boolean);
}

describe('profile URL from DHCP (option 114), asked by the installer with dhclient', () => {
  it('a server sending option 114: the URL comes back; addresses and routes unchanged; no dhclient left', async () => {
    try {
      await lab.startServer([eth0Host, `--dhcp-option=tag:s0,114,${URL0}`, `--dhcp-option=tag:s1,114,${URL1}`]);
      const before = await lab.clientNetwork();
      const r = await ask();
      expect(r.url, JSON.stringify(r)).toBe(URL0);
      expect(r.iface).toBe('eth0');
      expect(r.answers, JSON.stringify(r)).toEqual([
        { iface: 'eth0', lease: true, url: URL0 },
        { iface: 'eth1', lease: true, url: URL1 },
      ]);
      expect(r.skipped).toEqual([
        { iface: 'lo', why: 'not Ethernet (loopback)' },
        { iface: 'eth2', why: 'no link' },
      ]);
      expect(r.ms).toBeLessThan(DHCP_ASK_KILL_MS + SLACK_MS);
      expect(await lab.clientNetwork()).toBe(before);
      expect(before).toContain('10.66.0.77');
      expect(before).not.toMatch(/10\.66\.1\.1\d\d/);
      // The daemon dhclient leaves to renew the lease was ended by its PID.
      expect(await clientPids()).toEqual([]);
      // The server did hand out the leases dhclient recorded (and nobody released them).
      expect(readFileSync(join(dir, 'dnsmasq.leases'), 'utf8')).toMatch(/ 10\.66\.1\.1\d\d /);

      // Through discovery: the fourth source, once the others are empty, is fetched with this URL.
      const fetched: string[] = [];
      const fx: DiscoverEffects = {
        cmdline: () => 'boot=live debvisor.mode=unattended',
        readFile: () => undefined,
        findLabel: async () => undefined,
        withReadOnlyMount: async () => {
          throw new Error('no mount expected');
        },
        dhcpUrl: async () => (await ask()).url,
        factsJson: async () => '{}',
        fetch: async (url) => {
          fetched.push(url);
          return { body: 'profile\n', signature: undefined };
        },
      };
      expect((await discoverProfile(fx)).source).toBe(`URL from DHCP ${URL0}`);
      expect(fetched).toEqual([URL0]);
      expect(await clientPids()).toEqual([]);
    } finally {
      await lab.stopServer();
    }
  });

  it('a server that does not send option 114: a lease, no URL, within the bound', async () => {
    try {
      await lab.startServer([eth0Host]);
      const before = await lab.clientNetwork();
      const r = await ask();
      expect(r.url).toBeUndefined();
      expect(r.answers).toEqual([
        { iface: 'eth0', lease: true, url: undefined },
        { iface: 'eth1', lease: true, url: undefined },
      ]);
      expect(r.ms).toBeLessThan(DHCP_ASK_KILL_MS + SLACK_MS);
      expect(await lab.clientNetwork()).toBe(before);
      expect(await clientPids()).toEqual([]);
    } finally {
      await lab.stopServer();
    }
  });

  it('no DHCP server at all: no lease, no URL, within the bound', async () => {
    const r = await ask();
    expect(r.url).toBeUndefined();
    expect(r.answers).toEqual([
      { iface: 'eth0', lease: false, url: undefined },
      { iface: 'eth1', lease: false, url: undefined },
    ]);
    expect(r.ms).toBeLessThan(DHCP_ASK_KILL_MS + SLACK_MS);
    expect(await clientPids()).toEqual([]);
  });
});

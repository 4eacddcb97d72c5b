import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLab, type Lab, type Probe } from './helpers/netns-lab.js';
import { validateProfile } from '../../profiles/validate.js';
import { firewallFileFrom } from '../../profiles/firewall/node-file.js';
import { compileRuleset } from '../../overlays/firewall/compile.js';
import type { Profile } from '../../profiles/schema/profile.js';

const PROFILE = fileURLToPath(new URL('../fixtures/profiles/lab-node.yaml', import.meta.url));
const TCP = [22, 443, 80, 5900, 3128, 60000, 8443, 9100, 7000, 5555];
const UDP = [5405, 5412, 9999];
/** Bound on waiting for a blocklist timeout to lift. */
const EXPIRY_WAIT_MS = 15_000;

let lab: Lab;
let dir: string;
let profile: Profile;

async function load(p: Profile): Promise<void> {
  const file = join(dir, `ruleset-${Date.now()}.nft`);
  writeFileSync(file, compileRuleset(firewallFileFrom(p)));
  await lab.exec('node', ['nft', '-f', file]);
}

/** Probes the node from a host on IPv4 and IPv6; returns "proto/port/family" → result. */
async function scan(from: string, tcp: number[], udp: number[]): Promise<Record<string, string>> {
  const node = lab.hosts.node!;
  const probes: Probe[] = [];
  for (const host of [node.v4, node.v6]) {
    for (const port of tcp) probes.push({ host, port, proto: 'tcp' });
    for (const port of udp) probes.push({ host, port, proto: 'udp' });
  }
  const out: Record<string, string> = {};
  for (const r of await lab.probe(from, probes)) out[`${r.proto}/${r.port}/${r.host.includes(':') ? 'v6' : 'v4'}`] = r.result;
  return out;
}

function expectPorts(seen: Record<string, string>, want: Record<string, string>, who: string): void {
  for (const fam of ['v4', 'v6']) {
    for (const [k, v] of Object.entries(want)) expect(seen[`${k}/${fam}`], `${who}: ${k} over ${fam}`).toBe(v);
  }
}

beforeAll(async () => {
  const r = validateProfile(PROFILE);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  profile = r.profile;
  dir = mkdtempSync(join(tmpdir(), 'debvisor-fw-'));
  lab = await createLab(['node', 'mgmt', 'peer', 'out']);
  await lab.listen('node', TCP, UDP);
});

afterAll(async () => {
  await lab?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the rendered firewall in a network namespace', () => {
  it('without a firewall every port answers (the lab itself works)', async () => {
    const seen = await scan('out', [22, 5555], [9999]);
    expectPorts(seen, { 'tcp/22': 'open', 'tcp/5555': 'open', 'udp/9999': 'open' }, 'out');
  });

  it('default: DebVisor ports open from everywhere, cluster ports only from peers, the rest dropped', async () => {
    await load(profile);
    const open = { 'tcp/22': 'open', 'tcp/443': 'open', 'tcp/80': 'open', 'tcp/3128': 'open', 'tcp/8443': 'open' };
    const out = await scan('out', TCP, UDP);
    expectPorts(
      out,
      // Live migration (60000-60050) is for members only, never from elsewhere.
      {
        ...open,
        'tcp/60000': 'timeout',
        'tcp/5900': 'timeout',
        'tcp/9100': 'timeout',
        'tcp/5555': 'timeout',
        'udp/5405': 'timeout',
        'udp/5412': 'timeout',
        'udp/9999': 'timeout',
      },
      'out',
    );
    expectPorts(out, { 'tcp/7000': 'refused' }, 'out (reject rule)');
    const mgmt = await scan('mgmt', TCP, UDP);
    expectPorts(
      mgmt,
      { ...open, 'tcp/60000': 'timeout', 'tcp/5900': 'open', 'tcp/9100': 'timeout', 'tcp/5555': 'timeout', 'udp/5405': 'timeout', 'udp/9999': 'timeout' },
      'mgmt',
    );
    const peer = await scan('peer', TCP, UDP);
    expectPorts(
      peer,
      { ...open, 'tcp/60000': 'open', 'tcp/5900': 'open', 'udp/5405': 'open', 'udp/5412': 'open', 'tcp/5555': 'timeout', 'udp/9999': 'timeout' },
      'peer',
    );
    expect(peer['tcp/9100/v4'], 'user set rule: monitoring is IPv4 only').toBe('open');
    expect(peer['tcp/9100/v6']).toBe('timeout');
  });

  it('lockdown: management ports only from the management set; HTTP-01 and cluster ports stay as they were', async () => {
    const locked = structuredClone(profile);
    locked.security.firewall.lockdown = true;
    await load(locked);
    const out = await scan('out', TCP, UDP);
    expectPorts(
      out,
      {
        'tcp/22': 'timeout',
        'tcp/443': 'timeout',
        'tcp/5900': 'timeout',
        'tcp/3128': 'timeout',
        'tcp/8443': 'timeout',
        'tcp/60000': 'timeout',
        'tcp/80': 'open',
        'udp/5405': 'timeout',
      },
      'out',
    );
    const mgmt = await scan('mgmt', TCP, UDP);
    expectPorts(mgmt, { 'tcp/22': 'open', 'tcp/443': 'open', 'tcp/5900': 'open', 'tcp/3128': 'open', 'tcp/80': 'open', 'udp/5405': 'timeout' }, 'mgmt');
    const peer = await scan('peer', TCP, UDP);
    expectPorts(peer, { 'tcp/22': 'timeout', 'tcp/443': 'timeout', 'tcp/8443': 'open', 'tcp/60000': 'open', 'udp/5405': 'open' }, 'peer');
  });

  it('an address in the blocklist is dropped, and allowed again after its timeout', async () => {
    await load(profile);
    const out = lab.hosts.out!;
    await lab.exec('node', ['nft', 'add', 'element', 'inet', 'debvisor', 'blocklist_v4', `{ ${out.v4} timeout 3s }`]);
    await lab.exec('node', ['nft', 'add', 'element', 'inet', 'debvisor', 'blocklist_v6', `{ ${out.v6} timeout 3s }`]);
    expectPorts(await scan('out', [22, 80], []), { 'tcp/22': 'timeout', 'tcp/80': 'timeout' }, 'banned out');
    expectPorts(await scan('mgmt', [22], []), { 'tcp/22': 'open' }, 'mgmt while out is banned');
    const deadline = Date.now() + EXPIRY_WAIT_MS;
    let seen: Record<string, string> = {};
    while (Date.now() < deadline) {
      seen = await scan('out', [22], []);
      if (seen['tcp/22/v4'] === 'open' && seen['tcp/22/v6'] === 'open') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expectPorts(seen, { 'tcp/22': 'open' }, 'out after the ban expired');
  });
});

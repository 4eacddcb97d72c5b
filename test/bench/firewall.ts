import { execa } from 'execa';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { applyDefaults } from '../../profiles/validate.js';
import { checkFirewall } from '../../profiles/rules/firewall.js';
import { checkNetwork } from '../../profiles/rules/network.js';
import { NO_FACTS } from '../../profiles/facts.js';
import { firewallFileFrom } from '../../profiles/firewall/node-file.js';
import { compileRuleset } from '../../overlays/firewall/compile.js';

/** A large model: thousands of set elements, hundreds of rules, some groups. */
export function largeProfile(elements = 5000, rules = 400) {
  const v4 = Array.from({ length: elements / 2 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.0/24`);
  const v6 = Array.from({ length: elements / 2 }, (_, i) => `2001:db8:${i.toString(16)}::/48`);
  const ruleList = Array.from({ length: rules }, (_, i) => ({
    action: i % 3 === 0 ? 'drop' : 'accept',
    proto: i % 2 ? 'tcp' : 'udp',
    dport: `${10000 + i}`,
    source: i % 4 === 0 ? '+customers' : `192.0.2.${i % 250}, 2001:db8:ffff::${i.toString(16)}`,
    comment: `rule ${i}`,
  }));
  const groups = Object.fromEntries(
    Array.from({ length: 20 }, (_, g) => [
      `grp${g}`,
      [
        { action: 'accept', macro: 'Web' },
        { action: 'drop', proto: 'tcp', dport: `${20000 + g}` },
      ],
    ]),
  );
  return applyDefaults({
    version: 1,
    users: { admin: { name: 'ops' } },
    security: {
      firewall: {
        ipsets: { customers: [...v4, ...v6], management: ['198.51.100.0/24'] },
        groups,
        rules: [...ruleList, ...Object.keys(groups).map((g) => ({ group: g }))],
      },
    },
  });
}

/** Issue 9: 8,000 firewall entries took 34 s when the checks were quadratic. Target: under 3 s (about 0.1 s here). */
export function entriesProfile(entries = 8000) {
  const n = entries / 2;
  const aliases = Object.fromEntries(Array.from({ length: n }, (_, i) => [`host${i}`, `10.${(i >> 8) & 255}.${i & 255}.1`]));
  const ipsets = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`set${i}`, [`172.16.${i}.0/24`]]));
  const rules = Array.from({ length: n }, (_, i) => ({ action: 'accept', proto: 'tcp', dport: 1000 + (i % 5000), source: `host${i}, +set${i % 200}` }));
  return applyDefaults({ version: 1, users: { admin: { name: 'ops' } }, security: { firewall: { aliases, ipsets, rules } } });
}

/** Issue 9: 100,000 pinned names took 78 s (YAML and the duplicate scan together). Target for the check: under 3 s. */
export function pinnedProfile(names = 100_000) {
  const mac = (i: number) => ['52', '54', (i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0')).join(':');
  return applyDefaults({
    version: 1,
    users: { admin: { name: 'ops' } },
    network: { pinning: { names: Object.fromEntries(Array.from({ length: names }, (_, i) => [mac(i), `nic${i}`])) } },
  });
}

function time<T>(fn: () => T, runs: number): { ms: number; value: T } {
  let value!: T;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) value = fn();
  return { ms: (performance.now() - t0) / runs, value };
}

export async function benchFirewall(): Promise<Record<string, string | number>> {
  const p = largeProfile();
  const file = firewallFileFrom(p);
  const check = time(() => checkFirewall(p, NO_FACTS), 5);
  const entries = entriesProfile();
  const entriesCheck = time(() => checkFirewall(entries, NO_FACTS), 3);
  const pins = pinnedProfile();
  const pinsCheck = time(() => checkNetwork(pins, NO_FACTS), 3);
  const compile = time(() => compileRuleset(file), 10);
  const text = compile.value;
  const dir = mkdtempSync(join(tmpdir(), 'debvisor-bench-'));
  const path = join(dir, 'large.nft');
  writeFileSync(path, text);
  const ns = `dvbench${process.pid % 100000}`;
  await execa('ip', ['netns', 'add', ns]);
  try {
    const t0 = performance.now();
    await execa('ip', ['netns', 'exec', ns, 'nft', '-f', path]);
    const firstLoad = performance.now() - t0;
    const t1 = performance.now();
    await execa('ip', ['netns', 'exec', ns, 'nft', '-f', path]);
    const reload = performance.now() - t1;
    const rulesLoaded = (await execa('ip', ['netns', 'exec', ns, 'nft', '-a', 'list', 'table', 'inet', 'debvisor'])).stdout
      .split('\n')
      .filter((l) => l.includes('# handle') && !l.includes('set ') && !l.includes('chain ')).length;
    return {
      'set elements': 5000,
      'model rules': file.firewall.rules.length,
      'semantic check (ms)': +check.ms.toFixed(1),
      'check 8000 entries (ms)': +entriesCheck.ms.toFixed(1),
      'check 100000 pins (ms)': +pinsCheck.ms.toFixed(1),
      'compile (ms)': +compile.ms.toFixed(1),
      'ruleset size (KiB)': +(Buffer.byteLength(text) / 1024).toFixed(1),
      'nft rules in kernel': rulesLoaded,
      'first load, nft -f (ms)': Math.round(firstLoad),
      'atomic reload, nft -f (ms)': Math.round(reload),
    };
  } finally {
    await execa('ip', ['netns', 'del', ns], { reject: false });
    rmSync(dir, { recursive: true, force: true });
  }
}

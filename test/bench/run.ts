import { benchCli } from './cli.js';
import { benchFirewall } from './firewall.js';
import { benchLoader } from './loader.js';
import { benchNode } from './node.js';

// Figures, not pass/fail: targets live here, never in timed tests.
const benches: Record<string, () => Promise<Record<string, string | number>>> = {
  cli: benchCli,
  firewall: benchFirewall,
  loader: benchLoader,
  // QEMU under TCG, about 30 minutes: the install by PXE, three first boots each beside a plain boot, the unsquashfs floor.
  node: benchNode,
};

const only = process.argv.slice(2);
for (const [name, fn] of Object.entries(benches)) {
  if (only.length && !only.includes(name)) continue;
  const figures = await fn();
  console.log(`\n${name}`);
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(30)} ${v}`);
}

import { execa } from 'execa';
import { readFileSync } from 'node:fs';

/**
 * Ends the processes a test started inside a network namespace (daemons run under
 * `ip netns exec` and `unshare`, so their PIDs are found through the namespace), optionally only
 * those whose command line contains `match`.
 */
export async function killInNamespace(ns: string, match?: string): Promise<void> {
  const pids = String((await execa('ip', ['netns', 'pids', ns], { reject: false })).stdout)
    .split('\n')
    .filter(Boolean);
  for (const pid of pids) {
    try {
      if (match !== undefined && !readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(match)) continue;
      process.kill(Number(pid), 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
}

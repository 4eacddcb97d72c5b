import { networkInterfaces } from 'node:os';
import { run, type RunOptions, type RunResult } from '../core/run.js';

/** The one way a step runs a command: core/run.ts on a node, a recorder in tests. */
export type Runner = (argv: string[], opts?: RunOptions) => Promise<RunResult>;

/** The node's own global addresses, per family. */
export interface NodeAddresses {
  v4: string[];
  v6: string[];
}

/**
 * What the steps reach the world through, injected: commands, the node's addresses, and the
 * argv of the commands that depend on how nginx and systemd run (tests run nginx in a namespace).
 */
export interface StepTools {
  run: Runner;
  addresses(): NodeAddresses;
  /** `systemctl ARGS...` (hand-off, reload); a recorder in tests. */
  systemctl(args: string[]): Promise<void>;
  /** Checks the panel's nginx configuration with the new certificate in place (`nginx -t`). */
  nginxTest: string[];
  /** Makes nginx load the new certificate (`systemctl try-reload-or-restart nginx`: nothing when it does not run yet). */
  nginxReload: string[];
  /** Milliseconds since the epoch. */
  now(): number;
  /** acme-client's polling waits (short in tests). */
  acmeBackoffMs?: { min: number; max: number };
}

/** Pure: global unicast addresses only (no loopback, link-local, ULA stays: a private zone may want it). */
export function globalAddresses(ifaces: ReturnType<typeof networkInterfaces>): NodeAddresses {
  const out: NodeAddresses = { v4: [], v6: [] };
  for (const list of Object.values(ifaces)) {
    for (const a of list ?? []) {
      if (a.internal) continue;
      if (a.family === 'IPv4' && !a.address.startsWith('169.254.')) out.v4.push(a.address);
      if (a.family === 'IPv6' && !/^fe[89ab]/i.test(a.address)) out.v6.push(a.address);
    }
  }
  return { v4: [...new Set(out.v4)].sort(), v6: [...new Set(out.v6)].sort() };
}

export function realTools(over: Partial<StepTools> = {}): StepTools {
  return {
    run,
    addresses: () => globalAddresses(networkInterfaces()),
    systemctl: async (args) => {
      await run(['systemctl', ...args], {});
    },
    nginxTest: ['nginx', '-t'],
    // At first boot nginx may not run yet (it starts with the runtime target): then the new
    // certificate is simply there when it starts; a running nginx reloads it.
    nginxReload: ['systemctl', 'try-reload-or-restart', 'nginx'],
    now: Date.now,
    ...over,
  };
}

import { run } from '../core/run.js';
import type { MachineTiming } from './machine.js';
import { type StepTools, realTools } from './tools.js';

/**
 * Test seams, read from the environment variable DEBVISOR_FIRSTBOOT_OVERRIDES (JSON): the
 * integration tests run the real command against a node root in a namespace, where nginx is
 * reloaded by signal and systemctl is a recorder. Never set on a node.
 */
export interface Overrides {
  timing?: Partial<MachineTiming>;
  nginxTest?: string[];
  nginxReload?: string[];
  /** argv prefix that receives systemctl's arguments (a recorder script). */
  systemctl?: string[];
  addresses?: { v4: string[]; v6: string[] };
  acmeBackoffMs?: { min: number; max: number };
}

export const OVERRIDES_ENV = 'DEBVISOR_FIRSTBOOT_OVERRIDES';

export function readOverrides(env = process.env): Overrides {
  const raw = env[OVERRIDES_ENV];
  return raw ? (JSON.parse(raw) as Overrides) : {};
}

export function toolsFrom(o: Overrides): StepTools {
  return realTools({
    ...(o.nginxTest ? { nginxTest: o.nginxTest } : {}),
    ...(o.nginxReload ? { nginxReload: o.nginxReload } : {}),
    ...(o.systemctl
      ? {
          systemctl: async (args: string[]) => {
            await run([...o.systemctl!, ...args]);
          },
        }
      : {}),
    ...(o.addresses ? { addresses: () => o.addresses! } : {}),
    ...(o.acmeBackoffMs ? { acmeBackoffMs: o.acmeBackoffMs } : {}),
  });
}

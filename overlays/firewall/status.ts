import { run } from '../../core/run.js';
import { TABLE } from './compile.js';
import { liveBans } from './live.js';

export interface FirewallStatus {
  loaded: boolean;
  inputPolicy?: string;
  sets: Record<string, number>;
  bans: { value: string; seconds: number }[];
}

/** What the kernel has now: is our table there, its input policy, how full each set is, live bans. */
export async function liveStatus(): Promise<FirewallStatus> {
  const r = await run(['nft', '-j', 'list', 'table', 'inet', TABLE], { allowFailure: true });
  if (r.exitCode !== 0) return { loaded: false, sets: {}, bans: [] };
  const doc = JSON.parse(r.stdout) as { nftables: { chain?: { name: string; hook?: string; policy?: string }; set?: { name: string; elem?: unknown[] } }[] };
  const status: FirewallStatus = { loaded: true, sets: {}, bans: [] };
  for (const item of doc.nftables) {
    if (item.chain?.hook === 'input') status.inputPolicy = item.chain.policy;
    if (item.set) status.sets[item.set.name] = item.set.elem?.length ?? 0;
  }
  status.bans = [...(await liveBans('blocklist_v4')), ...(await liveBans('blocklist_v6'))];
  return status;
}

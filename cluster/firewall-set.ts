import { parseDocument } from 'yaml';
import { silentEmitter, type Emitter } from '../core/events.js';
import { run } from '../core/run.js';
import { parseSetEntry } from '../core/net.js';
import { FIREWALL_FILE } from '../profiles/firewall/node-file.js';
import { RULESET_FILE, TABLE, compileRuleset, setName } from '../overlays/firewall/compile.js';
import { parseFirewallFile } from '../overlays/firewall/model-file.js';
import { readNode, writeNodeFiles } from './files.js';

/** The firewall's built-in set of cluster peers: corosync, migration and the join API from members only. */
export const CLUSTER_SET = 'cluster';

/**
 * Puts the member addresses into the `cluster` set: live (the set alone is rewritten in one `nft -f`
 * transaction, so no rule is reloaded and no ban is forgotten) and persisted (the model's
 * `firewall.ipsets.cluster` and the compiled ruleset loaded at boot). Entries the operator added
 * by hand stay; `remove` lists the addresses of members that left.
 */
export async function syncClusterSet(root: string, members: string[], remove: string[], events: Emitter = silentEmitter): Promise<void> {
  const text = readNode(root, FIREWALL_FILE);
  let persisted: string[] | undefined;
  if (text === undefined) {
    events.warn(`no firewall model at ${FIREWALL_FILE}: the cluster set is not persisted`, { step: 'firewall', hint: 'render the node with debvisor render' });
  } else {
    const doc = parseDocument(text);
    const current = ((doc.getIn(['firewall', 'ipsets', CLUSTER_SET]) as { toJSON(): string[] } | undefined)?.toJSON() ?? []).map(String);
    const next = [...new Set([...current.filter((e) => !remove.includes(e)), ...members])].sort();
    doc.setIn(['firewall', 'ipsets', CLUSTER_SET], next);
    const updated = doc.toString({ lineWidth: 0 });
    const checked = parseFirewallFile(FIREWALL_FILE, updated);
    if (!checked.ok) {
      events.error(`the firewall model would be invalid with the cluster set; not persisted`, { step: 'firewall', data: { issues: checked.issues } });
    } else {
      persisted = next;
      await writeNodeFiles(root, [
        [FIREWALL_FILE, updated, 0o644],
        [RULESET_FILE, compileRuleset(checked.model), 0o644],
      ]);
    }
  }
  // The set is interval-based with auto-merge, so 10.0.0.1 and 10.0.0.2 become one range and a
  // single address cannot be deleted from it: the set is rewritten whole, in one transaction.
  const entries = [...new Set([...(persisted ?? []), ...members])].filter((e) => !remove.includes(e) || members.includes(e));
  const script: string[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    const set = setName(CLUSTER_SET, family);
    const mine = entries.filter((e) => parseSetEntry(e)?.family === family);
    script.push(`flush set inet ${TABLE} ${set}`);
    if (mine.length) script.push(`add element inet ${TABLE} ${set} { ${mine.join(', ')} }`);
  }
  // No table (the firewall is not loaded here) is not an error for the cluster.
  const r = await run(['nft', '-f', '-'], { input: `${script.join('\n')}\n`, allowFailure: true });
  if (r.exitCode !== 0)
    events.warn(`the live cluster set was not updated: ${r.stderr.trim().split('\n')[0]}`, { step: 'firewall', hint: 'debvisor firewall status' });
}

import { isIPv4 } from 'node:net';
import { parseDocument } from 'yaml';
import { silentEmitter, type Emitter } from '../core/events.js';
import { run } from '../core/run.js';
import { FIREWALL_FILE } from '../profiles/firewall/node-file.js';
import { RULESET_FILE, TABLE, compileRuleset, setName } from '../overlays/firewall/compile.js';
import { parseFirewallFile } from '../overlays/firewall/model-file.js';
import { readNode, writeNodeFiles } from './files.js';

/** The firewall's built-in set of cluster peers: corosync, migration and the join API from members only. */
export const CLUSTER_SET = 'cluster';

/**
 * Puts the member addresses into the `cluster` set: live (`nft add/delete element`, no reload,
 * so no rule is re-evaluated and no ban is forgotten) and persisted (the model's
 * `firewall.ipsets.cluster` and the compiled ruleset loaded at boot). Entries the operator added
 * by hand stay; `remove` lists the addresses of members that left.
 */
export async function syncClusterSet(root: string, members: string[], remove: string[], events: Emitter = silentEmitter): Promise<void> {
  const text = readNode(root, FIREWALL_FILE);
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
      await writeNodeFiles(root, [
        [FIREWALL_FILE, updated, 0o644],
        [RULESET_FILE, compileRuleset(checked.model), 0o644],
      ]);
    }
  }
  for (const [verb, list] of [
    ['add', members],
    ['delete', remove.filter((a) => !members.includes(a))],
  ] as const) {
    for (const addr of list) {
      const set = setName(CLUSTER_SET, isIPv4(addr) ? 'ipv4' : 'ipv6');
      // A missing table (firewall not loaded) or an element already there/gone is not an error here.
      const r = await run(['nft', verb, 'element', 'inet', TABLE, set, `{ ${addr} }`], { allowFailure: true });
      if (r.exitCode !== 0) events.debug(`nft ${verb} element ${set} ${addr}: ${r.stderr.trim()}`, { step: 'firewall' });
    }
  }
}

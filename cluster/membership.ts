import { renderCorosyncConf } from './corosync.js';
import { writeNodeFiles, readNode } from './files.js';
import { syncClusterSet } from './firewall-set.js';
import type { ClusterHost } from './host.js';
import { CLUSTER_FILES } from './paths.js';
import { renderKnownHosts } from './ssh-certs.js';
import { readState, type ClusterState, type Member } from './state.js';

/**
 * Makes this node's files agree with a membership: cluster.json, corosync.conf (reloaded when
 * corosync runs), the firewall's `cluster` set (live and persisted) and the SSH known-hosts
 * file. An older config version than the one held is ignored, so notifications may arrive in
 * any order and be repeated.
 */
export async function applyMembership(host: ClusterHost, next: ClusterState): Promise<boolean> {
  const current = readState(host.root);
  if (current && current.name !== next.name) return false;
  if (current && current.configVersion > next.configVersion) return false;
  const removed: Member[] = (current?.members ?? []).filter((m) => !next.members.some((n) => n.name === m.name));
  const keep = { ...next, endpoint: next.endpoint ?? current?.endpoint };
  const sshCaPub = readNode(host.root, CLUSTER_FILES.sshCaPub);
  await writeNodeFiles(host.root, [
    [CLUSTER_FILES.state, `${JSON.stringify(keep, null, 2)}\n`, 0o644],
    [CLUSTER_FILES.corosyncConf, renderCorosyncConf(next, host.corosyncPaths()), 0o644],
    ...(sshCaPub ? ([[CLUSTER_FILES.knownHosts, renderKnownHosts(sshCaPub, next.members), 0o644]] as [string, string, number][]) : []),
  ]);
  await syncClusterSet(
    host.root,
    next.members.map((m) => m.address),
    removed.map((m) => m.address),
    host.events,
  );
  await host.reloadCorosync();
  host.events.info(`membership: ${next.members.map((m) => m.name).join(', ')} (config version ${next.configVersion})`, { step: 'membership' });
  return true;
}

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { run } from '../core/run.js';
import { caPin, certInfo, csrPublicKey, ensureCa, ensureNodeKeyAndCsr, signNodeCsr, type NodeIdentity } from './ca.js';
import { readNode, writeNodeFiles } from './files.js';
import type { ClusterHost } from './host.js';
import { applyMembership } from './membership.js';
import { JOIN_SERVICE, renderJoinService } from './units.js';
import { CLUSTER_FILES, nodeFile } from './paths.js';
import { ensureHostKey, ensureSshCa, signHostKey, writeHostCert } from './ssh-certs.js';
import { identityProblem, readState, type ClusterState } from './state.js';
import { keyHash } from './tokens.js';
import { DebvisorError } from '../core/errors.js';

export interface InitResult {
  pin: string;
  state: ClusterState;
}

/** corosync's shared key (256 random bytes, 0400), made once by corosync-keygen. */
export async function ensureAuthkey(root: string): Promise<void> {
  if (readNode(root, CLUSTER_FILES.authkey) !== undefined) return;
  mkdirSync(dirname(nodeFile(root, CLUSTER_FILES.authkey)), { recursive: true });
  await run(['corosync-keygen', '-k', nodeFile(root, CLUSTER_FILES.authkey)]);
}

/**
 * Founds a cluster on this node: CA and SSH CA (their keys never leave it), the node's own
 * certificates, corosync's authkey and corosync.conf, the firewall set, then corosync. Safe to
 * run again: what exists is kept.
 */
export async function initCluster(host: ClusterHost, clusterName: string, node: NodeIdentity): Promise<InitResult> {
  const bad = identityProblem(node);
  if (bad) throw new DebvisorError('E_CLUSTER_IDENTITY', bad, { hint: 'check node.hostname, node.domain and the cluster address' });
  const existing = readState(host.root);
  if (existing && existing.name !== clusterName)
    throw new DebvisorError('E_CLUSTER_OTHER', `this node is already in cluster ${existing.name}`, { hint: 'leave it first: debvisor cluster leave' });
  const { cert: ca } = await ensureCa(host.root, clusterName);
  const csr = await ensureNodeKeyAndCsr(host.root, node.name);
  const key = keyHash(await csrPublicKey(csr));
  let nodeCert = readNode(host.root, CLUSTER_FILES.nodeCert);
  if (!nodeCert) {
    nodeCert = await signNodeCsr(host.root, csr, node);
    await writeNodeFiles(host.root, [[CLUSTER_FILES.nodeCert, nodeCert, 0o644]]);
  }
  await ensureAuthkey(host.root);
  await ensureSshCa(host.root, clusterName);
  if (!readNode(host.root, CLUSTER_FILES.sshHostCert)) {
    await writeHostCert(host.root, await signHostKey(host.root, await ensureHostKey(host.root), node));
    await host.reloadSsh();
  }
  const state: ClusterState = existing ?? {
    name: clusterName,
    caHolder: node.name,
    configVersion: 1,
    members: [{ ...node, nodeid: 1, serial: certInfo(nodeCert).serial, key }],
    revoked: [],
  };
  await applyMembership(host, state);
  await writeNodeFiles(host.root, [[JOIN_SERVICE, renderJoinService(), 0o644]]);
  await host.startCorosync();
  await host.startJoinApi();
  host.events.info(`cluster ${clusterName} founded on ${node.name}`, { step: 'init' });
  return { pin: caPin(ca), state };
}

import { isIP } from 'node:net';
import { DebvisorError } from '../core/errors.js';
import { readNodeJson, writeNodeFiles } from './files.js';
import { CLUSTER_FILES } from './paths.js';

export interface Member {
  name: string;
  fqdn: string;
  address: string;
  nodeid: number;
  /** Serial of the node's cluster certificate (upper-case hex). */
  serial: string;
  /** SHA-256 of the node's public key: the same node joining again (a resumed join) is not a name clash. */
  key: string;
}

/** The cluster as this node knows it; every member holds the same copy (config version orders them). */
export interface ClusterState {
  name: string;
  /** corosync's `config_version`: bumped on every membership change. */
  configVersion: number;
  members: Member[];
  /** Serials of revoked node certificates: the join API and mTLS refuse them. */
  revoked: string[];
  /** The member that holds the CA: it signs, revokes, and sends membership updates. */
  caHolder: string;
  /** Where this node's copy came from: the CA holder's join endpoint (for `leave`). */
  endpoint?: string;
}

const NAME_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const FQDN_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Checks a node's identity as it reaches a certificate, corosync.conf and known_hosts: one DNS label, a DNS name, an IP. */
export function identityProblem(id: { name?: unknown; fqdn?: unknown; address?: unknown }): string | undefined {
  if (typeof id.name !== 'string' || !NAME_RE.test(id.name)) return 'the node name must be one DNS label (a-z, 0-9, -)';
  if (typeof id.fqdn !== 'string' || !FQDN_RE.test(id.fqdn)) return 'the FQDN must be a lower-case DNS name';
  if (typeof id.address !== 'string' || isIP(id.address) === 0) return 'the cluster address must be an IP address';
  return undefined;
}

export function readState(root: string): ClusterState | undefined {
  return readNodeJson<ClusterState | undefined>(root, CLUSTER_FILES.state, undefined);
}

export function requireState(root: string): ClusterState {
  const s = readState(root);
  if (!s)
    throw new DebvisorError('E_CLUSTER_NONE', 'this node is not in a cluster', {
      hint: 'found one with `debvisor cluster init` or join with cluster.role: join',
    });
  return s;
}

export async function writeState(root: string, s: ClusterState): Promise<void> {
  await writeNodeFiles(root, [[CLUSTER_FILES.state, `${JSON.stringify(s, null, 2)}\n`, 0o644]]);
}

export function nextNodeId(s: ClusterState): number {
  return Math.max(0, ...s.members.map((m) => m.nodeid)) + 1;
}

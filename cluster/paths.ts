import { join } from 'node:path';
import { PORTS } from '../profiles/firewall/services.js';

/** Where cluster files live on a node (node paths; `nodeFile` joins them to a root). */
export const CLUSTER_DIR = '/etc/debvisor/cluster';
export const CLUSTER_FILES = {
  /** The cluster CA's key: root-only, only on the node that founded the cluster. */
  caKey: `${CLUSTER_DIR}/ca.key`,
  caCert: `${CLUSTER_DIR}/ca.crt`,
  nodeKey: `${CLUSTER_DIR}/node.key`,
  nodeCert: `${CLUSTER_DIR}/node.crt`,
  /** The SSH CA that signs host certificates (same holder as the cluster CA). */
  sshCaKey: `${CLUSTER_DIR}/ssh-ca`,
  sshCaPub: `${CLUSTER_DIR}/ssh-ca.pub`,
  /** Members, config version, revoked serials: the cluster's state as this node knows it. */
  state: `${CLUSTER_DIR}/cluster.json`,
  /** Join tokens, hashed (CA holder only). */
  tokens: `${CLUSTER_DIR}/tokens.json`,
  /** Nonces of join requests already seen, so a replayed exchange is refused. */
  nonces: '/var/lib/debvisor/cluster/nonces.json',
  /** Every join attempt, one JSON line each, with its source address. */
  joinLog: '/var/log/debvisor/cluster-join.log',
  corosyncConf: '/etc/corosync/corosync.conf',
  authkey: '/etc/corosync/authkey',
  corosyncState: '/var/lib/corosync',
  corosyncLog: '/var/log/corosync/corosync.log',
  knownHosts: '/etc/ssh/ssh_known_hosts',
  sshHostKey: '/etc/ssh/ssh_host_ed25519_key',
  sshHostCert: '/etc/ssh/ssh_host_ed25519_key-cert.pub',
  sshdDropin: '/etc/ssh/sshd_config.d/20-debvisor-cluster.conf',
} as const;

/** The join API's port: the one the firewall model lists as `join-api`. */
export const JOIN_PORT = Number(PORTS.joinApi);

/** Lifetimes, in days. The CA outlives many node certificates; nodes renew by joining again (see docs/cluster.md). */
export const CA_DAYS = 3650;
export const NODE_CERT_DAYS = 825;
export const SSH_HOST_CERT_DAYS = 825;

export function nodeFile(root: string, path: string): string {
  return join(root, path);
}

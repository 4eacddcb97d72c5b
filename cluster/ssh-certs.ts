import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DebvisorError } from '../core/errors.js';
import { run } from '../core/run.js';
import { readNode, writeNodeFiles } from './files.js';
import { CLUSTER_FILES, SSH_HOST_CERT_DAYS, nodeFile } from './paths.js';
import type { NodeIdentity } from './ca.js';
import type { Member } from './state.js';

const ED25519_PUB = /^ssh-ed25519 [A-Za-z0-9+/=]{60,80}( [^\n]*)?$/;

/** The SSH CA (ed25519) that signs host certificates; created with the cluster CA, on the same node. */
export async function ensureSshCa(root: string, clusterName: string): Promise<string> {
  const have = readNode(root, CLUSTER_FILES.sshCaPub);
  if (have && readNode(root, CLUSTER_FILES.sshCaKey)) return have;
  rmSync(nodeFile(root, CLUSTER_FILES.sshCaKey), { force: true });
  rmSync(nodeFile(root, CLUSTER_FILES.sshCaPub), { force: true });
  mkdirSync(dirname(nodeFile(root, CLUSTER_FILES.sshCaKey)), { recursive: true });
  await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `debvisor cluster ${clusterName} host CA`, '-f', nodeFile(root, CLUSTER_FILES.sshCaKey)]);
  return readFileSync(nodeFile(root, CLUSTER_FILES.sshCaPub), 'utf8');
}

/** The node's ed25519 host key's public half, generating the key pair if it is missing. */
export async function ensureHostKey(root: string): Promise<string> {
  const pub = `${CLUSTER_FILES.sshHostKey}.pub`;
  if (!readNode(root, CLUSTER_FILES.sshHostKey) || !readNode(root, pub)) {
    rmSync(nodeFile(root, CLUSTER_FILES.sshHostKey), { force: true });
    rmSync(nodeFile(root, pub), { force: true });
    mkdirSync(dirname(nodeFile(root, CLUSTER_FILES.sshHostKey)), { recursive: true });
    await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', nodeFile(root, CLUSTER_FILES.sshHostKey)]);
  }
  return readNode(root, pub)!.trim();
}

/** Signs a host public key: the principals are exactly the node's name, FQDN and cluster address. */
export async function signHostKey(root: string, hostPub: string, id: NodeIdentity): Promise<string> {
  const pub = hostPub.trim();
  if (!ED25519_PUB.test(pub)) throw new DebvisorError('E_CLUSTER_HOSTKEY', 'the SSH host key must be one ssh-ed25519 public key');
  const tmp = mkdtempSync(join(tmpdir(), 'debvisor-sshca-'));
  try {
    const file = join(tmp, 'host.pub');
    writeFileSync(file, `${pub}\n`);
    await run([
      'ssh-keygen',
      '-q',
      '-s',
      nodeFile(root, CLUSTER_FILES.sshCaKey),
      '-h',
      '-I',
      `${id.name}-host`,
      '-n',
      [id.fqdn, id.name, id.address].join(','),
      '-V',
      `-5m:+${SSH_HOST_CERT_DAYS}d`,
      file,
    ]);
    return readFileSync(join(tmp, 'host-cert.pub'), 'utf8');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** One `@cert-authority` line naming every member (name, FQDN, address): no host key is ever trusted on first use. */
export function renderKnownHosts(sshCaPub: string, members: Member[]): string {
  const patterns = [...new Set(members.flatMap((m) => [m.name, m.fqdn, m.address]))].join(',');
  return `# DebVisor cluster: host certificates signed by the cluster's SSH CA. Generated; do not edit.\n@cert-authority ${patterns} ${sshCaPub.trim()}\n`;
}

export function renderSshdClusterDropin(): string {
  return `# DebVisor cluster: present the host certificate signed by the cluster's SSH CA. Generated; do not edit.\nHostCertificate ${CLUSTER_FILES.sshHostCert}\n`;
}

export async function writeHostCert(root: string, cert: string): Promise<void> {
  await writeNodeFiles(root, [
    [CLUSTER_FILES.sshHostCert, cert, 0o644],
    [CLUSTER_FILES.sshdDropin, renderSshdClusterDropin(), 0o644],
  ]);
}

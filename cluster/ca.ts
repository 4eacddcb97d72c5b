import { X509Certificate, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DebvisorError } from '../core/errors.js';
import { run } from '../core/run.js';
import { readNode, writeNodeFiles } from './files.js';
import { CA_DAYS, CLUSTER_FILES, NODE_CERT_DAYS, nodeFile } from './paths.js';

/** ECDSA P-256: every TLS stack here speaks it, and the keys are small. */
const CURVE = ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];

/** Who a node certificate is for: its short name, its FQDN and its address on the cluster network. */
export interface NodeIdentity {
  name: string;
  fqdn: string;
  address: string;
}

/** `sha256:` and the hex SHA-256 of the certificate's DER: what a joining profile pins. */
export function caPin(certPem: string): string {
  return `sha256:${new X509Certificate(certPem).fingerprint256.replace(/:/g, '').toLowerCase()}`;
}

export function samePin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export async function newKey(): Promise<string> {
  return (await run(['openssl', 'genpkey', ...CURVE])).stdout;
}

/** Creates the CA key (0600) and its self-signed certificate, unless the CA already exists. */
export async function ensureCa(root: string, clusterName: string): Promise<{ cert: string; created: boolean }> {
  const existing = readNode(root, CLUSTER_FILES.caCert);
  if (existing && readNode(root, CLUSTER_FILES.caKey)) return { cert: existing, created: false };
  await writeNodeFiles(root, [[CLUSTER_FILES.caKey, await newKey(), 0o600]]);
  const cert = (
    await run([
      'openssl',
      'req',
      '-x509',
      '-new',
      '-key',
      nodeFile(root, CLUSTER_FILES.caKey),
      '-subj',
      `/CN=DebVisor cluster ${clusterName} CA`,
      '-days',
      String(CA_DAYS),
      '-sha256',
      '-addext',
      'basicConstraints=critical,CA:TRUE,pathlen:0',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ])
  ).stdout;
  await writeNodeFiles(root, [[CLUSTER_FILES.caCert, cert, 0o644]]);
  return { cert, created: true };
}

/** The node key (kept across reruns, so a resumed join presents the same key) and a CSR for it. */
export async function ensureNodeKeyAndCsr(root: string, name: string): Promise<string> {
  if (!readNode(root, CLUSTER_FILES.nodeKey)) await writeNodeFiles(root, [[CLUSTER_FILES.nodeKey, await newKey(), 0o600]]);
  return (await run(['openssl', 'req', '-new', '-key', nodeFile(root, CLUSTER_FILES.nodeKey), '-subj', `/CN=${name}`])).stdout;
}

/** The public key of a CSR after checking its self-signature (proof that the sender holds the key). */
export async function csrPublicKey(csr: string): Promise<string> {
  const r = await run(['openssl', 'req', '-noout', '-verify', '-pubkey'], { input: csr, allowFailure: true });
  if (r.exitCode !== 0) throw new DebvisorError('E_CLUSTER_CSR', 'the certificate request is not valid', { hint: 'the joining node sends a fresh CSR' });
  return r.stdout.slice(r.stdout.indexOf('-----BEGIN PUBLIC KEY-----'));
}

/**
 * Signs a CSR with the cluster CA. The CA decides every field: the subject is the node name and
 * the SANs are its FQDN, name and cluster address; only the public key comes from the CSR.
 */
export async function signNodeCsr(root: string, csr: string, id: NodeIdentity): Promise<string> {
  await csrPublicKey(csr);
  const tmp = mkdtempSync(join(tmpdir(), 'debvisor-ca-'));
  try {
    const ext = join(tmp, 'ext.cnf');
    writeFileSync(
      ext,
      [
        '[node]',
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature',
        'extendedKeyUsage=serverAuth,clientAuth',
        `subjectAltName=DNS:${id.fqdn},DNS:${id.name},IP:${id.address}`,
        '',
      ].join('\n'),
    );
    const r = await run(
      [
        'openssl',
        'x509',
        '-req',
        '-CA',
        nodeFile(root, CLUSTER_FILES.caCert),
        '-CAkey',
        nodeFile(root, CLUSTER_FILES.caKey),
        '-set_serial',
        `0x${randomBytes(16)
          .toString('hex')
          .replace(/^[89a-f]/, '7')}`,
        '-days',
        String(NODE_CERT_DAYS),
        '-sha256',
        '-subj',
        `/CN=${id.name}`,
        '-extfile',
        ext,
        '-extensions',
        'node',
      ],
      { input: csr },
    );
    return r.stdout;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export interface CertInfo {
  subject: string;
  serial: string;
  notAfter: string;
  san: string;
}

export function certInfo(pem: string): CertInfo {
  const c = new X509Certificate(pem);
  return { subject: c.subject, serial: c.serialNumber.toUpperCase(), notAfter: new Date(c.validTo).toISOString(), san: c.subjectAltName ?? '' };
}

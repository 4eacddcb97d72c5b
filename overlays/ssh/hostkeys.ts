import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../core/run.js';
import type { Emitter } from '../../core/events.js';
import { writeFileSet, type RenderedFile } from '../../core/fileset.js';
import { fileUnder, openTargetRoot, readUnder } from '../../core/target-root.js';

/** Host keys DebVisor keeps: ed25519 first, RSA 4096 for old clients. ECDSA and DSA are removed. */
export const HOST_KEY_TYPES = [
  { type: 'ed25519', bits: undefined },
  { type: 'rsa', bits: 4096 },
] as const;
export const REMOVED_HOST_KEYS = ['ecdsa', 'dsa'];

export interface HostKeyInfo {
  type: string;
  path: string;
  fingerprint: string;
}

/** The node path of a host key (its public half adds `.pub`). */
const keyNode = (type: string) => `/etc/ssh/ssh_host_${type}_key`;

const keyFiles = (node: string, priv: string, pub: string): RenderedFile[] => [
  { id: `host-key ${node}`, path: node, content: priv, mode: 0o600, owner: 'root' },
  { id: `host-key ${node}.pub`, path: `${node}.pub`, content: pub, mode: 0o644, owner: 'root' },
];

/** Makes a key pair in a private scratch directory (never in the root) and returns its text. */
async function keygen(type: string, bits: number | undefined, events?: Emitter): Promise<{ priv: string; pub: string }> {
  const scratch = mkdtempSync(join(tmpdir(), 'debvisor-hostkey-'));
  try {
    const f = join(scratch, 'key');
    await run(['ssh-keygen', '-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-C', '', '-f', f], { events, step: 'hostkeys' });
    return { priv: readFileSync(f, 'utf8'), pub: readFileSync(`${f}.pub`, 'utf8') };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The fingerprint of a public key given as text (read from the root without following links). */
async function fingerprintOf(pub: string): Promise<string> {
  return (await run(['ssh-keygen', '-l', '-f', '-'], { input: pub })).stdout.trim();
}

export async function fingerprint(path: string): Promise<string> {
  return fingerprintOf(readFileSync(`${path}.pub`, 'utf8'));
}

/** Makes missing host keys and removes weak kinds; existing good keys are kept. */
export async function generateHostKeys(root: string, events?: Emitter): Promise<HostKeyInfo[]> {
  const real = openTargetRoot(root, { allowSystem: true });
  const files: RenderedFile[] = REMOVED_HOST_KEYS.flatMap((weak) => [keyNode(weak), `${keyNode(weak)}.pub`]).map((path) => ({
    id: `remove ${path}`,
    path,
    content: '',
    mode: 0o600,
    owner: 'root',
    absent: true,
  }));
  const pubs = new Map<string, string>();
  for (const { type, bits } of HOST_KEY_TYPES) {
    const node = keyNode(type);
    if (fileUnder(real, node) && fileUnder(real, `${node}.pub`)) {
      pubs.set(type, readUnder(real, `${node}.pub`)!);
      continue;
    }
    const k = await keygen(type, bits, events);
    files.push(...keyFiles(node, k.priv, k.pub));
    pubs.set(type, k.pub);
  }
  await writeFileSet(real, files, { allowSystem: true, events });
  const out: HostKeyInfo[] = [];
  for (const { type } of HOST_KEY_TYPES) out.push({ type, path: join(real, keyNode(type)), fingerprint: await fingerprintOf(pubs.get(type)!) });
  return out;
}

/** New keys replace the old ones; the old stay beside them as `.previous` for clients to re-pin. */
export async function rotateHostKeys(root: string, events?: Emitter): Promise<{ old: HostKeyInfo[]; new: HostKeyInfo[] }> {
  const old = await generateHostKeys(root, events);
  const real = openTargetRoot(root, { allowSystem: true });
  const files: RenderedFile[] = [];
  const fresh: HostKeyInfo[] = [];
  for (const { type, bits } of HOST_KEY_TYPES) {
    const node = keyNode(type);
    files.push(
      { id: `previous ${node}`, path: `${node}.previous`, content: readUnder(real, node)!, mode: 0o600, owner: 'root' },
      { id: `previous ${node}.pub`, path: `${node}.pub.previous`, content: readUnder(real, `${node}.pub`)!, mode: 0o644, owner: 'root' },
    );
    const k = await keygen(type, bits, events);
    files.push(...keyFiles(node, k.priv, k.pub));
    fresh.push({ type, path: join(real, node), fingerprint: await fingerprintOf(k.pub) });
  }
  await writeFileSet(real, files, { allowSystem: true, events });
  return { old, new: fresh };
}

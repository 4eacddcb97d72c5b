import { existsSync, mkdirSync, renameSync, rmSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../core/run.js';
import type { Emitter } from '../../core/events.js';

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

function keyPath(root: string, type: string): string {
  return join(root, 'etc/ssh', `ssh_host_${type}_key`);
}

async function keygen(path: string, type: string, bits: number | undefined, events?: Emitter): Promise<void> {
  await run(['ssh-keygen', '-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-C', '', '-f', path], { events, step: 'hostkeys' });
  chmodSync(path, 0o600);
  chmodSync(`${path}.pub`, 0o644);
}

export async function fingerprint(path: string): Promise<string> {
  return (await run(['ssh-keygen', '-l', '-f', `${path}.pub`])).stdout.trim();
}

/** Makes missing host keys and removes weak kinds; existing good keys are kept. */
export async function generateHostKeys(root: string, events?: Emitter): Promise<HostKeyInfo[]> {
  mkdirSync(join(root, 'etc/ssh'), { recursive: true });
  for (const weak of REMOVED_HOST_KEYS) {
    rmSync(keyPath(root, weak), { force: true });
    rmSync(`${keyPath(root, weak)}.pub`, { force: true });
  }
  const out: HostKeyInfo[] = [];
  for (const { type, bits } of HOST_KEY_TYPES) {
    const path = keyPath(root, type);
    if (!existsSync(path)) await keygen(path, type, bits, events);
    out.push({ type, path, fingerprint: await fingerprint(path) });
  }
  return out;
}

/** New keys replace the old ones; the old stay beside them as `.previous` for clients to re-pin. */
export async function rotateHostKeys(root: string, events?: Emitter): Promise<{ old: HostKeyInfo[]; new: HostKeyInfo[] }> {
  const old = await generateHostKeys(root, events);
  const fresh: HostKeyInfo[] = [];
  for (const { type, bits } of HOST_KEY_TYPES) {
    const path = keyPath(root, type);
    const tmp = `${path}.new`;
    rmSync(tmp, { force: true });
    rmSync(`${tmp}.pub`, { force: true });
    await keygen(tmp, type, bits, events);
    renameSync(path, `${path}.previous`);
    renameSync(`${path}.pub`, `${path}.pub.previous`);
    renameSync(tmp, path);
    renameSync(`${tmp}.pub`, `${path}.pub`);
    fresh.push({ type, path, fingerprint: await fingerprint(path) });
  }
  return { old, new: fresh };
}

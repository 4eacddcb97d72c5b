import { existsSync, readFileSync } from 'node:fs';
import { writeFileSet } from '../core/fileset.js';
import { nodeFile } from './paths.js';

/** One file the cluster code writes: node path, content, mode (owner is root). */
export type NodeWrite = [path: string, content: string, mode: number];

/** Writes into the node root the one way (staged, no link followed); `/` is allowed: cluster files live on the running node. */
export async function writeNodeFiles(root: string, files: NodeWrite[]): Promise<void> {
  await writeFileSet(
    root,
    files.map(([path, content, mode]) => ({ id: path, path, content, mode, owner: 'root' })),
    { allowSystem: true },
  );
}

export function readNode(root: string, path: string): string | undefined {
  const f = nodeFile(root, path);
  return existsSync(f) ? readFileSync(f, 'utf8') : undefined;
}

export function readNodeJson<T>(root: string, path: string, fallback: T): T {
  const text = readNode(root, path);
  return text === undefined ? fallback : (JSON.parse(text) as T);
}

import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { nodePathParts } from '../core/target-root.js';

/** A node path under a root (no `..` escapes). */
export function at(root: string, path: string): string {
  return join(root, ...nodePathParts(path));
}

/**
 * Writes a file so that a power cut leaves either the old or the new content: a temporary file
 * beside it, created with its final mode (a key is never readable by others, not for a moment),
 * fsynced, renamed over the target, then the directory fsynced so the rename itself is durable.
 */
export function writeAtomic(file: string, content: string | Buffer, mode = 0o644): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const tmp = join(dir, `.${file.slice(dir.length + 1)}.tmp-${process.pid}`);
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const d = openSync(dir, 'r');
  try {
    fsyncSync(d);
  } finally {
    closeSync(d);
  }
}

/** JSON from a file, or undefined when it is missing or torn (an older run's crash cannot stop this one). */
export function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export function writeJson(file: string, value: unknown, mode = 0o600): void {
  writeAtomic(file, `${JSON.stringify(value, null, 2)}\n`, mode);
}

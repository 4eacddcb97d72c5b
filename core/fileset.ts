import { mkdirSync, writeFileSync, chmodSync, chownSync, renameSync } from 'node:fs';
import { dirname, join, isAbsolute, normalize } from 'node:path';
import { DebvisorError } from './errors.js';

/** One file the renderer produces: where it goes, what it holds, who may read it. */
export interface RenderedFile {
  id: string;
  /** Absolute path on the node, for example `/etc/nftables.conf`. */
  path: string;
  content: string;
  mode: number;
  owner: 'root';
  /** The real tool that validates the file; `{}` stands for its path. */
  check?: string[];
}

/** Resolves a node path under a root directory, refusing paths that would escape it. */
export function underRoot(root: string, path: string): string {
  const clean = normalize(path);
  if (!isAbsolute(clean) || clean.split('/').includes('..')) throw new DebvisorError('E_INTERNAL', `refusing to write outside the root: ${path}`);
  return join(root, clean);
}

/** Writes files under root atomically (temp file + rename), with their modes; owner root when we are root. */
export function writeFileSet(root: string, files: RenderedFile[]): string[] {
  const written: string[] = [];
  for (const f of files) {
    const target = underRoot(root, f.path);
    mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
    const tmp = `${target}.debvisor-tmp`;
    // The mode is set at creation: a secret is never world-readable, not even for a moment.
    writeFileSync(tmp, f.content, { mode: f.mode });
    chmodSync(tmp, f.mode);
    if (process.getuid?.() === 0) chownSync(tmp, 0, 0);
    renameSync(tmp, target);
    written.push(target);
  }
  return written;
}

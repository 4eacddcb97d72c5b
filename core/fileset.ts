import { mkdirSync, writeFileSync, chmodSync, chownSync, renameSync, existsSync, readFileSync, rmSync, lstatSync } from 'node:fs';
import { dirname, join, isAbsolute, normalize } from 'node:path';
import { DebvisorError } from './errors.js';

/** One file the renderer produces: where it goes, what it holds, who may read it. */
export interface RenderedFile {
  id: string;
  /** Absolute path on the node, for example `/etc/nftables.conf`. */
  path: string;
  content: string;
  mode: number;
  /** A user name in the target's /etc/passwd; its primary group owns the file too. */
  owner: string;
  /** The real tool that validates the file; `{}` stands for its path. */
  check?: string[];
  /** The file must not exist (a stock file DebVisor replaces, such as nginx's default site). */
  absent?: boolean;
}

/** Resolves a node path under a root directory, refusing paths that would escape it. */
export function underRoot(root: string, path: string): string {
  const clean = normalize(path);
  if (!isAbsolute(clean) || clean.split('/').includes('..')) throw new DebvisorError('E_INTERNAL', `refusing to write outside the root: ${path}`);
  return join(root, clean);
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** uid and gid of a user in the target's /etc/passwd, if it is there. */
export function lookupUser(root: string, name: string): { uid: number; gid: number } | undefined {
  if (name === 'root') return { uid: 0, gid: 0 };
  const passwd = join(root, 'etc/passwd');
  if (!existsSync(passwd)) return undefined;
  const line = readFileSync(passwd, 'utf8').split('\n').find((l) => l.split(':')[0] === name);
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export interface WriteResult {
  written: string[];
  removed: string[];
  /** Files whose owner is not a user of the target yet: written as root, with their mode. */
  ownerMissing: string[];
}

/** Writes files under root atomically (temp file + rename), with their modes and owners. */
export function writeFileSet(root: string, files: RenderedFile[]): WriteResult {
  const result: WriteResult = { written: [], removed: [], ownerMissing: [] };
  const asRoot = process.getuid?.() === 0;
  for (const f of files) {
    const target = underRoot(root, f.path);
    if (f.absent) {
      if (existsSync(target) || isSymlink(target)) {
        rmSync(target);
        result.removed.push(target);
      }
      continue;
    }
    mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
    const tmp = `${target}.debvisor-tmp`;
    // The mode is set at creation: a secret is never world-readable, not even for a moment.
    writeFileSync(tmp, f.content, { mode: f.mode });
    chmodSync(tmp, f.mode);
    const owner = lookupUser(root, f.owner);
    if (!owner) result.ownerMissing.push(target);
    if (asRoot) {
      const id = owner ?? { uid: 0, gid: 0 };
      chownSync(tmp, id.uid, id.gid);
      // A user's own directories (~/.ssh) belong to the user too.
      if (owner && f.owner !== 'root' && f.path.startsWith('/home/')) {
        const dir = dirname(target);
        chownSync(dir, id.uid, id.gid);
        chmodSync(dir, 0o700);
      }
    }
    renameSync(tmp, target);
    result.written.push(target);
  }
  return result;
}

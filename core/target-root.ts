import { accessSync, closeSync, constants, lstatSync, mkdirSync, openSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DebvisorError } from './errors.js';

/**
 * Paths beneath a target root (the system DebVisor writes into, such as /target during an
 * install). A target root is data, not trusted: a symbolic link inside it could point anywhere
 * on this machine, so no path beneath it is ever resolved by following a link.
 */

/** Control characters and quotes shown escaped, so a path cannot forge terminal output. */
export function showPath(p: string): string {
  return JSON.stringify(p);
}

const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

export interface OpenRootOptions {
  /** The root may be this running system (`/`). */
  allowSystem?: boolean;
  /** What to tell a user whose root is `/` and who did not allow it. */
  systemHint?: string;
}

/**
 * Checks a target root before anything is written: it exists, is a directory, can be written,
 * and is not this running system unless that is allowed. Returns its real path.
 */
export function openTargetRoot(root: string, opts: OpenRootOptions = {}): string {
  let real: string;
  try {
    real = realpathSync(root);
  } catch {
    throw new DebvisorError('E_ROOT_MISSING', `the target root ${showPath(root)} does not exist`, {
      hint: 'create the directory (or mount the target system there) first',
    });
  }
  if (!statSync(real).isDirectory()) {
    throw new DebvisorError('E_ROOT_NOT_DIR', `the target root ${showPath(root)} is not a directory`, {
      hint: 'give the directory the target system is mounted on',
    });
  }
  if (real === '/' && !opts.allowSystem) {
    throw new DebvisorError('E_ROOT_IS_SYSTEM', `the target root ${showPath(root)} is this running system; nothing was written`, {
      hint: opts.systemHint ?? 'give the directory of the target system instead',
    });
  }
  try {
    accessSync(real, constants.W_OK);
  } catch (err) {
    const why = errno(err) === 'EROFS' ? 'is on a read-only file system' : 'is not writable';
    throw new DebvisorError('E_ROOT_READ_ONLY', `the target root ${showPath(root)} ${why}; nothing was written`, {
      hint: 'mount it read-write, or run as a user who may write there',
    });
  }
  return real;
}

/** The components of an absolute node path; `..`, NUL and empty paths are refused. */
export function nodePathParts(path: string): string[] {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (!path.startsWith('/') || path.includes('\0') || parts.length === 0 || parts.includes('..')) {
    throw new DebvisorError('E_ROOT_PATH', `refusing the path ${showPath(path)}: not a plain absolute path inside the root`);
  }
  return parts;
}

function linkRefused(path: string): DebvisorError {
  return new DebvisorError('E_ROOT_SYMLINK', `${showPath(path)} is a symbolic link; DebVisor does not follow links inside a target root; nothing was written`, {
    hint: 'a link there could lead outside the root: replace it with a real directory, or use a fresh root',
  });
}

/**
 * The directory `dirParts` beneath `root`, walked one component at a time with lstat: a
 * symbolic link or a non-directory on the way is refused. With `create`, missing directories
 * are made one by one (mode 0755); without, the walk stops at the first missing one and
 * returns undefined.
 */
export function resolveDir(root: string, dirParts: string[], create: boolean): string | undefined {
  let cur = root;
  for (const part of dirParts) {
    const next = join(cur, part);
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(next);
    } catch (err) {
      if (errno(err) !== 'ENOENT') throw err;
      if (!create) return undefined;
      // Not recursive: mkdir does not follow a link that appeared at `next` in the meantime.
      mkdirSync(next, { mode: 0o755 });
      cur = next;
      continue;
    }
    if (st.isSymbolicLink()) throw linkRefused(next);
    if (!st.isDirectory())
      throw new DebvisorError('E_ROOT_NOT_DIR', `${showPath(next)} is not a directory`, { hint: 'move the file away; a directory is needed there' });
    cur = next;
  }
  return cur;
}

/** Where a node path lives beneath the root: its directory (if it exists yet) and its name. */
export function locate(root: string, path: string, create = false): { dir: string | undefined; name: string; full: string } {
  const parts = nodePathParts(path);
  const name = parts.pop()!;
  const dir = resolveDir(root, parts, create);
  return { dir, name, full: join(root, ...parts, name) };
}

/** Reads a file beneath the root without following links; undefined if it is not there. */
export function readUnder(root: string, path: string): string | undefined {
  const { dir, name } = locate(root, path);
  if (!dir) return undefined;
  let fd: number;
  try {
    fd = openSync(join(dir, name), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if (errno(err) === 'ENOENT') return undefined;
    if (errno(err) === 'ELOOP') throw linkRefused(join(dir, name));
    throw err;
  }
  try {
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** Whether a regular file is at this path beneath the root (a link there is refused). */
export function fileUnder(root: string, path: string): boolean {
  const { dir, name } = locate(root, path);
  if (!dir) return false;
  try {
    const st = lstatSync(join(dir, name));
    if (st.isSymbolicLink()) throw linkRefused(join(dir, name));
    return st.isFile();
  } catch (err) {
    if (errno(err) === 'ENOENT') return false;
    throw err;
  }
}

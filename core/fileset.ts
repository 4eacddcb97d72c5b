import { chmodSync, chownSync, copyFileSync, lstatSync, mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { DebvisorError } from './errors.js';
import { inParallel } from './parallel.js';
import { CommandError, run, tail } from './run.js';
import type { Emitter } from './events.js';
import { locate, nodePathParts, openTargetRoot, readUnder, showPath, type OpenRootOptions } from './target-root.js';

/** One file the renderer produces: where it goes, what it holds, who may read it. */
export interface RenderedFile {
  id: string;
  /** Absolute path on the node, for example `/etc/nftables.conf`. */
  path: string;
  content: string;
  mode: number;
  /** A user name in the target's /etc/passwd; its primary group owns the file too. */
  owner: string;
  /**
   * The real tool that validates the file, as argv; `{}` stands for the staged file's path.
   * Exit 0 passes; exit 127 means the tool is missing on this machine and 125 that it cannot
   * judge the file here (another version than the target's): both are reported as unchecked,
   * with the check's own sentence, never as passed. Any other exit refuses the whole set.
   */
  check?: string[];
  /** How the check is named in messages, for example `sshd -t`. */
  checkName?: string;
  /** The file must not exist (a stock file DebVisor replaces, such as nginx's default site). */
  absent?: boolean;
  /** The file's own directory: its mode, and whether it belongs to the file's owner (~/.ssh). */
  dir?: { mode: number; owned?: boolean };
}

/** Exit codes of a check that could not run here (see RenderedFile.check). */
export const CHECK_TOOL_MISSING = 127;
export const CHECK_NOT_HERE = 125;
/** Files are staged in a directory of this name inside the root: same file system, so a move is a rename. */
export const STAGE_PREFIX = '.debvisor-stage-';

/** Resolves a node path under a root directory, refusing paths that would escape it (no link is looked at). */
export function underRoot(root: string, path: string): string {
  return join(root, ...nodePathParts(path));
}

/** uid, gid and home of a user in the target's /etc/passwd, if it is there (read without following links). */
export function lookupUser(root: string, name: string): { uid: number; gid: number; home: string; shell: string } | undefined {
  if (name === 'root') return { uid: 0, gid: 0, home: '/root', shell: '/bin/sh' };
  const line = (readUnder(root, '/etc/passwd') ?? '').split('\n').find((l) => l.split(':')[0] === name);
  if (!line) return undefined;
  const [, , uid, gid, , home, shell] = line.split(':');
  return { uid: Number(uid), gid: Number(gid), home: home ?? '', shell: shell ?? '' };
}

export interface WriteOptions extends OpenRootOptions {
  /** Runs after every check passed, before anything moves into place (accounts, so a user's files get their owner). */
  beforeMove?: () => Promise<void>;
  events?: Emitter;
}

export interface WriteResult {
  /** The real path of the root. */
  root: string;
  written: string[];
  removed: string[];
  /** Files whose owner is not a user of the target yet: written as root, with their mode. */
  ownerMissing: string[];
  /** Files whose check could not run on this machine, and why. */
  unchecked: { path: string; check: string; reason: string }[];
}

const nameOf = (f: RenderedFile) => f.checkName ?? f.check![0]!;

/** Runs a file's check on its staged copy; returns why it could not run, or throws if the file fails it. */
async function runCheck(f: RenderedFile, staged: string, events?: Emitter): Promise<string | undefined> {
  const argv = f.check!.map((a) => (a === '{}' ? staged : a));
  let r: Awaited<ReturnType<typeof run>>;
  try {
    r = await run(argv, { allowFailure: true, events, step: 'check' });
  } catch (err) {
    if (err instanceof CommandError && err.exitCode === undefined) return `${argv[0]} is not installed on this machine`;
    throw err;
  }
  const said = tail(`${r.stdout}\n${r.stderr}`).map((l) => l.split(staged).join(f.path));
  if (r.exitCode === CHECK_TOOL_MISSING) return said.at(-1) ?? `${nameOf(f)}: its tool is not installed on this machine`;
  if (r.exitCode === CHECK_NOT_HERE) return said.at(-1) ?? `${nameOf(f)} cannot judge this file on this machine`;
  if (r.exitCode !== 0) {
    throw new DebvisorError('E_CHECK_FAILED', `${f.path} (${f.id}) does not pass ${nameOf(f)}; nothing in the root was changed`, {
      hint: "the tool's own message follows: fix the profile value it points at",
      details: said,
    });
  }
  return undefined;
}

/** Moves a staged file to its place; across file systems (a separate /home) it is copied next to it first. */
function place(staged: string, target: string): void {
  try {
    renameSync(staged, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    const tmp = `${target}.debvisor-tmp`;
    rmSync(tmp, { force: true });
    copyFileSync(staged, tmp, 0);
    const st = lstatSync(staged);
    chmodSync(tmp, st.mode & 0o7777);
    chownSync(tmp, st.uid, st.gid);
    renameSync(tmp, target);
  }
}

/**
 * The one way to write into a target root: check the root, check every path for links, stage
 * every file in a directory inside the root, run each file's check on its staged copy, and
 * only then move the files into place. A failed check, a link or an unusable root leaves the
 * root as it was.
 */
export async function writeFileSet(root: string, files: RenderedFile[], opts: WriteOptions = {}): Promise<WriteResult> {
  const real = openTargetRoot(root, opts);
  const result: WriteResult = { root: real, written: [], removed: [], ownerMissing: [], unchecked: [] };
  for (const f of files) {
    const { dir, name } = locate(real, f.path);
    if (!dir) continue;
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(join(dir, name));
    } catch {
      continue;
    }
    if (st.isDirectory())
      throw new DebvisorError('E_ROOT_NOT_FILE', `${showPath(join(dir, name))} is a directory; nothing was written`, {
        hint: 'move it away: DebVisor writes a file there',
      });
  }
  const asRoot = process.getuid?.() === 0;
  let stage: string;
  try {
    stage = mkdtempSync(join(real, STAGE_PREFIX));
  } catch (err) {
    throw new DebvisorError('E_ROOT_WRITE', `cannot write into the target root ${showPath(root)}: ${(err as Error).message}`, {
      hint: 'check its file system (space, mount options)',
      cause: err,
    });
  }
  let moving = false;
  try {
    const staged = new Map<RenderedFile, string>();
    for (const f of files) {
      if (f.absent) continue;
      const s = join(stage, ...nodePathParts(f.path));
      mkdirSync(dirname(s), { recursive: true, mode: 0o700 });
      // The mode is set at creation: a secret is never world-readable, not even for a moment.
      writeFileSync(s, f.content, { mode: f.mode, flag: 'wx' });
      chmodSync(s, f.mode);
      staged.set(f, s);
    }
    // The checks are separate processes over separate staged files: as many at once as there
    // are CPUs (an install under emulation spent seconds on them one by one). The first file
    // that fails, in the set's order, is the one reported, as when they ran in turn.
    const checked = files.filter((f) => f.check && !f.absent);
    const outcomes = await inParallel(checked, availableParallelism(), (f) => runCheck(f, staged.get(f)!, opts.events));
    for (const [i, o] of outcomes.entries()) {
      if (o.status === 'rejected') throw o.reason;
      if (o.value !== undefined) result.unchecked.push({ path: checked[i]!.path, check: nameOf(checked[i]!), reason: o.value });
    }
    await opts.beforeMove?.();
    moving = true;
    for (const f of files) {
      if (f.absent) {
        const { dir, name } = locate(real, f.path);
        if (!dir) continue;
        try {
          unlinkSync(join(dir, name));
          result.removed.push(join(dir, name));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
        continue;
      }
      const { dir, name } = locate(real, f.path, true);
      const target = join(dir!, name);
      const owner = lookupUser(real, f.owner);
      if (!owner) result.ownerMissing.push(target);
      const s = staged.get(f)!;
      if (asRoot) {
        const id = owner ?? { uid: 0, gid: 0 };
        chownSync(s, id.uid, id.gid);
        chmodSync(s, f.mode);
        if (f.dir?.owned && owner) chownSync(dir!, id.uid, id.gid);
      }
      if (f.dir) chmodSync(dir!, f.dir.mode);
      place(s, target);
      result.written.push(target);
    }
  } catch (err) {
    if (err instanceof DebvisorError) throw err;
    const e = err as Error;
    throw new DebvisorError('E_ROOT_WRITE', `writing into ${showPath(root)} failed: ${e.message}`, {
      hint: moving ? 'some files may already be in place: fix the cause and render again' : 'nothing in the root was changed',
      cause: err,
    });
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  return result;
}

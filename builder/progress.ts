import { readFileSync, readdirSync, readlinkSync, lstatSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where a long command is, read from its output. */
export interface ProgressUpdate {
  /** 0..1 of the current step, when known. */
  fraction?: number;
  message: string;
}

/**
 * Reads live-build's, mmdebstrap's, apt's and xorriso's output line by line: apt's package count ("N newly
 * installed") and its "Setting up" lines, xorriso's "% done" lines, and live-build's "P: Begin
 * ..." step messages. One parser per command; pure, so captured logs test it.
 */
export function createProgressParser(): (line: string) => ProgressUpdate | undefined {
  let total = 0;
  let done = 0;
  return (raw: string) => {
    // Progress bars rewrite their line with carriage returns: the last part is the current one.
    const line =
      raw
        .split('\r')
        .filter((p) => p.trim() !== '')
        .at(-1)
        ?.trim() ?? '';
    let m = /^(\d+) upgraded, (\d+) newly installed/.exec(line);
    if (m) {
      total = Number(m[1]) + Number(m[2]);
      done = 0;
      return { fraction: 0, message: `installing packages: 0/${total}` };
    }
    m = /^Setting up ([^\s:]+)(?::\S+)? \(/.exec(line);
    if (m && total > 0) {
      done = Math.min(done + 1, total);
      return { fraction: done / total, message: `installing packages: ${done}/${total} (${m[1]})` };
    }
    m = /^xorriso : UPDATE :\s+([\d.]+)% done/.exec(line) ?? /^\s*([\d.]+)% done, estimate finish/.exec(line);
    if (m) return { fraction: Math.min(Number(m[1]) / 100, 1), message: `writing the ISO (xorriso): ${Math.round(Number(m[1]))}%` };
    // mmdebstrap's phases.
    m = /^I: ((?:running|downloading|extracting|installing|cleaning) .*?)\.*$/.exec(line);
    if (m) return { message: `mmdebstrap: ${m[1]}` };
    m = /^P: (Begin .*?)\.*$/.exec(line);
    if (m) return { message: m[1]!.replace(/^Begin /, '').replace(/^./, (c) => c.toLowerCase()) };
    return undefined;
  };
}

/** Bytes of the regular files under `dir` (not following links, not crossing into mounts' contents). */
export function treeBytes(dir: string): number {
  let total = 0;
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      try {
        const st = lstatSync(p);
        if (st.isDirectory()) walk(p);
        else if (st.isFile()) total += st.size;
      } catch {
        // gone meanwhile
      }
    }
  };
  walk(dir);
  return total;
}

/** The bytes a process has read so far (/proc/<pid>/io, all its threads). */
export function readBytes(io: string): number | undefined {
  const m = /^rchar: (\d+)$/m.exec(io);
  return m ? Number(m[1]) : undefined;
}

/**
 * mksquashfs prints no progress when its input is not a terminal (live-build adds -no-progress
 * then), so its progress is measured instead: the bytes it has read against the size of the
 * tree it packs. Looks for mksquashfs processes whose root or working directory is under `tree`.
 */
export function squashfsProgress(tree: string, totalBytes: number, proc = '/proc'): number | undefined {
  if (totalBytes <= 0) return undefined;
  const root = resolve(tree);
  for (const pid of readdirSync(proc).filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(join(proc, pid, 'comm'), 'utf8').trim() !== 'mksquashfs') continue;
      const where = [readlinkSync(join(proc, pid, 'root')), readlinkSync(join(proc, pid, 'cwd'))];
      if (!where.some((w) => w === root || w.startsWith(`${root}/`))) continue;
      const bytes = readBytes(readFileSync(join(proc, pid, 'io'), 'utf8'));
      if (bytes !== undefined) return Math.min(bytes / totalBytes, 0.99);
    } catch {
      // the process ended meanwhile
    }
  }
  return undefined;
}

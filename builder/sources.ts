import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Source folders that make up the `debvisor` tool (and so the .deb). */
export const TOOL_SOURCES = [
  'bin',
  'cli',
  'core',
  'profiles',
  'overlays',
  'builder',
  'installer',
  'firstboot',
  'cluster',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
];

function walk(root: string, path: string, out: string[]): void {
  const full = join(root, path);
  if (!existsSync(full)) return;
  if (statSync(full).isDirectory()) {
    for (const name of readdirSync(full).sort()) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      walk(root, join(path, name), out);
    }
  } else out.push(path);
}

/** Every file under the given paths, sorted, relative to root. */
export function listFiles(root: string, paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) walk(root, p, out);
  return out.sort();
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** One hash over names and contents: the key of a set of input files. */
export function hashFiles(root: string, paths: string[]): string {
  const h = createHash('sha256');
  for (const f of listFiles(root, paths)) {
    h.update(relative(root, join(root, f)));
    h.update('\0');
    h.update(readFileSync(join(root, f)));
    h.update('\0');
  }
  return h.digest('hex');
}

export function fileSha256(path: string): string {
  return sha256(readFileSync(path));
}

import { copyFileSync, existsSync, linkSync, rmSync, statSync } from 'node:fs';

/**
 * Puts `src` at `dst` as a hard link when both are on one filesystem (no copy of a 500 MB ISO,
 * and its hash is known by its inode), a copy otherwise; nothing when `dst` is already `src`.
 * Safe for live-build's outputs: `lb clean --binary` unlinks them before they are made again,
 * so the linked release file is never written over.
 */
export function placeFile(src: string, dst: string): 'same' | 'linked' | 'copied' {
  const s = statSync(src);
  if (existsSync(dst)) {
    const d = statSync(dst);
    if (d.ino === s.ino && d.dev === s.dev) return 'same';
    rmSync(dst, { force: true });
  }
  try {
    linkSync(src, dst);
    return 'linked';
  } catch {
    copyFileSync(src, dst);
    return 'copied';
  }
}

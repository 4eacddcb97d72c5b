import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildResult } from '../../../builder/build.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const LOCK = join(repo, 'cache/e2e-build.lock');
/** Bound on waiting for another test process's build (a cold build takes 5 to 10 minutes here, the reproducible test about 6). */
const WAIT_MS = 2_400_000;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * `fn` with the shared build cache to itself. The e2e files run in two processes at once
 * (scripts/test.sh): one build at a time, so the second finds every stage cached instead of
 * building beside the first in the same work directory, and the reproducible build's added include
 * is never seen by another file's build. The lock is a directory holding its owner's pid; one left
 * by a dead process is taken over.
 */
export async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  mkdirSync(join(repo, 'cache'), { recursive: true });
  const until = Date.now() + WAIT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = 0;
      try {
        owner = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
      } catch {
        /* being made or removed right now: look again */
      }
      if (owner > 0 && !alive(owner)) rmSync(LOCK, { recursive: true, force: true });
      else if (Date.now() > until)
        throw new Error(`another test process (pid ${owner || 'unknown'}) has been building the ISO for over ${WAIT_MS / 60_000} minutes (${LOCK})`);
      else await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** The default spec (iso/build.yaml) into out/ with the shared cache, as `npm run iso` leaves it. */
export function defaultBuild(): Promise<BuildResult> {
  return withBuildLock(() => build({ repo, spec: join(repo, 'iso/build.yaml'), out: join(repo, 'out') }));
}

/**
 * How many QEMU guests one e2e file runs at once: two on this machine's two cores when the file
 * runs alone, one when scripts/test.sh runs the full install beside it (DEBVISOR_E2E_GUESTS=1).
 */
export const GUESTS_AT_ONCE = Math.max(1, Number(process.env.DEBVISOR_E2E_GUESTS) || 2);

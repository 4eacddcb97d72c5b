import type { ResultPromise } from 'execa';

/** Stops a process a test started (SIGTERM by its own PID) and waits for it to end. */
export async function stopProcess(p: ResultPromise | undefined): Promise<void> {
  if (!p?.pid) return;
  try {
    process.kill(p.pid, 'SIGTERM');
  } catch {
    /* gone */
  }
  await p.catch(() => undefined);
}

/** Polls `probe` until it holds, at most `ms`; then fails naming what did not come up. */
export async function waitUntilUp(what: string, probe: () => Promise<boolean>, ms: number, pollMs: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`${what} did not come up within ${ms} ms`);
}

import type { ResultPromise } from 'execa';

/** Stops a process a test started: SIGTERM by its own PID, SIGKILL if it has not ended within `boundMs`. */
export async function stopProcess(p: ResultPromise | undefined, boundMs = 10_000): Promise<void> {
  if (p?.pid === undefined) return;
  const pid = p.pid;
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(pid, s);
    } catch {
      /* gone */
    }
  };
  signal('SIGTERM');
  const ended = await Promise.race([
    p.then(
      () => true,
      () => true,
    ),
    new Promise<false>((r) => setTimeout(() => r(false), boundMs).unref()),
  ]);
  if (!ended) signal('SIGKILL');
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

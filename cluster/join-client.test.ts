import { describe, it, expect } from 'vitest';
import { createServer } from 'node:net';
import { fetchPinnedCa } from './join-client.js';

const PIN = `sha256:${'0'.repeat(64)}`;

describe('the join client before anything is sent', () => {
  it('an endpoint that does not answer is a retryable failure about that remote', async () => {
    // A port that was just free: nothing listens there.
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    await expect(fetchPinnedCa(`https://127.0.0.1:${port}`, PIN)).rejects.toMatchObject({
      code: 'E_JOIN_UNREACHABLE',
      retryable: true,
      remote: `cluster:https://127.0.0.1:${port}`,
    });
  });
  it('a server that speaks no TLS is retryable too (it may be starting)', async () => {
    const srv = createServer((s) => s.end('HTTP/1.0 200 OK\r\n\r\n'));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    try {
      await expect(fetchPinnedCa(`https://127.0.0.1:${port}`, PIN)).rejects.toMatchObject({ code: 'E_JOIN_UNREACHABLE', retryable: true });
    } finally {
      srv.close();
    }
  });
});

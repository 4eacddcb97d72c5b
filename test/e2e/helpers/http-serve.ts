import { createServer, type Server } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { AddressInfo } from 'node:net';

export interface StaticServer {
  port: number;
  /** Paths asked for, after dot-segment removal, with the status answered. */
  requests: { path: string; status: number }[];
  close(): Promise<void>;
}

/**
 * Serves a directory over HTTP on 127.0.0.1, as nginx or python's http.server would: the request
 * path has its dot segments removed (RFC 3986) and may not leave the directory.
 */
export async function serveDirectory(dir: string): Promise<StaticServer> {
  const requests: StaticServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    const raw = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const path = posix.normalize(raw);
    let status = 404;
    try {
      if (!path.startsWith('/') || path.includes('\0')) throw new Error('bad path');
      const file = join(dir, path);
      const st = statSync(file);
      if (st.isFile()) {
        status = 200;
        res.writeHead(200, { 'content-length': st.size, 'content-type': 'application/octet-stream' });
        if (req.method === 'HEAD') res.end();
        else createReadStream(file).pipe(res);
      }
    } catch {
      /* 404 below */
    }
    requests.push({ path, status });
    if (status !== 200) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

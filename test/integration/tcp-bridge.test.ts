import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { serveDirectory, type StaticServer } from '../e2e/helpers/http-serve.js';
import { TCP_BRIDGE } from '../e2e/helpers/qemu.js';

/**
 * The e2e's guests reach the host's servers through QEMU's guestfwd, which runs the bridge with
 * a socket pair for stdin/stdout and reads it at the emulated guest's pace. A large download (the
 * live system's squashfs by PXE) must arrive whole: the bridge once exited at the server's close
 * with the last tens of KB still in its stdout, and live-boot stopped ("Unable to find a live
 * file system on the network").
 */
const SIZE = 64 * 1024 * 1024;
let dir: string;
let http: StaticServer;
let digest: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-bridge-'));
  const data = randomBytes(SIZE);
  digest = createHash('sha256').update(data).digest('hex');
  writeFileSync(join(dir, 'big.bin'), data);
  http = await serveDirectory(dir);
});
afterAll(async () => {
  await http?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One HTTP/1.0 GET through the bridge, read slowly as a guest under TCG does; the body's size and digest. */
function slowGet(path: string): Promise<{ code: number | null; bytes: number; sha256: string }> {
  return new Promise((resolve, reject) => {
    // stdio pipes of a child are a socket pair here, as QEMU gives guestfwd's command.
    const child = spawn(process.execPath, [TCP_BRIDGE, String(http.port)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => {
      chunks.push(c);
      // A slow reader: the bridge's stdout fills while the server has long finished sending.
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 1);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const all = Buffer.concat(chunks);
      const body = all.subarray(all.indexOf('\r\n\r\n') + 4);
      resolve({ code, bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') });
    });
    child.stdin.write(`GET ${path} HTTP/1.0\r\nHost: guest\r\n\r\n`);
  });
}

describe('the guestfwd bridge', () => {
  it('hands a large download over whole to a slow reader, then exits 0', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await slowGet('/big.bin');
      expect(r).toEqual({ code: 0, bytes: SIZE, sha256: digest });
    }
  });
});

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildResult } from '../../builder/build.js';
import { bootAndWatch, GUEST_HTTP } from './helpers/qemu.js';
import { defaultBuild } from './helpers/default-build.js';
import { serveDirectory, type StaticServer } from './helpers/http-serve.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
/** iPXE, kernel and initrd over HTTP, then the squashfs into RAM, then the live boot under TCG. */
const BOOT_TIMEOUT_MS = 360_000;

let built: BuildResult;
let dir: string;
let http: StaticServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-pxe-'));
  // The default spec with the shared cache: after the ISO tests this reuses every stage.
  built = await defaultBuild();
  http = await serveDirectory(join(repo, 'out/netboot'));
}, 3_000_000);

afterAll(async () => {
  await http?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('network boot', () => {
  it(
    "QEMU's own iPXE (older than ${cwduri}) chains boot.ipxe over HTTP and the live system fetches its squashfs",
    async () => {
      expect(built.report.stages.some((s) => s.name === 'netboot')).toBe(true);
      const r = await bootAndWatch(
        join(repo, 'out/netboot'),
        'bios',
        'pxe',
        dir,
        [
          // iPXE prints on the screen only; the kernel's command line shows the URL it chose.
          new RegExp(`fetch=http://${GUEST_HTTP.replace(/\./g, '\\.')}/boot\\.ipxe/\\.\\./filesystem\\.squashfs`),
          /DebVisor live system, boot mode: install/,
          /login:/,
        ],
        BOOT_TIMEOUT_MS,
        http.port,
      );
      const asked = http.requests.map((q) => `${q.status} ${q.path}`).join('\n');
      expect(r.matched, `after ${r.seconds} s; HTTP requests:\n${asked}\nserial console:\n${r.serial.slice(-3000)}`).toBe(true);
      for (const f of ['/boot.ipxe', '/vmlinuz', '/initrd.img', '/filesystem.squashfs']) expect(asked).toContain(`200 ${f}`);
    },
    BOOT_TIMEOUT_MS + 60_000,
  );
});

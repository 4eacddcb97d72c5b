import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { PrivateApt, type IndexedPackage } from '../../builder/debian-apt.js';
import { fileSha256 } from '../../builder/sources.js';
import { serveDirectory, type StaticServer } from '../e2e/helpers/http-serve.js';

/**
 * The kernel source comes through a private apt that checks Debian's signature and hashes. A
 * mirror on loopback holds Debian's real signed trixie index and, at a package's pool path,
 * first a tampered copy, then the real one.
 */
const DEBIAN = 'http://deb.debian.org/debian';
const SUITE = 'trixie';
let dir: string;
let mirror: string;
let http: StaticServer;
let hello: IndexedPackage;
let realDeb: string;

const fetch = (url: string, to: string) => {
  mkdirSync(dirname(to), { recursive: true });
  return execa('curl', ['-fsSL', '--retry', '3', '-o', to, url]);
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-apt-'));
  mirror = join(dir, 'mirror');
  const index = `dists/${SUITE}/main/binary-amd64/Packages.xz`;
  await fetch(`${DEBIAN}/dists/${SUITE}/InRelease`, join(mirror, `dists/${SUITE}/InRelease`));
  await fetch(`${DEBIAN}/${index}`, join(mirror, index));
  // apt asks by hash when the Release file offers it.
  const byHash = join(mirror, `dists/${SUITE}/main/binary-amd64/by-hash/SHA256`, fileSha256(join(mirror, index)));
  mkdirSync(dirname(byHash), { recursive: true });
  copyFileSync(join(mirror, index), byHash);
  http = await serveDirectory(mirror);
  const apt = new PrivateApt(`http://127.0.0.1:${http.port}`, SUITE, join(dir, 'work'));
  await apt.update();
  hello = (await apt.versions('hello'))[0]!;
  realDeb = join(dir, 'hello-real.deb');
  await fetch(`${DEBIAN}/${hello.filename}`, realDeb);
}, 300_000);

afterAll(async () => {
  await http?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Debian packages through a private apt', () => {
  it('reads versions, file and SHA-256 from the signed index', () => {
    expect(hello.version).toMatch(/^\d/);
    expect(hello.filename).toMatch(/^pool\/main\/h\/hello\/hello_.*_amd64\.deb$/);
    expect(hello.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(fileSha256(realDeb)).toBe(hello.sha256);
  });

  it('refuses a tampered package and leaves nothing behind', async () => {
    const bytes = readFileSync(realDeb);
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
    mkdirSync(dirname(join(mirror, hello.filename)), { recursive: true });
    writeFileSync(join(mirror, hello.filename), bytes);
    const dest = join(dir, 'dest-tampered');
    const apt = new PrivateApt(`http://127.0.0.1:${http.port}`, SUITE, join(dir, 'work'));
    await expect(apt.download([hello], dest)).rejects.toMatchObject({
      code: 'E_APT_VERIFY',
      message: expect.stringContaining('apt refused to download hello'),
    });
    expect(readdirSync(dest).filter((f) => f.endsWith('.deb'))).toEqual([]);
  });

  it('takes the real package, and keeps a cached copy only while it matches the index', async () => {
    copyFileSync(realDeb, join(mirror, hello.filename));
    const dest = join(dir, 'dest-real');
    const apt = new PrivateApt(`http://127.0.0.1:${http.port}`, SUITE, join(dir, 'work'));
    const [path] = await apt.download([hello], dest);
    expect(fileSha256(path!)).toBe(hello.sha256);
    // A cached file that was changed on disk is fetched again, not trusted.
    writeFileSync(path!, 'not a package');
    const asked = http.requests.length;
    await apt.download([hello], dest);
    expect(fileSha256(path!)).toBe(hello.sha256);
    expect(http.requests.length).toBeGreaterThan(asked);
  });

  it('refuses an index that does not match the signed Release file', async () => {
    const index = join(mirror, `dists/${SUITE}/main/binary-amd64/Packages.xz`);
    const forged = join(dir, 'forged');
    writeFileSync(forged, `Package: hello\nVersion: 99\nArchitecture: amd64\nFilename: ${hello.filename}\nSHA256: ${'0'.repeat(64)}\n\n`);
    await execa('xz', ['-f', forged]);
    copyFileSync(`${forged}.xz`, index);
    const byHashDir = join(mirror, `dists/${SUITE}/main/binary-amd64/by-hash/SHA256`);
    for (const f of readdirSync(byHashDir)) copyFileSync(`${forged}.xz`, join(byHashDir, f));
    const apt = new PrivateApt(`http://127.0.0.1:${http.port}`, SUITE, join(dir, 'work-forged'));
    await expect(apt.update()).rejects.toMatchObject({ code: 'E_APT_VERIFY' });
    expect(existsSync(join(dir, 'work-forged/apt/lists'))).toBe(true);
    expect(await apt.versions('hello')).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { silentEmitter } from '../../core/events.js';
import { startAnswerServer, type RunningAnswerServer } from '../../installer/unattended/answer-server.js';
import { fetchProfile } from '../../installer/unattended/fetch-pinned.js';
import { makeTestCert } from './helpers/test-cert.js';

/**
 * `debvisor profile serve` and the installer's pinned client, both real, on loopback: a
 * certificate made by openssl, the facts of a recorded machine POSTed, the profile chosen by
 * UUID, serial, MAC or default; a wrong pin is refused before a byte of the request is sent
 * (a bare TLS server records what it received).
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
let server: RunningAnswerServer;

const facts = (over: object = {}) =>
  JSON.stringify({
    factsVersion: 1,
    nics: [
      { name: 'eno1', mac: '3c:ec:ef:10:20:01', link: true },
      { name: 'eno2', mac: '3c:ec:ef:10:20:02', link: false },
    ],
    dmi: { serial: 'SN-42', uuid: '4C4C4544-0042-3510-8051-B7C04F4E3232' },
    ...over,
  });

const makeCert = (name: string) => makeTestCert(dir, name);

async function opensslPin(cert: string): Promise<string> {
  const { stdout } = await execa('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', cert]);
  return stdout.split('=')[1]!.replace(/:/g, '').toLowerCase();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-answers-'));
  const answers = join(dir, 'answers');
  mkdirSync(answers);
  writeFileSync(join(answers, 'default.yaml'), 'which: default\n');
  writeFileSync(join(answers, 'mac-3c-ec-ef-10-20-02.yaml'), 'which: mac\n');
  writeFileSync(join(answers, 'serial-SN-42.yaml'), 'which: serial\n');
  writeFileSync(join(answers, 'uuid-4c4c4544-0042-3510-8051-b7c04f4e3232.yaml'), 'which: uuid\n');
  writeFileSync(join(answers, 'uuid-4c4c4544-0042-3510-8051-b7c04f4e3232.yaml.sig'), '-----BEGIN SSH SIGNATURE-----\nX\n-----END SSH SIGNATURE-----\n');
  copyFileSync(join(repo, 'profiles/examples/standalone.yaml'), join(answers, 'unused.yaml'));
  const { cert, key } = await makeCert('answers');
  server = await startAnswerServer({ dir: answers, host: '127.0.0.1', port: 0, cert, key, events: silentEmitter });
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('profile serve and the pinned client', () => {
  it('prints the pin openssl computes for the certificate', async () => {
    expect(server.pin).toBe(`sha256:${await opensslPin(join(dir, 'answers.pem'))}`);
  });

  it('answers by DMI UUID, then serial, then MAC, then default, with the signature when there is one', async () => {
    const pin = server.pin.slice('sha256:'.length);
    const url = `https://127.0.0.1:${server.port}/`;
    const byUuid = await fetchProfile(url, facts(), { pin });
    expect(byUuid.body).toBe('which: uuid\n');
    expect(byUuid.signature).toContain('BEGIN SSH SIGNATURE');
    expect((await fetchProfile(url, facts({ dmi: { serial: 'SN-42' } }), { pin })).body).toBe('which: serial\n');
    const macOnly = await fetchProfile(url, facts({ dmi: {} }), { pin });
    expect(macOnly).toEqual({ body: 'which: mac\n', signature: undefined });
    expect((await fetchProfile(url, facts({ dmi: {}, nics: [] }), { pin })).body).toBe('which: default\n');
  });

  it('refuses facts that are not facts', async () => {
    const pin = server.pin.slice('sha256:'.length);
    await expect(fetchProfile(`https://127.0.0.1:${server.port}/`, '{"disks": 5}', { pin })).rejects.toThrow(/answered 400: the facts are not valid/);
  });

  it('without a pin the certificate must chain to a trusted CA (a self-signed one does not)', async () => {
    await expect(fetchProfile(`https://127.0.0.1:${server.port}/`, facts(), { pin: undefined })).rejects.toThrow(/cannot connect: self-signed certificate/);
  });

  it('a wrong pin is refused on the handshake: the server receives no byte of the request', async () => {
    // A bare TLS server that records every byte a client sends after the handshake.
    const { cert, key } = await makeCert('impostor');
    const { readFileSync } = await import('node:fs');
    const received: Buffer[] = [];
    let connections = 0;
    const impostor: Server = createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (sock) => {
      sock.on('data', (c: Buffer) => received.push(c));
      sock.on('error', () => {});
    });
    impostor.on('connection', () => connections++);
    impostor.on('tlsClientError', () => {});
    await new Promise<void>((r) => impostor.listen(0, '127.0.0.1', () => r()));
    const port = (impostor.address() as { port: number }).port;
    try {
      const rightPinForOther = server.pin.slice('sha256:'.length);
      await expect(fetchProfile(`https://127.0.0.1:${port}/`, facts(), { pin: rightPinForOther })).rejects.toThrow(
        new RegExp(`is not the pinned one \\(sha256:${rightPinForOther}\\); nothing was sent`),
      );
      // Give any stray bytes time to arrive.
      await new Promise((r) => setTimeout(r, 300));
      expect(connections).toBe(1);
      expect(Buffer.concat(received).length).toBe(0);
      // The same server with its own pin gets the request (so the recorder does record).
      await expect(fetchProfile(`https://127.0.0.1:${port}/`, facts(), { pin: await opensslPin(cert), timeoutMs: 1500 })).rejects.toThrow();
      expect(Buffer.concat(received).toString()).toMatch(/^POST \/ HTTP\/1.1/);
    } finally {
      await new Promise((r) => impostor.close(r));
    }
  });
});

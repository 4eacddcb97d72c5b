import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordingRunner } from '../fixtures/recording-runner.js';
import type { ApplyContext } from '../../installer/apply/context.js';
import { runInstall, type RunInstallOptions } from '../../installer/run/run-install.js';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../../installer/progress/signature.js';
import { webhookSink } from '../../installer/progress/webhook.js';
import { makeLoopbackTls, type LoopbackTls } from './helpers/loopback-tls.js';

/**
 * The progress webhook against a real HTTPS receiver on loopback (node:https, a certificate made
 * by openssl and trusted through the installer's CA option only): signatures checked as a
 * receiver would, retries seen, and a receiver that never answers does not slow the install.
 */
const BASE = fileURLToPath(new URL('../fixtures/profiles/base.yaml', import.meta.url));
const FACTS = fileURLToPath(new URL('../fixtures/facts/one-disk.json', import.meta.url));
const SECRET = 'whsec-integration-7c1e5b-do-not-leak';
const DISK = { path: '/dev/nvme0n1', sizeBytes: 1000204886016, serial: 'S5GXNF0R100123' };

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  at: number;
}

type Mode = { kind: 'ok' } | { kind: 'fail-first'; n: number; status: number } | { kind: 'hang' };

let tls: LoopbackTls;
let dir: string;
let server: Server;
let port: number;
let mode: Mode = { kind: 'ok' };
let received: Received[] = [];
const attempts = new Map<string, number>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-webhook-'));
  tls = makeLoopbackTls(dir);
  server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      if (mode.kind === 'hang') return; // never answers; the client's timeout or the end of the install cuts it
      const id = String(req.headers[DELIVERY_HEADER.toLowerCase()]);
      const n = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, n);
      if (mode.kind === 'fail-first' && n <= mode.n) res.writeHead(mode.status).end('not now');
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  try {
    server?.closeAllConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  } finally {
    // Also when the server never started.
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});
const temps: string[] = [];
afterEach(() => {
  mode = { kind: 'ok' };
  received = [];
  attempts.clear();
  server.closeAllConnections();
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}

function profile(extra = '', webhook = true): string {
  const file = join(tmp('debvisor-webhook-profile-'), 'profile.yaml');
  const hook = webhook ? `  progress:\n    webhook: { url: "https://127.0.0.1:${port}/hook", secret: "${SECRET}" }\n` : '';
  writeFileSync(file, `version: 1\nextends: ${BASE}\ninstall:\n${hook}${extra}`);
  return file;
}

function options(profilePath: string, over: Partial<RunInstallOptions> = {}): RunInstallOptions & { logDir: string } {
  const rec = recordingRunner([DISK]);
  return {
    profilePath,
    factsPath: FACTS,
    consoles: [],
    bundleDirs: [tmp('debvisor-webhook-bundle-')],
    logDir: tmp('debvisor-webhook-log-'),
    webhookCa: tls.ca,
    run: rec.runner,
    ...over,
  };
}

function smallApply(): Partial<RunInstallOptions> {
  const createAccounts: ApplyContext['createAccounts'] = async (c) => void (await c.run(['(accounts)'], { step: 'create-accounts' }));
  const renderDefaults: ApplyContext['renderDefaults'] = async (c) => void (await c.run(['(render)'], { step: 'render-defaults' }));
  // Each recorded command takes 5 ms, so the apply takes a measurable while of its own.
  return {
    target: tmp('debvisor-webhook-target-'),
    squashfs: fileURLToPath(import.meta.url),
    createAccounts,
    renderDefaults,
    run: recordingRunner([DISK], undefined, 5).runner,
  };
}

const bodies = () =>
  received.map(
    (r) => JSON.parse(r.body) as { install: string; seq: number; time: string; level: string; message: string; step?: string; data?: { kind?: string } },
  );

describe('the progress webhook, over HTTPS on loopback', () => {
  it('POSTs every event, in order, signed with HMAC-SHA256 of the body; delivery id and timestamp match the signed body', async () => {
    const r = await runInstall(options(profile(), { dryRun: true }));
    expect(r.ok).toBe(true);
    const got = bodies();
    expect(got.length).toBeGreaterThanOrEqual(4);
    expect(got.map((b) => b.seq)).toEqual(got.map((_, i) => i + 1));
    expect(new Set(got.map((b) => b.install)).size).toBe(1);
    // The events from before the webhook was known (the profile had to be valid first) are sent too.
    expect(got[0]!.message).toMatch(/^DebVisor installer /);
    expect(got.map((b) => b.message)).toEqual(expect.arrayContaining(['profile valid: pve1', 'dry run: nothing was touched']));
    expect(got.every((b) => b.level !== 'debug')).toBe(true);
    for (const [i, rcv] of received.entries()) {
      const sig = rcv.headers[SIGNATURE_HEADER.toLowerCase()] as string;
      expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(verifySignature(SECRET, rcv.body, sig)).toBe(true);
      expect(verifySignature('a-wrong-secret', rcv.body, sig)).toBe(false);
      expect(rcv.headers[DELIVERY_HEADER.toLowerCase()]).toBe(`${got[i]!.install}/${got[i]!.seq}`);
      expect(Number(rcv.headers[TIMESTAMP_HEADER.toLowerCase()])).toBe(Math.floor(Date.parse(got[i]!.time) / 1000));
      expect(rcv.headers['content-type']).toBe('application/json');
      expect(rcv.headers['user-agent']).toMatch(/^debvisor-installer\//);
      expect(rcv.body).not.toContain(SECRET);
    }
  });

  it('a refused plan: the failure event reaches the receiver, signed, with the step and problems', async () => {
    const r = await runInstall(options(profile('  disks:\n    match: { minSize: 4T }\n'), { dryRun: true }));
    expect(r.failure?.step).toBe('plan');
    const fail = bodies().find((b) => b.level === 'error');
    expect(fail).toMatchObject({ step: 'plan', code: 'E_PLAN_REFUSED', data: { kind: 'result', ok: false } });
    expect(received.every((x) => verifySignature(SECRET, x.body, x.headers[SIGNATURE_HEADER.toLowerCase()] as string))).toBe(true);
  });

  it('retries a failing receiver with backoff: the same signed body again, until it is taken', async () => {
    mode = { kind: 'fail-first', n: 2, status: 503 };
    const o = options(profile(), { dryRun: true, webhookTuning: { backoff: { baseMs: 20, capMs: 200 } }, webhookFlushMs: 10_000 });
    const r = await runInstall(o);
    expect(r.ok).toBe(true);
    const byId = new Map<string, Received[]>();
    for (const x of received) {
      const id = String(x.headers[DELIVERY_HEADER.toLowerCase()]);
      byId.set(id, [...(byId.get(id) ?? []), x]);
    }
    expect(byId.size).toBeGreaterThanOrEqual(4);
    for (const tries of byId.values()) {
      expect(tries).toHaveLength(3);
      expect(new Set(tries.map((t) => t.body)).size).toBe(1);
      expect(new Set(tries.map((t) => t.headers[SIGNATURE_HEADER.toLowerCase()])).size).toBe(1);
    }
    const log = readFileSync(join(o.logDir, 'install.log'), 'utf8');
    expect(log).toMatch(new RegExp(`webhook: ${byId.size} of ${byId.size} events delivered, ${byId.size * 2} retries, 0 failed, 0 dropped`));
  });

  it('does not retry a refusal (401): the event is given up at once, the install goes on', async () => {
    mode = { kind: 'fail-first', n: 1000, status: 401 };
    const o = options(profile(), { dryRun: true });
    expect((await runInstall(o)).ok).toBe(true);
    const ids = received.map((x) => x.headers[DELIVERY_HEADER.toLowerCase()]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(readFileSync(join(o.logDir, 'install.log'), 'utf8')).toMatch(/webhook: 0 of \d+ events delivered, 0 retries, \d+ failed.*answered 401/);
  });

  it('verifies the certificate: without the test CA nothing is delivered (and the install goes on)', async () => {
    const o = options(profile(), { dryRun: true, webhookCa: undefined, webhookFlushMs: 1500 });
    expect((await runInstall(o)).ok).toBe(true);
    expect(received).toEqual([]);
    expect(readFileSync(join(o.logDir, 'install.log'), 'utf8')).toMatch(/webhook: 0 of \d+ events delivered.*last error: .*(certificate|issuer)/);
  });

  it('a receiver that never answers does not slow the install: the apply takes its own time, the end waits only the flush deadline', async () => {
    // The same small apply (recorded commands) without a webhook, then with one that hangs.
    const timed = async (o: RunInstallOptions) => {
      const t0 = performance.now();
      let resultAt = 0;
      const r = await runInstall({
        ...o,
        eventStreams: [
          {
            write: (l: string) => {
              if ((JSON.parse(l) as { data?: { kind?: string } }).data?.kind === 'result') resultAt = performance.now();
            },
          },
        ],
      });
      return { r, apply: resultAt - t0, total: performance.now() - t0 };
    };
    await timed(options(profile('', false), smallApply())); // warm: modules loaded, schemas compiled
    const noHook = await timed(options(profile('  wipe: true\n', false), smallApply()));
    expect(noHook.r.ok).toBe(true);
    mode = { kind: 'hang' };
    const flushMs = 800;
    const hung = await timed(options(profile(), { ...smallApply(), webhookFlushMs: flushMs }));
    expect(hung.r.ok).toBe(true);
    expect(received.length).toBeGreaterThanOrEqual(1);
    // One request hangs and the rest wait in the queue; the apply does not.
    expect(hung.apply).toBeLessThan(noHook.apply * 1.5 + 300);
    expect(hung.total - hung.apply).toBeLessThan(flushMs + 500);
  });

  it('keeps a bounded queue: beyond its limit the oldest events are dropped and counted', async () => {
    mode = { kind: 'hang' };
    const sink = webhookSink({ url: `https://127.0.0.1:${port}/hook`, secret: SECRET, ca: tls.ca, queueLimit: 5 });
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) sink.write({ time: new Date().toISOString(), level: 'info', message: `event ${i}` });
    expect(performance.now() - t0).toBeLessThan(50);
    const st = await sink.flush(300);
    expect(st.queued).toBe(50);
    expect(st.delivered).toBe(0);
    expect(st.dropped).toBe(50);
  });
});

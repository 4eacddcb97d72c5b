import type { ResultPromise } from 'execa';
import { X509Certificate } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FQDN,
  type FirstbootLab,
  ZONE,
  createFirstbootLab,
  labDebvisor,
  labOverrides,
  makeNodeRoot,
  readJsonFile,
  repo,
  startNginx,
} from './helpers/firstboot-lab.js';
import { stopProcess } from './helpers/started-process.js';
import { makeTestCert } from './helpers/test-cert.js';

let dir: string;
let fl: FirstbootLab;
let nginx: ResultPromise | undefined;
let root: string;
let pebbleRoot: string;

interface Status {
  state: string;
  steps: { name: string; status: string; attempts: number; nextAttemptAt?: string; lastError?: { code: string; message: string } }[];
  certificate?: { issuer: string; selfSigned: boolean; names: string[]; notAfter: string; serial: string };
  dns?: { A: string[] };
}

/** A profile for the lab node: base.yaml with the lab's name, DNS primary, key and CA. */
function profile(name: string, over: { hostname?: string; secret?: string; acme?: Record<string, unknown>; hooks?: unknown[] } = {}): string {
  const file = join(dir, `${name}.yaml`);
  const acme = { ca: 'custom', directoryUrl: fl.directoryUrl, challenge: 'http-01', ...over.acme };
  const doc = {
    version: 1,
    extends: join(repo, 'test/fixtures/profiles/base.yaml'),
    node: { hostname: over.hostname ?? 'node', domain: ZONE },
    dns: { server: fl.dnsIp, zone: ZONE, records: ['A'], ttl: 60, tsig: { name: FQDN, algorithm: 'hmac-sha256', secret: over.secret ?? fl.secret } },
    tls: { acme },
    firstboot: { hooks: over.hooks ?? [] },
  };
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

/** Test seams of the real command: nginx reloaded by signal in the node namespace, systemctl recorded, short timings. */
/** `debvisor ARGS` in the node namespace, as the unit runs it (only the root's own nginx is reloaded). */
function dv(args: string[], r: string, extra: Record<string, unknown> = {}, env: Record<string, string> = {}) {
  return labDebvisor(fl, args, labOverrides(fl, r, r === root ? nginx?.pid : undefined, { stepDeadlineMs: 3_000, extra }), env);
}
const firstboot = (r: string, p: string, extra?: Record<string, unknown>, env?: Record<string, string>) =>
  dv(['firstboot', '--root', r, '--profile', p], r, extra, env);
const status = async (r: string): Promise<Status> => JSON.parse(String((await dv(['status', '--json', '--root', r], r)).stdout)) as Status;
const stepOf = (s: Status, name: string) => s.steps.find((x) => x.name === name);

/**
 * The certificate nginx serves, its chain checked against pebble's root (curl does the
 * verification). After a reload the old workers may still take a connection for a moment:
 * `want` waits (bounded) for the certificate expected.
 */
async function served(want: (c: X509Certificate) => boolean = () => true): Promise<{ ok: boolean; cert: X509Certificate }> {
  let last = await servedOnce();
  for (let i = 0; i < 50 && !want(last.cert); i++) {
    await new Promise((r) => setTimeout(r, 100));
    last = await servedOnce();
  }
  return last;
}

async function servedOnce(): Promise<{ ok: boolean; cert: X509Certificate }> {
  const rootFile = join(dir, 'pebble-root.pem');
  writeFileSync(rootFile, pebbleRoot);
  const c = await fl.lab.exec(
    'node',
    ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', rootFile, '--resolve', `${FQDN}:443:127.0.0.1`, `https://${FQDN}/`],
    { reject: false },
  );
  const s = await fl.lab.exec('node', ['openssl', 's_client', '-connect', '127.0.0.1:443', '-servername', FQDN], { input: '', reject: false });
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(s.stdout)![0];
  return { ok: c.exitCode === 0 && c.stdout === '503', cert: new X509Certificate(pem) };
}

async function newRoot(name: string, p: string): Promise<string> {
  const r = join(dir, name);
  await makeNodeRoot(r, p);
  return r;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-firstboot-'));
  fl = await createFirstbootLab(dir);
  pebbleRoot = await fl.startPebble();
  root = await newRoot('node', profile('node'));
  nginx = (await startNginx(fl, root)).proc;
}, 120_000);

afterAll(async () => {
  await stopProcess(nginx);
  await fl?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('first boot against pebble and knot in namespaces', () => {
  it('registers the name, gets an HTTP-01 certificate served by nginx, hands off, and reports ready', async () => {
    expect((await served()).cert.issuer).toContain(FQDN);
    const r = await firstboot(root, profile('node'));
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(await fl.dig(FQDN, 'A')).toEqual([fl.nodeIp]);
    const s = await status(root);
    expect(s.state).toBe('ready');
    expect(s.steps.map((x) => `${x.name}:${x.status}`)).toEqual(['unique-ids:done', 'dns:done', 'certificate:done', 'cluster:skipped', 'handoff:done']);
    expect(stepOf(s, 'dns')).toBeDefined();
    expect(s.dns?.A).toEqual([fl.nodeIp]);
    // The zone held a stale A record for the node: replaced in the same UPDATE.
    expect(stepOf(s, 'dns')).toMatchObject({ status: 'done' });
    expect(JSON.stringify(s.steps)).toContain('removed 10.77.0.250');
    expect(s.certificate?.selfSigned).toBe(false);
    expect(s.certificate?.issuer).toMatch(/Pebble Intermediate/);
    const sv = await served((c) => c.issuer.includes('Pebble'));
    expect(sv.ok).toBe(true);
    expect(sv.cert.subjectAltName).toContain(`DNS:${FQDN}`);
    expect(sv.cert.issuer).toMatch(/Pebble/);
    // nginx started for HTTP-01 by the certificate step (first boot does not wait for it), then the hand-off.
    expect(readFileSync(join(root, 'systemctl.log'), 'utf8')).toBe('start nginx.service\nstart --no-block debvisor-runtime.target\n');
    expect(readFileSync(join(root, 'etc/issue'), 'utf8')).toMatch(/ready/);
    expect(readFileSync(join(root, 'etc/motd'), 'utf8')).toMatch(/certificate +done/);
    expect(existsSync(join(root, 'var/lib/debvisor/firstboot.done'))).toBe(true);
    expect(existsSync(join(root, 'var/lib/debvisor/firstboot/handoff.ready'))).toBe(true);
    const waited = await dv(['status', '--wait', '--timeout', '10', '--root', root], root);
    expect(waited.exitCode).toBe(0);
    expect(String(waited.stdout)).toMatch(/^DebVisor node node\.debvisor\.test: ready\n/);
    for (const k of ['var/lib/debvisor/acme/account.key', 'etc/debvisor/tls/panel.key', 'etc/debvisor/dns/tsig.key'])
      expect(statSync(join(root, k)).mode & 0o777, k).toBe(0o600);
    // The secret never reaches the output.
    expect(r.stdout + r.stderr).not.toContain(fl.secret);
  });

  it("the node's key cannot change another name: a clear, final status and no retry loop", async () => {
    const p = profile('other', { hostname: 'other', acme: { enabled: false } });
    const r2 = await newRoot('other', p);
    const r = await firstboot(r2, p);
    expect(r.exitCode, r.stderr).toBe(0);
    const s = await status(r2);
    expect(s.state).toBe('ready (degraded)');
    const dns = stepOf(s, 'dns')!;
    expect(dns.status).toBe('failed');
    expect(dns.lastError?.code).toBe('E_DNS_NOT_AUTHORIZED');
    expect(dns.lastError?.message).toMatch(/the TSIG key node\.debvisor\.test may not change other\.debvisor\.test.*NOTAUTH\(BADKEY\)/);
    expect(await fl.dig(`other.${ZONE}`, 'A')).toEqual(['10.77.0.99']);
    // The timer's next run does not hammer the server with the same refused update.
    await firstboot(r2, p);
    expect(stepOf(await status(r2), 'dns')!.attempts).toBe(1);
    expect(readFileSync(join(r2, 'etc/issue'), 'utf8')).toContain('may not change other.debvisor.test');
  });

  it('a wrong TSIG secret: a clear status line, the secret never printed', async () => {
    const wrong = Buffer.alloc(32, 7).toString('base64');
    const p = profile('wrongkey', { secret: wrong, acme: { enabled: false } });
    const r2 = await newRoot('wrongkey', p);
    // Another address than the one registered, so an UPDATE has to go out.
    const r = await firstboot(r2, p, { addresses: { v4: ['10.77.0.33'], v6: [] } });
    const s = await status(r2);
    const dns = stepOf(s, 'dns')!;
    expect(dns.status, JSON.stringify(dns)).toBe('failed');
    expect(dns.lastError?.code).toBe('E_DNS_BAD_KEY');
    expect(dns.lastError?.message).toMatch(/refused the TSIG signature/);
    expect(r.stdout + r.stderr + JSON.stringify(s)).not.toContain(wrong);
  });

  it('DNS-01: a wildcard and the node name on one certificate, served by nginx', async () => {
    const p = profile('node-dns01', { acme: { challenge: 'dns-01', domains: [FQDN, `*.${FQDN}`] } });
    const r = await dv(['cert', 'renew', '--root', root, '--profile', p], root);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/renewed \(the certificate lacks \*\.node\.debvisor\.test\)/);
    const sv = await served((c) => Boolean(c.subjectAltName?.includes('*.')));
    expect(sv.ok).toBe(true);
    expect(sv.cert.subjectAltName).toContain(`DNS:*.${FQDN}`);
    expect(sv.cert.subjectAltName).toContain(`DNS:${FQDN}`);
    // The challenge's TXT record was removed afterwards.
    expect(await fl.dig(`_acme-challenge.${FQDN}`, 'TXT')).toEqual([]);
  });

  it('CA down at first: ready (degraded) with the self-signed certificate and backoff in status; CA up: issued by the next run', async () => {
    // DNS-01: this root's webroot is not the one the lab's nginx serves.
    const p = profile('cadown', { acme: { challenge: 'dns-01' } });
    const r2 = await newRoot('cadown', p);
    await fl.stopPebble();
    try {
      const t0 = Date.now();
      const r = await firstboot(r2, p);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(Date.now() - t0, r.stdout).toBeLessThan(30_000);
      const s = await status(r2);
      expect(s.state).toBe('ready (degraded)');
      const c = stepOf(s, 'certificate')!;
      expect(c.status).toBe('retrying');
      expect(c.lastError?.code).toBe('E_ACME_UNREACHABLE');
      expect(c.attempts).toBeGreaterThanOrEqual(2);
      expect(Date.parse(c.nextAttemptAt!)).toBeGreaterThan(Date.now() - 5_000);
      expect(s.certificate?.selfSigned).toBe(true);
      expect(stepOf(s, 'handoff')!.status).toBe('done');
      const text = String((await dv(['status', '--root', r2], r2)).stdout);
      expect(text).toMatch(/certificate +retrying +attempt \d+ failed: the CA at .* cannot be reached \(ECONNREFUSED\); next attempt 20/);
    } finally {
      pebbleRoot = await fl.startPebble();
    }
    await new Promise((r) => setTimeout(r, 2_100));
    const r = await firstboot(r2, p);
    expect(r.exitCode, r.stdout).toBe(0);
    const s = await status(r2);
    expect(s.state, r.stdout).toBe('ready');
    expect(s.certificate?.selfSigned).toBe(false);
    expect(s.certificate?.issuer).toMatch(/Pebble/);
  });

  it('killed (SIGKILL) inside each step in turn, the next run resumes and ends as an uninterrupted run', async () => {
    const hooks = [{ name: 'slow', ordering: 'fully-up', run: ['sleep', '1'], timeoutSec: 30 }];
    // DNS-01: these roots' webroots are not the one the lab's nginx serves.
    const p = profile('killed', { hooks, acme: { challenge: 'dns-01' } });
    const template = await newRoot('killed-template', p);
    for (const target of ['unique-ids', 'dns', 'certificate', 'hook-slow', 'handoff']) {
      const r2 = join(dir, `killed-${target}`);
      cpSync(template, r2, { recursive: true });
      if (target === 'unique-ids') rmSync(join(r2, 'etc/ssh/ssh_host_ed25519_key'));
      // Pull the record back so the DNS step has work to do.
      const child = labDebvisor(
        fl,
        ['firstboot', '--root', r2, '--profile', p],
        labOverrides(fl, r2, undefined, {
          stepDeadlineMs: 3_000,
          extra: { systemctl: ['sh', '-c', `sleep 1; echo "$*" >> ${join(r2, 'systemctl.log')}`, 'systemctl'] },
        }),
      );
      const rec = join(r2, `var/lib/debvisor/firstboot/${target}.json`);
      let killed = false;
      for (let i = 0; i < 3000 && !killed; i++) {
        if (existsSync(rec) && readJsonFile<{ status: string }>(rec).status === 'running') {
          process.kill(child.pid!, 'SIGKILL');
          killed = true;
        } else await new Promise((r) => setTimeout(r, 5));
      }
      const first = await child;
      expect(killed, `never saw ${target} running`).toBe(true);
      expect(first.signal, target).toBe('SIGKILL');
      expect(readJsonFile<{ status: string }>(rec).status).toBe('running');
      const again = await firstboot(r2, p);
      expect(again.exitCode, `${target}: ${again.stdout}`).toBe(0);
      const s = await status(r2);
      expect(s.state, target).toBe('ready');
      expect(s.steps.map((x) => `${x.name}:${x.status}`)).toEqual([
        'unique-ids:done',
        'dns:done',
        'certificate:done',
        'cluster:skipped',
        'hook-slow:done',
        'handoff:done',
      ]);
      expect(s.certificate?.selfSigned, target).toBe(false);
      expect(existsSync(join(r2, 'var/lib/debvisor/firstboot.done'))).toBe(true);
      expect(await fl.dig(FQDN, 'A')).toEqual([fl.nodeIp]);
      // One account for the whole story: the key made before the kill is the one used after it.
      expect(Object.keys(readJsonFile<Record<string, string>>(join(r2, 'var/lib/debvisor/acme/account.json')))).toEqual([fl.directoryUrl]);
      // The hook ran to its end once (a killed run may have started it before).
      expect(readFileSync(join(r2, 'var/log/debvisor/firstboot-hooks.log'), 'utf8')).toContain('hook slow');
    }
  }, 240_000);

  it('renewal: a short-lived certificate is renewed by the timer command (debvisor cert renew) with no manual step', async () => {
    pebbleRoot = await fl.startPebble({ validitySec: 12 });
    const first = await dv(['cert', 'renew', '--force', '--root', root, '--profile', profile('node')], root);
    expect(first.exitCode, first.stdout).toBe(0);
    const before = (await served((c) => Date.parse(c.validTo) - Date.parse(c.validFrom) < 60_000)).cert;
    expect(Date.parse(before.validTo) - Date.parse(before.validFrom)).toBeLessThanOrEqual(13_000);
    expect(first.stdout).toMatch(/W_CERT_EXPIRING.*within 14 days/);
    const notDue = await dv(['cert', 'renew', '--root', root, '--profile', profile('node')], root);
    expect(notDue.stdout).toMatch(/not due/);
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(before.validFrom) + 8_500 - Date.now())));
    const r = await dv(['cert', 'renew', '--root', root, '--profile', profile('node')], root);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/renewed \(two thirds of its lifetime have passed/);
    const after = await served((c) => c.serialNumber !== before.serialNumber);
    expect(after.ok).toBe(true);
    expect(after.cert.serialNumber).not.toBe(before.serialNumber);
    const cs = String((await dv(['cert', 'status', '--root', root], root)).stdout);
    expect(cs).toMatch(/issuer: +.*Pebble/);
    // Debian 12's pebble has no renewalInfo (ARI, firstboot-ari.test.ts): two thirds decide, and status says so.
    expect(cs).toMatch(/renewal: due 20\S+ \(two thirds of the lifetime; the CA offers no renewalInfo \(ARI\) in its directory\)/);
    pebbleRoot = await fl.startPebble();
  });

  it('an unknown CA (no ACME directory there, or a TLS certificate the node does not trust) and an EAB error: clear status, no crash loop', async () => {
    const bad = profile('nodir', { acme: { directoryUrl: `https://${fl.ca}:14000/nope` } });
    const r1 = await newRoot('nodir', bad);
    expect((await firstboot(r1, bad)).exitCode).toBe(0);
    let c = stepOf(await status(r1), 'certificate')!;
    expect(c.status).toBe('failed');
    expect(c.lastError?.code).toBe('E_ACME_DIRECTORY');
    expect(c.lastError?.message).toMatch(/is not an ACME directory \(HTTP 404\)/);
    await firstboot(r1, bad);
    expect(stepOf(await status(r1), 'certificate')!.attempts).toBe(1);

    const p = profile('untrusted');
    const r2 = await newRoot('untrusted', p);
    await firstboot(r2, p, {}, { NODE_EXTRA_CA_CERTS: '' });
    c = stepOf(await status(r2), 'certificate')!;
    expect(c.status).toBe('failed');
    expect(c.lastError?.code).toBe('E_ACME_CA_UNTRUSTED');
    // tls.acme.caBundle replaces the trust for the CA: another CA's root there fails although Node trusts pebble's.
    const other = await makeTestCert(dir, 'other-ca', { cn: 'Another CA' });
    const wrongBundle = profile('wrong-bundle', { acme: { caBundle: readFileSync(other.cert).toString('base64') } });
    const r2b = await newRoot('wrong-bundle', wrongBundle);
    await firstboot(r2b, wrongBundle);
    c = stepOf(await status(r2b), 'certificate')!;
    expect(c.status).toBe('failed');
    expect(c.lastError?.code).toBe('E_ACME_CA_UNTRUSTED');

    pebbleRoot = await fl.startPebble({ eab: { 'kid-1': Buffer.alloc(32, 1).toString('base64url') } });
    try {
      const e = profile('eab', { acme: { eab: { kid: 'kid-1', hmacKey: Buffer.alloc(32, 2).toString('base64url') } } });
      const r3 = await newRoot('eab', e);
      expect((await firstboot(r3, e)).exitCode).toBe(0);
      c = stepOf(await status(r3), 'certificate')!;
      expect(c.status, JSON.stringify(c)).toBe('failed');
      expect(c.lastError?.code).toBe('E_ACME_EAB');
    } finally {
      pebbleRoot = await fl.startPebble();
    }
  });
});

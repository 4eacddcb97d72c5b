import { execa, type ResultPromise } from 'execa';
import { X509Certificate } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FQDN, type FirstbootLab, ZONE, createFirstbootLab, makeNodeRoot, nginxArgv, readJsonFile, repo, startNginx } from './helpers/firstboot-lab.js';

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
function overrides(r: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    nginxTest: [...nginxArgv(r), 'nginx', '-t'],
    nginxReload: nginx?.pid && r === root ? ['kill', '-HUP', String(nginx.pid)] : ['true'],
    systemctl: ['sh', '-c', `echo "$*" >> ${join(r, 'systemctl.log')}`, 'systemctl'],
    addresses: { v4: [fl.nodeIp], v6: [] },
    acmeBackoffMs: { min: 100, max: 500 },
    timing: { stepDeadlineMs: 3_000, backoff: { baseMs: 200, capMs: 1_000 }, breaker: { threshold: 3, openMs: 1_000, capMs: 2_000 }, failedRetryMs: 3_600_000 },
    ...extra,
  });
}

/** `debvisor ARGS` in the node namespace, as the unit runs it. */
function dv(args: string[], r: string, extra: Record<string, unknown> = {}, env: Record<string, string> = {}) {
  return execa('ip', ['netns', 'exec', fl.lab.hosts.node!.ns, process.execPath, join(repo, 'bin/debvisor.js'), ...args], {
    stdin: 'ignore',
    reject: false,
    env: { NODE_EXTRA_CA_CERTS: fl.minica, DEBVISOR_FIRSTBOOT_OVERRIDES: overrides(r, extra), ...env },
  });
}
const firstboot = (r: string, p: string, extra?: Record<string, unknown>, env?: Record<string, string>) =>
  dv(['firstboot', '--root', r, '--profile', p], r, extra, env);
const status = async (r: string): Promise<Status> => JSON.parse(String((await dv(['status', '--json', '--root', r], r)).stdout)) as Status;
const stepOf = (s: Status, name: string) => s.steps.find((x) => x.name === name);

/** The certificate nginx serves, its chain checked against pebble's root (curl does the verification). */
async function served(): Promise<{ ok: boolean; cert: X509Certificate }> {
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
  if (nginx?.pid) {
    try {
      process.kill(nginx.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
    await nginx.catch(() => undefined);
  }
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
    expect(s.steps.map((x) => `${x.name}:${x.status}`)).toEqual(['unique-ids:done', 'dns:done', 'certificate:done', 'handoff:done']);
    expect(stepOf(s, 'dns')).toBeDefined();
    expect(s.dns?.A).toEqual([fl.nodeIp]);
    // The zone held a stale A record for the node: replaced in the same UPDATE.
    expect(stepOf(s, 'dns')).toMatchObject({ status: 'done' });
    expect(JSON.stringify(s.steps)).toContain('removed 10.77.0.250');
    expect(s.certificate?.selfSigned).toBe(false);
    expect(s.certificate?.issuer).toMatch(/Pebble Intermediate/);
    const sv = await served();
    expect(sv.ok).toBe(true);
    expect(sv.cert.subjectAltName).toContain(`DNS:${FQDN}`);
    expect(sv.cert.issuer).toMatch(/Pebble/);
    expect(readFileSync(join(root, 'systemctl.log'), 'utf8')).toBe('start --no-block debvisor-runtime.target\n');
    expect(readFileSync(join(root, 'etc/issue'), 'utf8')).toMatch(/ready/);
    expect(readFileSync(join(root, 'etc/motd'), 'utf8')).toMatch(/certificate +done/);
    expect(existsSync(join(root, 'var/lib/debvisor/firstboot.done'))).toBe(true);
    for (const k of ['var/lib/debvisor/acme/account.key', 'etc/debvisor/tls/panel.key', 'etc/debvisor/dns/tsig.key'])
      expect(statSync(join(root, k)).mode & 0o777, k).toBe(0o600);
    // The secret never reaches the output.
    expect(r.stdout + r.stderr).not.toContain(fl.secret);
  });
});

import type { ResultPromise } from 'execa';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenewalRecord } from '../../firstboot/acme/ensure.js';
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
import { trixieTool } from './helpers/trixie-tool.js';

/**
 * tls.acme.profile (ACME profiles) against Debian's real pebble. Neither Debian 12's pebble 2.4
 * nor Debian 13's 2.6 advertises profiles (meta.profiles came with pebble 2.7): what runs here is
 * the refusal of a profile the CA does not offer. The order carrying `profile` (with `replaces`)
 * is unit-tested in firstboot/acme/cert-profile.test.ts.
 */
let dir: string;
let fl: FirstbootLab;
let nginx: ResultPromise | undefined;
let root: string;

interface Status {
  state: string;
  steps: { name: string; status: string; attempts: number; lastError?: { code: string; message: string; hint?: string } }[];
  certificate?: { issuer: string; selfSigned: boolean; serial: string; renewal: RenewalRecord };
}

function profile(name: string, acmeProfile?: string): string {
  const file = join(dir, `${name}.yaml`);
  const doc = {
    version: 1,
    extends: join(repo, 'test/fixtures/profiles/base.yaml'),
    node: { hostname: 'node', domain: ZONE },
    dns: { server: fl.dnsIp, zone: ZONE, records: ['A'], ttl: 60, tsig: { name: FQDN, algorithm: 'hmac-sha256', secret: fl.secret } },
    tls: { acme: { ca: 'custom', directoryUrl: fl.directoryUrl, challenge: 'http-01', ...(acmeProfile ? { profile: acmeProfile } : {}) } },
    firstboot: { hooks: [] },
  };
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

/** `debvisor ARGS` in the node namespace with the lab's test seams (as firstboot.test.ts). */
function dv(args: string[]) {
  return labDebvisor(fl, args, labOverrides(fl, root, nginx?.pid, { stepDeadlineMs: 5_000 }));
}
const status = async (): Promise<Status> => JSON.parse(String((await dv(['status', '--json', '--root', root])).stdout)) as Status;
const certStep = (s: Status) => s.steps.find((x) => x.name === 'certificate')!;
const pebbleLog = () => readFileSync(join(dir, 'pebble.log'), 'utf8');
/** Requests pebble received at an endpoint (its log line per request): `order-plz` is newOrder, `sign-me-up` newAccount. */
const requestsAtCa = (endpoint: string) =>
  pebbleLog()
    .split('\n')
    .filter((l) => l.includes(`POST /${endpoint} `)).length;
const ordersAtCa = () => requestsAtCa('order-plz');

/** The certificate nginx serves in the node namespace (a reload may take a moment: `want` waits, bounded). */
async function served(want: (c: X509Certificate) => boolean = () => true): Promise<X509Certificate> {
  let c: X509Certificate | undefined;
  for (let i = 0; i < 50; i++) {
    const s = await fl.lab.exec('node', ['openssl', 's_client', '-connect', '127.0.0.1:443', '-servername', FQDN], { input: '', reject: false });
    c = new X509Certificate(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(s.stdout)![0]);
    if (want(c)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return c!;
}

async function directoryMeta(): Promise<Record<string, unknown>> {
  const d = await fl.lab.exec('node', ['curl', '-sf', '--cacert', fl.minica, fl.directoryUrl]);
  return (JSON.parse(d.stdout) as { meta?: Record<string, unknown> }).meta ?? {};
}

/** The refusal first boot gives for `shortlived` at this lab's CA. */
const noneMessage = () =>
  `tls.acme.profile asks for the ACME profile "shortlived", but the CA at ${fl.directoryUrl} offers no certificate profiles (its directory has no meta.profiles)`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-acme-profile-'));
  fl = await createFirstbootLab(dir);
  await fl.startPebble();
  root = join(dir, 'node');
  await makeNodeRoot(root, profile('shortlived', 'shortlived'));
  nginx = (await startNginx(fl, root)).proc;
}, 120_000);

afterAll(async () => {
  await stopProcess(nginx);
  await fl?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('tls.acme.profile against pebble (which offers no profiles)', () => {
  it('first boot: a clear, final refusal in status, no retry loop, no order at the CA, the self-signed certificate still served', async () => {
    expect(await directoryMeta()).not.toHaveProperty('profiles');
    const r = await dv(['firstboot', '--root', root, '--profile', profile('shortlived', 'shortlived')]);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    const s = await status();
    expect(s.state).toBe('ready (degraded)');
    const c = certStep(s);
    expect(c.status).toBe('failed');
    expect(c.attempts).toBe(1);
    expect(c.lastError?.code).toBe('E_ACME_PROFILE');
    expect(c.lastError?.message).toBe(noneMessage());
    expect(c.lastError?.hint).toMatch(/^remove tls\.acme\.profile/);
    expect(s.steps.find((x) => x.name === 'handoff')?.status).toBe('done');
    expect(s.certificate?.selfSigned).toBe(true);
    expect(s.certificate?.renewal.profile).toBe('shortlived');
    // Checked against the directory before any account or order.
    expect(pebbleLog()).toContain('GET /dir ');
    expect(requestsAtCa('sign-me-up')).toBe(0);
    expect(ordersAtCa()).toBe(0);
    expect((await served()).issuer).toContain(FQDN);

    const text = String((await dv(['status', '--root', root])).stdout);
    expect(text).toContain(`certificate  failed    ${noneMessage()} (remove tls.acme.profile`);
    expect(text).toContain('ACME profile shortlived (tls.acme.profile; the certificate in place was not ordered with it)');
    expect(readFileSync(join(root, 'etc/issue'), 'utf8')).toContain('offers no certificate profiles');
    const cs = String((await dv(['cert', 'status', '--root', root])).stdout);
    expect(cs).toContain('profile: shortlived (tls.acme.profile; the certificate in place was not ordered with it)');
    expect(cs).toContain(`last error: ${noneMessage()}`);

    // The timer's next run does not try again (a configuration error waits for the operator).
    await dv(['firstboot', '--root', root, '--profile', profile('shortlived', 'shortlived')]);
    expect(certStep(await status()).attempts).toBe(1);
    // The CA answered: its circuit breaker is untouched.
    const breakers = readJsonFile<Record<string, unknown>>(join(root, 'var/lib/debvisor/firstboot/breakers.json'));
    expect(Object.keys(breakers).filter((k) => k.startsWith('acme:'))).toEqual([]);
  });

  it('the key removed: issued on --retry; asked for again later: the CA certificate in place is kept and the refusal shown', async () => {
    const r = await dv(['firstboot', '--retry', '--root', root, '--profile', profile('plain')]);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    const s = await status();
    expect(s.state).toBe('ready');
    expect(s.certificate?.renewal.profile).toBeUndefined();
    const issued = await served((c) => c.issuer.includes('Pebble'));
    expect(issued.issuer).toMatch(/Pebble/);
    const orders = ordersAtCa();
    expect(orders).toBe(1);

    // A changed profile means a new order, which the CA cannot give: the refusal, nothing replaced.
    const again = await dv(['cert', 'renew', '--root', root, '--profile', profile('shortlived', 'shortlived')]);
    expect(again.exitCode).not.toBe(0);
    expect(again.stdout).toMatch(
      /ordering a certificate .*: tls\.acme\.profile asks for the ACME profile "shortlived" and the certificate in place was ordered without a profile/,
    );
    expect(again.stdout).toContain('E_ACME_PROFILE');
    expect(ordersAtCa()).toBe(orders);
    expect((await served()).serialNumber).toBe(issued.serialNumber);
    const cs = String((await dv(['cert', 'status', '--root', root])).stdout);
    expect(cs).toContain(`last error: ${noneMessage()}`);
    expect(cs).toMatch(/issuer: +.*Pebble/);
    // Back without the key: nothing to do.
    expect((await dv(['cert', 'renew', '--root', root, '--profile', profile('plain')])).stdout).toMatch(/not due/);
  });

  it("Debian 13's pebble 2.6 offers no profiles either: the same refusal", async () => {
    // Downloaded once into cache/test-tools (as firstboot-ari.test.ts), then reused.
    fl.pebble = await trixieTool('pebble', 'usr/bin/pebble');
    await fl.startPebble();
    expect(await directoryMeta()).not.toHaveProperty('profiles');
    const r = await dv(['cert', 'renew', '--force', '--root', root, '--profile', profile('shortlived', 'shortlived')]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout).toContain(noneMessage());
  }, 300_000);
});

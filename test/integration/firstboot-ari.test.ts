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
  revokeNodeCertificate,
  startNginx,
} from './helpers/firstboot-lab.js';
import { trixieTool } from './helpers/trixie-tool.js';
import { stopProcess } from './helpers/started-process.js';

/**
 * ACME Renewal Information against a real CA that offers it: Debian 13's pebble 2.6 (Debian 12's
 * 2.4 has no renewalInfo; firstboot.test.ts runs it and so covers the two-thirds fallback of a
 * directory without ARI). Pebble's window for a certificate is two days around two thirds of its
 * validity (core.RenewalInfoSimple), a window in the past once it is revoked
 * (core.RenewalInfoImmediate), with Retry-After: 21600.
 */
let dir: string;
let fl: FirstbootLab;
let nginx: ResultPromise | undefined;
let root: string;
const RENEWAL = 'var/lib/debvisor/acme/renewal.json';
const DAY = 86_400_000;

function profile(): string {
  const file = join(dir, 'node.yaml');
  const doc = {
    version: 1,
    extends: join(repo, 'test/fixtures/profiles/base.yaml'),
    node: { hostname: 'node', domain: ZONE },
    dns: { server: fl.dnsIp, zone: ZONE, records: ['A'], ttl: 60, tsig: { name: FQDN, algorithm: 'hmac-sha256', secret: fl.secret } },
    // pebble's root through the profile only: dv() runs without NODE_EXTRA_CA_CERTS, so the orders and ARI trust the bundle.
    tls: { acme: { ca: 'custom', directoryUrl: fl.directoryUrl, challenge: 'http-01', caBundle: readFileSync(fl.minica).toString('base64') } },
    firstboot: { hooks: [] },
  };
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

/** `debvisor ARGS` in the node namespace with the lab's test seams (as firstboot.test.ts), trusting pebble only by tls.acme.caBundle. */
function dv(args: string[]) {
  return labDebvisor(fl, args, labOverrides(fl, root, nginx?.pid, { stepDeadlineMs: 10_000 }), { NODE_EXTRA_CA_CERTS: '' });
}
const renew = (...extra: string[]) => dv(['cert', 'renew', '--root', root, '--profile', profile(), ...extra]);
const renewal = () => readJsonFile<RenewalRecord>(join(root, RENEWAL));
const panelCert = () => new X509Certificate(readFileSync(join(root, 'etc/debvisor/tls/panel.crt')));
const pebbleLog = () => readFileSync(join(dir, 'pebble.log'), 'utf8');
/** Six hours pass (pebble's Retry-After): the record now says the CA may be asked again. */
function retryAfterPassed(): void {
  const rec = renewal();
  writeFileSync(join(root, RENEWAL), JSON.stringify({ ...rec, ari: { ...rec.ari, nextCheckAt: new Date(Date.now() - 1000).toISOString() } }));
}
/** Pebble's window: two thirds through the validity (notAfter + 1 s - notBefore), one day either side. */
function pebbleWindow(c: X509Certificate): { start: number; end: number } {
  const from = Date.parse(c.validFrom);
  const to = Date.parse(c.validTo);
  const ideal = to - (to + 1000 - from) / 3;
  return { start: ideal - DAY, end: ideal + DAY };
}

beforeAll(async () => {
  // Downloaded once into cache/test-tools (signature and SHA-256 checked), then reused.
  const pebble = await trixieTool('pebble', 'usr/bin/pebble');
  dir = mkdtempSync(join(tmpdir(), 'debvisor-ari-'));
  fl = await createFirstbootLab(dir, { pebble });
  await fl.startPebble();
  root = join(dir, 'node');
  await makeNodeRoot(root, profile());
  nginx = (await startNginx(fl, root)).proc;
}, 300_000);

afterAll(async () => {
  await stopProcess(nginx);
  await fl?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('ACME Renewal Information with pebble 2.6', () => {
  it("first boot's certificate: the CA's window asked, a time picked inside it, shown by cert status and status", async () => {
    const dirReads = () => pebbleLog().match(/GET \/dir /g)?.length ?? 0;
    const before = dirReads();
    const r = await dv(['firstboot', '--root', root, '--profile', profile()]);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    // The order read the directory; ARI took its renewalInfo URL from there, not from a second read.
    expect(dirReads() - before).toBe(1);
    const c = panelCert();
    expect(c.issuer).toMatch(/Pebble/);
    // The first certificate replaces the self-signed stand-in: nothing to name in `replaces`.
    expect(pebbleLog()).not.toMatch(/is a replacement of/);
    // The step asked the CA right after the certificate arrived; the timer's command keeps it.
    const kept = await renew();
    expect(kept.stdout, kept.stderr).toMatch(/not due/);
    const rec = renewal();
    expect(rec.dueSource).toBe('ARI');
    const w = pebbleWindow(c);
    expect(Math.abs(Date.parse(rec.ari!.window!.start) - w.start)).toBeLessThan(1_000);
    expect(Math.abs(Date.parse(rec.ari!.window!.end) - w.end)).toBeLessThan(1_000);
    expect(rec.nextDueAt).toBe(rec.ari!.renewAt);
    expect(Date.parse(rec.nextDueAt!)).toBeGreaterThanOrEqual(Date.parse(rec.ari!.window!.start));
    expect(Date.parse(rec.nextDueAt!)).toBeLessThanOrEqual(Date.parse(rec.ari!.window!.end));
    // Retry-After: 21600 s.
    expect(Math.abs(Date.parse(rec.ari!.nextCheckAt!) - (Date.parse(rec.ari!.checkedAt) + 6 * 3_600_000))).toBeLessThan(1_000);
    // Picked once: the next run keeps the time (and does not ask again before Retry-After).
    await renew();
    expect(renewal().ari).toEqual(rec.ari);
    const cs = String((await dv(['cert', 'status', '--root', root])).stdout);
    expect(cs).toContain(`renewal: due ${rec.nextDueAt} (ARI: the CA's window ${rec.ari!.window!.start} to ${rec.ari!.window!.end}, asked again after`);
    const st = String((await dv(['status', '--root', root])).stdout);
    expect(st).toContain(`renewal due ${rec.nextDueAt} (ARI: the CA's window`);
  });

  it('revoked by the CA: after Retry-After the window is in the past, renewed at once, with replaces accepted by pebble', async () => {
    const before = panelCert();
    const id = renewal().ari!.certId;
    await revokeNodeCertificate(fl, root);
    // Retry-After is honoured: the CA is not asked again yet, nothing happens.
    expect((await renew()).stdout).toMatch(/not due/);
    retryAfterPassed();
    const r = await renew();
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/renewed \(the CA's ARI window ended .*: renewing at once\)/);
    expect(r.stdout).not.toMatch(/refused the order as a replacement/);
    // Pebble found the replaced certificate's order by the identifier sent (a wrong one is refused).
    expect(pebbleLog()).toMatch(/ARI: order "\S+" is a replacement of "\S+"/);
    const serialHex = Buffer.from(id.split('.')[1]!, 'base64url').toString('hex');
    expect(serialHex.replace(/^0+/, '')).toBe(before.serialNumber.toLowerCase().replace(/^0+/, ''));
    const after = panelCert();
    expect(after.serialNumber).not.toBe(before.serialNumber);
    const next = renewal();
    expect(next.dueSource).toBe('ARI');
    expect(next.ari!.certId).not.toBe(id);
  });

  it('a CA that refuses replaces (the certificate already replaced) gets the order again without it: ARI never blocks a renewal', async () => {
    const files = ['etc/debvisor/tls/panel.crt', 'etc/debvisor/tls/panel.key', RENEWAL].map((f) => join(root, f));
    const saved = files.map((f) => readFileSync(f));
    // Renewed once with replaces; then the node is back to the old certificate, as if that renewal's deploy had been lost.
    await revokeNodeCertificate(fl, root);
    retryAfterPassed();
    const first = await renew();
    expect(first.stdout).toMatch(/renewed \(the CA's ARI window ended/);
    const replaced = panelCert().serialNumber;
    for (const [i, f] of files.entries()) writeFileSync(f, saved[i]!);
    // The CA is asked about the old (revoked) certificate again: its window has ended, the order names it in replaces.
    retryAfterPassed();
    const r = await renew();
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/the CA refused the order as a replacement of \S+ \(.*already has a replacement order.*\); ordering without replaces/);
    expect(r.stdout).toMatch(/renewed \(the CA's ARI window ended/);
    expect(panelCert().serialNumber).not.toBe(replaced);
  });

  it('the CA forgot the certificate (ARI answers an error): two thirds decide and status says why; a short-lived one is renewed inside its window', async () => {
    // A restarted pebble has new issuers: the certificate in place is not one it knows.
    await fl.startPebble({ validitySec: 30 });
    retryAfterPassed();
    const kept = await renew();
    expect(kept.exitCode, kept.stdout).toBe(0);
    expect(kept.stdout).toMatch(/W_ACME_ARI.*the ARI request failed: HTTP 400/);
    expect(kept.stdout).toMatch(/not due/);
    expect(renewal().dueSource).toBe('two thirds');
    const cs = String((await dv(['cert', 'status', '--root', root])).stdout);
    expect(cs).toMatch(/renewal: due 20\S+ \(two thirds of the lifetime; the ARI request failed: HTTP 400/);

    // Forced (no usable answer: no replaces); the new 30 s certificate gets a window cut at its expiry.
    const f = await renew('--force');
    expect(f.exitCode, f.stdout).toBe(0);
    const c = panelCert();
    const rec = renewal();
    expect(rec.dueSource).toBe('ARI');
    const at = Date.parse(rec.ari!.renewAt!);
    expect(at).toBeGreaterThanOrEqual(Date.parse(rec.ari!.window!.start));
    expect(at).toBeLessThanOrEqual(Date.parse(c.validTo));
    const replacementsBefore = (pebbleLog().match(/is a replacement of/g) ?? []).length;
    // The timer's run at (or after) the time picked renews it, naming it in replaces.
    await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now() + 200)));
    const r = await renew();
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/renewed \(inside the CA's ARI window \(.* time picked /);
    expect((pebbleLog().match(/is a replacement of/g) ?? []).length).toBe(replacementsBefore + 1);
    expect(panelCert().serialNumber).not.toBe(c.serialNumber);
  });
});

import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as acme from './acme-client.js';
import { acmeHttp } from './acme-http.js';
import type { Emitter } from '../../core/events.js';
import { ACME_WEBROOT } from '../../overlays/panel/nginx.js';
import { REDACTED } from '../../profiles/redact.js';
import type { Profile } from '../../profiles/schema/profile.js';
import { at, readJson, writeAtomic, writeJson } from '../atomic.js';
import { type DnsTarget, ensureKeyFile, sendUpdate } from '../dns/nsupdate.js';
import { queryPrimary } from '../dns/query.js';
import { ACME_ACCOUNT_KEY, ACME_EAB_FILE, ACME_PENDING_KEY, ACME_STATE_DIR } from '../paths.js';
import { StepError } from '../step.js';
import type { StepTools } from '../tools.js';
import { type OrderExtras, offeredProfiles, orderPayload, profileRefusal, profileRefusedByCa } from './cert-profile.js';
import { classifyAcmeError } from './errors.js';

const ACCOUNT_FILE = `${ACME_STATE_DIR}/account.json`;
/**
 * How acme-client polls a pending challenge and order: first again after 250 ms, doubling to 30 s
 * (12 polls, about two and a half minutes). Its own default starts at 5 s, which was a third of
 * a node's first boot while the CA had long answered; a CA validates in well under a second to a
 * second or two, and each of the two waits (challenge, then the order's finalisation) started at
 * 1 s still slept most of a second after the CA was done.
 */
export const ACME_POLL_MS = { min: 250, max: 30_000 };
/** Polls per wait: with ACME_POLL_MS, 0.25 + 0.5 + ... + 16 s, then 30 s apart. */
export const ACME_POLL_ATTEMPTS = 12;
/** How long a DNS-01 TXT record may take to show at the primary. */
const TXT_VISIBLE_MS = 10_000;

/** A key kept in a root-only file: made once, then reused (same account, same CSR key across retries). */
async function keptKey(file: string): Promise<string> {
  if (existsSync(file)) return readFileSync(file, 'utf8');
  const pem = (await acme.crypto.createPrivateEcdsaKey('P-256')).toString();
  writeAtomic(file, pem, 0o600);
  return pem;
}

function eabOf(root: string, a: Profile['tls']['acme']): { kid: string; hmacKey: string } | undefined {
  if (!a.eab) return undefined;
  if (a.eab.hmacKey !== REDACTED) return a.eab;
  const f = at(root, ACME_EAB_FILE);
  if (!existsSync(f))
    throw new StepError('E_ACME_EAB', `the EAB HMAC key is not on the node (${ACME_EAB_FILE})`, {
      retryable: false,
      hint: 'write it there (mode 0600) and run debvisor firstboot --retry',
    });
  return { kid: a.eab.kid, hmacKey: readFileSync(f, 'utf8').trim() };
}

/**
 * acme-client's auto() builds the newOrder payload itself (identifiers only), and its
 * createOrder() sends whatever fields it is given: this client's createOrder adds `profile`
 * (ACME profiles) and `replaces` (RFC 9773 §5). A CA that refuses the order (the certificate
 * already replaced by an order that did not finish, a CA that no longer knows it) gets it again
 * without `replaces`: ARI never blocks a renewal. A request that got no answer at all (it has an
 * error code) is not repeated here. A CA that still refuses, naming the profile, is a
 * configuration error (E_ACME_PROFILE).
 */
export function extendOrder(client: acme.Client, extras: OrderExtras, directoryUrl: string, emit: Emitter): void {
  const createOrder = client.createOrder.bind(client);
  client.createOrder = async (data) => {
    const send = (x: OrderExtras) => createOrder(orderPayload(data, x) as typeof data);
    try {
      try {
        return await send(extras);
      } catch (err) {
        if (!extras.replaces || (err as { code?: string }).code) throw err;
        emit.warn(`the CA refused the order as a replacement of ${extras.replaces} (${(err as Error).message}); ordering without replaces`, {
          step: 'certificate',
        });
        return await send(extras.profile ? { profile: extras.profile } : {});
      }
    } catch (err) {
      throw (extras.profile ? profileRefusedByCa(err, extras.profile, directoryUrl) : undefined) ?? err;
    }
  };
}

/**
 * The CA's directory as acme-client fetched it (cached by the client, so no second request; the
 * same HTTP settings: timeout, trust store). acme-client 5.4 has no public getter for `meta`.
 */
async function directoryOf(client: acme.Client): Promise<unknown> {
  return (client as unknown as { http: { getDirectory(): Promise<unknown> } }).http.getDirectory();
}

/** The `_acme-challenge` name of an identifier (a wildcard's is its base name's). */
export const challengeName = (id: string) => `_acme-challenge.${id.replace(/^\*\./, '')}`;

export interface IssueInput {
  root: string;
  profile: Profile;
  names: string[];
  directoryUrl: string;
  dns?: DnsTarget;
  tools: Pick<StepTools, 'run' | 'acmeBackoffMs'>;
  emit: Emitter;
  /** The ARI identifier of the certificate this order replaces (sent as newOrder's `replaces`). */
  replaces?: string;
}

export interface Issued {
  certPem: string;
  keyPem: string;
  /** The CA's directory as the order read it (its renewalInfo URL is asked next, without reading it again). */
  directory?: unknown;
}

/**
 * Orders a certificate with acme-client. The account key and the certificate key are files that
 * outlive the attempt, and the account URL is remembered, so a retry reuses the account (no new
 * registration per attempt). HTTP-01 answers through the panel's port-80 webroot, DNS-01 through
 * the node's TSIG key. Returns the chain, the key and the directory; nothing is deployed here.
 */
export async function issueCertificate(inp: IssueInput): Promise<Issued> {
  try {
    return await issueOnce(inp);
  } catch (err) {
    // The CA forgot the account (a test CA restarted, an account removed): register again with the same key, once.
    if (!(err instanceof StepError) || !/account .* (not found|does not exist)/i.test(err.message)) throw err;
    const file = at(inp.root, ACCOUNT_FILE);
    const known = readJson<Record<string, string>>(file) ?? {};
    delete known[inp.directoryUrl];
    writeJson(file, known);
    inp.emit.warn(`the CA does not know the remembered account any more; registering the same key again`, { step: 'certificate' });
    return issueOnce(inp);
  }
}

async function issueOnce(inp: IssueInput): Promise<Issued> {
  const { root, profile, names, directoryUrl, emit } = inp;
  const a = profile.tls.acme;
  acmeHttp(a.caBundle);
  // Not 0700: the HTTP-01 webroot below it must stay readable by nginx; the keys themselves are 0600.
  mkdirSync(at(root, ACME_STATE_DIR), { recursive: true, mode: 0o755 });
  const accountKey = await keptKey(at(root, ACME_ACCOUNT_KEY));
  const certKey = await keptKey(at(root, ACME_PENDING_KEY));
  const known = readJson<Record<string, string>>(at(root, ACCOUNT_FILE)) ?? {};
  const eab = eabOf(root, a);
  const backoff = inp.tools.acmeBackoffMs ?? ACME_POLL_MS;
  const client = new acme.Client({
    directoryUrl,
    accountKey,
    ...(known[directoryUrl] ? { accountUrl: known[directoryUrl] } : {}),
    ...(eab ? { externalAccountBinding: eab } : {}),
    backoffMin: backoff.min,
    backoffMax: backoff.max,
    backoffAttempts: ACME_POLL_ATTEMPTS,
  });
  if (inp.replaces || a.profile) extendOrder(client, { profile: a.profile, replaces: inp.replaces }, directoryUrl, emit);
  const webroot = join(at(root, ACME_WEBROOT), '.well-known', 'acme-challenge');
  const key = a.challenge === 'dns-01' ? ensureKeyFile(root, profile) : undefined;
  const [, csr] = await acme.crypto.createCsr({ commonName: names.find((n) => !n.startsWith('*.') && n.length <= 64), altNames: names }, certKey);
  let certPem: string;
  const removals: Promise<void>[] = [];
  try {
    // Checked before the account and the order: a profile the CA does not offer is the operator's to fix, not retried.
    if (a.profile) {
      const refusal = profileRefusal(a.profile, offeredProfiles(await directoryOf(client)), directoryUrl);
      if (refusal) throw refusal;
    }
    certPem = await client.auto({
      csr,
      ...(a.email ? { email: a.email } : {}),
      termsOfServiceAgreed: true,
      challengePriority: [a.challenge],
      // The CA checks the challenge itself; checking from the node first would need the node's own resolver to see the zone.
      skipChallengeVerification: true,
      challengeCreateFn: async (authz, challenge, keyAuthorization) => {
        if (challenge.type === 'http-01') {
          mkdirSync(webroot, { recursive: true, mode: 0o755 });
          writeAtomic(join(webroot, challenge.token), keyAuthorization, 0o644);
          return;
        }
        if (!inp.dns || !key) throw new StepError('E_ACME_DNS01', 'dns-01 needs dns.server and dns.tsig', { retryable: false });
        const name = challengeName(authz.identifier.value);
        await sendUpdate(inp.tools.run, key.file, key.key, inp.dns, [{ op: 'add', name, ttl: 60, type: 'TXT', value: keyAuthorization }], emit);
        const until = Date.now() + TXT_VISIBLE_MS;
        while (!(await queryPrimary(inp.dns, name, 'TXT')).includes(keyAuthorization)) {
          if (Date.now() > until) throw new StepError('E_ACME_DNS01', `the TXT record ${name} does not show at ${inp.dns.server}`, { retryable: true });
          await new Promise((r) => setTimeout(r, 200));
        }
      },
      challengeRemoveFn: async (authz, challenge, keyAuthorization) => {
        if (challenge.type === 'http-01') {
          rmSync(join(webroot, challenge.token), { force: true });
          return;
        }
        // Not awaited here: the order goes on (finalize, download) while nsupdate removes the record; awaited below.
        if (inp.dns && key)
          removals.push(
            sendUpdate(
              inp.tools.run,
              key.file,
              key.key,
              inp.dns,
              [{ op: 'delete', name: challengeName(authz.identifier.value), type: 'TXT', value: keyAuthorization }],
              emit,
            ),
          );
      },
    });
  } catch (err) {
    throw classifyAcmeError(err, directoryUrl);
  } finally {
    // As acme-client treats a failed removal: a warning, never the order's failure (the record is harmless and replaced next time).
    for (const r of await Promise.allSettled(removals))
      if (r.status === 'rejected') emit.warn(`the DNS-01 record was not removed: ${(r.reason as Error).message}`, { step: 'certificate' });
    try {
      const url = client.getAccountUrl();
      if (url && known[directoryUrl] !== url) writeJson(at(root, ACCOUNT_FILE), { ...known, [directoryUrl]: url });
    } catch {
      /* no account yet */
    }
  }
  // Cached by the client since the order began: no request.
  const directory = await directoryOf(client).catch(() => undefined);
  return { certPem, keyPem: certKey, directory };
}

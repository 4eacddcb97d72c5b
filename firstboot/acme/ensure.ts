import { readFileSync, rmSync } from 'node:fs';
import type { Emitter } from '../../core/events.js';
import { PANEL_CERT, fqdnOf } from '../../overlays/panel/nginx.js';
import type { Profile } from '../../profiles/schema/profile.js';
import { at, writeJson } from '../atomic.js';
import { ACME_PENDING_KEY, RENEWAL_FILE } from '../paths.js';
import { StepError } from '../step.js';
import { dnsTarget } from '../steps/dns.js';
import type { StepTools } from '../tools.js';
import { directoryUrlOf } from './ca.js';
import { profileChange } from './cert-profile.js';
import { type AriRecord, ariCertId, ariCheckDue, nextAriRecord, usableAri } from './ari.js';
import { type AriFetchOptions, fetchRenewalInfo } from './ari-fetch.js';
import { type CertInfo, certInfo, needsCertificate, readCertInfo, renewalDue } from './cert-info.js';
import { deployCertificate } from './deploy.js';
import { issueCertificate } from './issue.js';
import { readRenewal, type RenewalRecord } from './renewal-record.js';

/** Pure: the names on the panel's certificate (tls.acme.domains, or the node FQDN). */
export function certNames(p: Profile): string[] {
  return p.tls.acme.domains.length ? [...p.tls.acme.domains] : [fqdnOf(p)];
}

export { readRenewal, type RenewalRecord } from './renewal-record.js';

export interface EnsureResult {
  action: 'kept' | 'issued';
  reason?: string;
  info: CertInfo;
}

/** The ARI identifier of a PEM certificate, or undefined (a certificate without an authority key identifier). */
function certIdOf(pem: string | undefined): string | undefined {
  if (!pem) return undefined;
  try {
    return ariCertId(pem);
  } catch {
    return undefined;
  }
}

/**
 * The CA's ARI answer for the certificate `pem`, asked again only when the record is about
 * another certificate or CA, failed last time, or its Retry-After has passed. Never throws.
 */
async function refreshAri(
  prev: AriRecord | undefined,
  pem: string,
  info: CertInfo,
  directoryUrl: string,
  tools: StepTools,
  emit: Emitter,
  random: () => number,
  fetchOpts: AriFetchOptions,
): Promise<AriRecord | undefined> {
  const certId = certIdOf(pem);
  if (!certId) return undefined;
  if (!ariCheckDue(prev, certId, directoryUrl, tools.now())) return prev;
  const got = await fetchRenewalInfo(directoryUrl, certId, tools.now, fetchOpts);
  if (!got.ok && !got.noRenewalInfo) emit.warn(`${got.error}; renewal falls back to two thirds of the lifetime`, { step: 'certificate', code: 'W_ACME_ARI' });
  return nextAriRecord(prev, got, { directoryUrl, certId, notAfter: info.notAfter, now: tools.now(), random });
}

/**
 * The panel has a CA certificate for its names that is not yet due for renewal, or gets one now
 * (ordered, then deployed atomically). Used by the first-boot step and by `debvisor cert renew`.
 * Due means: inside the CA's ARI window when the directory offers renewalInfo, else (or when
 * that request fails) two thirds of the lifetime.
 */
export async function ensureCertificate(o: {
  root: string;
  profile: Profile;
  tools: StepTools;
  emit: Emitter;
  force?: boolean;
  random?: () => number;
}): Promise<EnsureResult> {
  const { root, profile, tools, emit } = o;
  const random = o.random ?? Math.random;
  const directoryUrl = directoryUrlOf(profile.tls.acme);
  if (!directoryUrl)
    throw new StepError('E_ACME_DIRECTORY', 'tls.acme.ca is custom but has no directoryUrl', { retryable: false, hint: 'set tls.acme.directoryUrl' });
  const names = certNames(profile);
  const current = readCertInfo(at(root, PANEL_CERT));
  const record = readRenewal(root);
  const pem = current && !current.selfSigned ? readFileSync(at(root, PANEL_CERT), 'utf8') : undefined;
  const caBundle = profile.tls.acme.caBundle;
  const ari = pem && current ? await refreshAri(record.ari, pem, current, directoryUrl, tools, emit, random, { caBundle }) : undefined;
  const certId = certIdOf(pem);
  const usable = certId ? usableAri(ari, certId, directoryUrl) : undefined;
  const asked = profile.tls.acme.profile;
  record.profile = asked;
  const changed = current && !current.selfSigned ? profileChange(asked, record.orderedProfile) : undefined;
  const reason = o.force ? 'renewal forced' : (needsCertificate(current, names, tools.now(), usable) ?? changed);
  if (!reason && current) {
    const due = renewalDue(current, usable);
    writeJson(
      at(root, RENEWAL_FILE),
      { ...record, nextDueAt: new Date(due.at).toISOString(), dueSource: due.source, ...(ari ? { ari } : {}) } satisfies RenewalRecord,
      0o644,
    );
    return { action: 'kept', info: current };
  }
  emit.info(`ordering a certificate for ${names.join(', ')} from ${directoryUrl}: ${reason}`, { step: 'certificate' });
  record.lastAttemptAt = new Date(tools.now()).toISOString();
  if (ari) record.ari = ari;
  try {
    // The CA answered ARI for the certificate in place: the new order says which one it replaces.
    const replaces = usable ? certId : undefined;
    const { certPem, keyPem, directory } = await issueCertificate({
      root,
      profile,
      names,
      directoryUrl,
      dns: dnsTarget(profile),
      tools,
      emit,
      ...(replaces ? { replaces } : {}),
    });
    await deployCertificate(root, certPem, keyPem, tools, emit);
    // The next order gets a fresh key; this one now lives in the panel's key file.
    rmSync(at(root, ACME_PENDING_KEY), { force: true });
    const info = certInfo(certPem);
    const nextAri = await refreshAri(undefined, certPem, info, directoryUrl, tools, emit, random, { caBundle, directory });
    const newId = certIdOf(certPem);
    const due = renewalDue(info, newId ? usableAri(nextAri, newId, directoryUrl) : undefined);
    writeJson(
      at(root, RENEWAL_FILE),
      {
        lastAttemptAt: record.lastAttemptAt,
        lastSuccessAt: new Date(tools.now()).toISOString(),
        nextDueAt: new Date(due.at).toISOString(),
        dueSource: due.source,
        ...(nextAri ? { ari: nextAri } : {}),
        ...(asked ? { profile: asked, orderedProfile: asked } : {}),
      } satisfies RenewalRecord,
      0o644,
    );
    return { action: 'issued', ...(reason ? { reason } : {}), info };
  } catch (err) {
    const e = err as StepError;
    writeJson(
      at(root, RENEWAL_FILE),
      { ...record, lastError: { code: e.code ?? 'E_INTERNAL', message: e.message, ...(e.hint ? { hint: e.hint } : {}) } },
      0o644,
    );
    throw err;
  }
}

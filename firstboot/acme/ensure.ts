import { rmSync } from 'node:fs';
import type { Emitter } from '../../core/events.js';
import { PANEL_CERT, fqdnOf } from '../../overlays/panel/nginx.js';
import type { Profile } from '../../profiles/schema/profile.js';
import { at, readJson, writeJson } from '../atomic.js';
import { ACME_PENDING_KEY, RENEWAL_FILE } from '../paths.js';
import { StepError } from '../step.js';
import { dnsTarget } from '../steps/dns.js';
import type { StepTools } from '../tools.js';
import { directoryUrlOf } from './ca.js';
import { type CertInfo, certInfo, needsCertificate, readCertInfo, renewalDueAt } from './cert-info.js';
import { deployCertificate } from './deploy.js';
import { issueCertificate } from './issue.js';

/** Pure: the names on the panel's certificate (tls.acme.domains, or the node FQDN). */
export function certNames(p: Profile): string[] {
  return p.tls.acme.domains.length ? [...p.tls.acme.domains] : [fqdnOf(p)];
}

/** What the renewal timer and status remember between runs. */
export interface RenewalRecord {
  lastAttemptAt?: string;
  lastSuccessAt?: string;
  lastError?: { code: string; message: string; hint?: string };
  nextDueAt?: string;
}

export const readRenewal = (root: string): RenewalRecord => readJson<RenewalRecord>(at(root, RENEWAL_FILE)) ?? {};

export interface EnsureResult {
  action: 'kept' | 'issued';
  reason?: string;
  info: CertInfo;
}

/**
 * The panel has a CA certificate for its names that is not yet due for renewal, or gets one now
 * (ordered, then deployed atomically). Used by the first-boot step and by `debvisor cert renew`.
 */
export async function ensureCertificate(o: { root: string; profile: Profile; tools: StepTools; emit: Emitter; force?: boolean }): Promise<EnsureResult> {
  const { root, profile, tools, emit } = o;
  const directoryUrl = directoryUrlOf(profile.tls.acme);
  if (!directoryUrl)
    throw new StepError('E_ACME_DIRECTORY', 'tls.acme.ca is custom but has no directoryUrl', { retryable: false, hint: 'set tls.acme.directoryUrl' });
  const names = certNames(profile);
  const current = readCertInfo(at(root, PANEL_CERT));
  const reason = o.force ? 'renewal forced' : needsCertificate(current, names, tools.now());
  const record = readRenewal(root);
  if (!reason && current) {
    writeJson(at(root, RENEWAL_FILE), { ...record, nextDueAt: new Date(renewalDueAt(current)).toISOString() }, 0o644);
    return { action: 'kept', info: current };
  }
  emit.info(`ordering a certificate for ${names.join(', ')} from ${directoryUrl}: ${reason}`, { step: 'certificate' });
  record.lastAttemptAt = new Date(tools.now()).toISOString();
  try {
    const { certPem, keyPem } = await issueCertificate({ root, profile, names, directoryUrl, dns: dnsTarget(profile), tools, emit });
    await deployCertificate(root, certPem, keyPem, tools, emit);
    // The next order gets a fresh key; this one now lives in the panel's key file.
    rmSync(at(root, ACME_PENDING_KEY), { force: true });
    const info = certInfo(certPem);
    writeJson(
      at(root, RENEWAL_FILE),
      { lastAttemptAt: record.lastAttemptAt, lastSuccessAt: new Date(tools.now()).toISOString(), nextDueAt: new Date(renewalDueAt(info)).toISOString() },
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

import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

/** What status and renewal need to know about a certificate. */
export interface CertInfo {
  subject: string;
  issuer: string;
  names: string[];
  notBefore: string;
  notAfter: string;
  serial: string;
  selfSigned: boolean;
}

export function certInfo(pem: string): CertInfo {
  const c = new X509Certificate(pem);
  const names = (c.subjectAltName ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));
  return {
    // Node gives undefined for an empty name (pebble 2.6 and Let's Encrypt's short-lived certificates have no subject CN).
    subject: (c.subject ?? '').replace(/\n/g, ', '),
    issuer: (c.issuer ?? '').replace(/\n/g, ', '),
    names,
    notBefore: new Date(c.validFrom).toISOString(),
    notAfter: new Date(c.validTo).toISOString(),
    serial: c.serialNumber,
    // checkIssued() would also want keyCertSign, which the stand-in lacks: the signature decides.
    selfSigned: c.issuer === c.subject && c.verify(c.publicKey),
  };
}

export function readCertInfo(file: string): CertInfo | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return certInfo(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Alerts start this long before expiry. */
export const EXPIRY_WARNING_DAYS = 14;
const DAY_MS = 86_400_000;

/** Pure: renew once two thirds of the lifetime have passed (Let's Encrypt's advice: day 60 of 90). */
export function renewalDueAt(info: Pick<CertInfo, 'notBefore' | 'notAfter'>): number {
  const from = Date.parse(info.notBefore);
  const to = Date.parse(info.notAfter);
  return from + Math.floor(((to - from) * 2) / 3);
}

/** Where the renewal time comes from: the CA's ARI window, or two thirds of the lifetime. */
export type DueSource = 'ARI' | 'two thirds';

/** The part of a usable ARI answer the decision needs (see ari.ts usableAri). */
export interface AriDue {
  window: { start: string; end: string };
  renewAt: string;
}

/** Pure: when renewal is due and why: the time picked inside the CA's ARI window when there is one, else two thirds. */
export function renewalDue(info: Pick<CertInfo, 'notBefore' | 'notAfter'>, ari?: AriDue): { at: number; source: DueSource } {
  return ari ? { at: Date.parse(ari.renewAt), source: 'ARI' } : { at: renewalDueAt(info), source: 'two thirds' };
}

/**
 * Pure: does this certificate need replacing now? Self-signed, other names, or due: inside the
 * CA's ARI window at the time picked (at once when the window has ended), or, without a usable
 * ARI answer, past two thirds of its life.
 */
export function needsCertificate(info: CertInfo | undefined, names: readonly string[], now: number, ari?: AriDue): string | undefined {
  if (!info) return 'no certificate';
  if (info.selfSigned) return 'the self-signed stand-in is in place';
  const missing = names.filter((n) => !info.names.includes(n));
  if (missing.length) return `the certificate lacks ${missing.join(', ')}`;
  if (ari) {
    if (now >= Date.parse(ari.window.end)) return `the CA's ARI window ended ${ari.window.end}: renewing at once`;
    if (now >= Date.parse(ari.renewAt)) return `inside the CA's ARI window (${ari.window.start} to ${ari.window.end}; time picked ${ari.renewAt})`;
    return undefined;
  }
  if (now >= renewalDueAt(info)) return `two thirds of its lifetime have passed (due ${new Date(renewalDueAt(info)).toISOString()})`;
  return undefined;
}

export function expiresWithinWarning(info: Pick<CertInfo, 'notAfter'>, now: number): boolean {
  return Date.parse(info.notAfter) - now <= EXPIRY_WARNING_DAYS * DAY_MS;
}

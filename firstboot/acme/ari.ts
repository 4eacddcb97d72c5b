import { X509Certificate } from 'node:crypto';

/**
 * ACME Renewal Information (RFC 9773; draft-ietf-acme-ari-03 as pebble 2.6 serves it): the CA
 * says when a certificate should be renewed. Pure parts only; the request is in ari-fetch.ts.
 */

/** The CA's suggested renewal window (ISO times). */
export interface AriWindow {
  start: string;
  end: string;
}

/** What renewal.json remembers about the CA's answer for the certificate in place. */
export interface AriRecord {
  /** The directory the answer came from (a `replaces` only goes back to that CA). */
  directoryUrl: string;
  /** The certificate the answer is about (its ARI identifier). */
  certId: string;
  checkedAt: string;
  /** Set when the last request was answered; absent when it failed (then `error`). */
  window?: AriWindow;
  explanationUrl?: string;
  /** The time picked once inside the window (not rolled again while the window stays the same). */
  renewAt?: string;
  /** Not asked again before this (the CA's Retry-After, clamped). */
  nextCheckAt?: string;
  /** Why the last request gave no usable answer: renewal falls back to two thirds of the lifetime. */
  error?: string;
}

/** RFC 9773 §4.3: a Retry-After below a minute or above a day is clamped; without one, ask again in 6 hours. */
export const ARI_RETRY_MIN_MS = 60_000;
export const ARI_RETRY_MAX_MS = 86_400_000;
export const ARI_RETRY_DEFAULT_MS = 6 * 3_600_000;

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

/** One DER tag-length-value at `off` (definite lengths only, as DER has). */
function tlv(b: Uint8Array, off: number): Tlv {
  const tag = b[off]!;
  let len = b[off + 1]!;
  let start = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('unsupported DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[start + i]!;
    start += n;
  }
  if (start + len > b.length) throw new Error('DER value runs past the end');
  return { tag, start, end: start + len };
}

function children(b: Uint8Array, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let off = t.start; off < t.end; ) {
    const c = tlv(b, off);
    out.push(c);
    off = c.end;
  }
  return out;
}

const AKI_OID = Buffer.from([0x55, 0x1d, 0x23]);

/**
 * Pure: the certificate's ARI identifier, base64url(AKI keyIdentifier) "." base64url(serial),
 * the serial as its DER content bytes (a leading zero byte included). Throws when the
 * certificate has no authority key identifier (no CA certificate lacks one).
 */
export function ariCertId(pem: string): string {
  const der = new Uint8Array(new X509Certificate(pem).raw);
  const tbs = children(der, tlv(der, 0))[0]!;
  const fields = children(der, tbs);
  const serial = fields[fields[0]!.tag === 0xa0 ? 1 : 0]!;
  if (serial.tag !== 0x02) throw new Error('no serial number where the certificate should have it');
  const extsWrap = fields.find((f) => f.tag === 0xa3);
  let keyId: Uint8Array | undefined;
  for (const ext of extsWrap ? children(der, children(der, extsWrap)[0]!) : []) {
    const parts = children(der, ext);
    const oid = parts[0]!;
    if (oid.tag !== 0x06 || !Buffer.from(der.subarray(oid.start, oid.end)).equals(AKI_OID)) continue;
    const value = parts[parts.length - 1]!;
    const aki = tlv(der, value.start);
    keyId = children(der, aki)
      .filter((c) => c.tag === 0x80)
      .map((c) => der.subarray(c.start, c.end))[0];
  }
  if (!keyId) throw new Error('the certificate has no authority key identifier');
  const b64 = (x: Uint8Array) => Buffer.from(x).toString('base64url');
  return `${b64(keyId)}.${b64(der.subarray(serial.start, serial.end))}`;
}

/** Pure: the `suggestedWindow` of a renewalInfo answer; throws on anything malformed (then two thirds decide). */
export function parseRenewalInfo(body: unknown): { window: AriWindow; explanationUrl?: string } {
  const b = body as { suggestedWindow?: { start?: unknown; end?: unknown }; explanationURL?: unknown } | null;
  const start = Date.parse(String(b?.suggestedWindow?.start));
  const end = Date.parse(String(b?.suggestedWindow?.end));
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new Error('the answer has no suggestedWindow with a start and an end');
  if (end <= start) throw new Error('the suggested window ends before it starts');
  return {
    window: { start: new Date(start).toISOString(), end: new Date(end).toISOString() },
    ...(typeof b?.explanationURL === 'string' ? { explanationUrl: b.explanationURL } : {}),
  };
}

/** Pure: milliseconds until the CA may be asked again (Retry-After in seconds or as an HTTP date), clamped. */
export function retryAfterMs(header: string | null | undefined, now: number): number {
  let ms = ARI_RETRY_DEFAULT_MS;
  const h = header?.trim();
  if (h && /^\d+$/.test(h)) ms = Number(h) * 1000;
  else if (h && Number.isFinite(Date.parse(h))) ms = Date.parse(h) - now;
  return Math.min(ARI_RETRY_MAX_MS, Math.max(ARI_RETRY_MIN_MS, ms));
}

/**
 * Pure: a uniformly random time inside the window (RFC 9773 §4.2), `random` in [0, 1). The
 * window is cut at the certificate's expiry first: a window reaching past it (a test CA's
 * fixed two-day window around a short-lived certificate) must not let the certificate lapse.
 */
export function chooseRenewAt(w: AriWindow, notAfter: string, random: number): string {
  const end = Math.min(Date.parse(w.end), Date.parse(notAfter));
  const start = Math.min(Date.parse(w.start), end);
  return new Date(start + Math.floor((end - start) * random)).toISOString();
}

/**
 * Pure: the record after a request for `certId`. A successful answer keeps the time picked
 * before when the window is the same (the twice-daily timer does not roll again), picks a new
 * one when the window moved. A failed one keeps nothing of the window: two thirds decide.
 */
export function nextAriRecord(
  prev: AriRecord | undefined,
  got: { ok: true; window: AriWindow; explanationUrl?: string; retryAfterMs: number } | { ok: false; error: string },
  ctx: { directoryUrl: string; certId: string; notAfter: string; now: number; random: () => number },
): AriRecord {
  const base = { directoryUrl: ctx.directoryUrl, certId: ctx.certId, checkedAt: new Date(ctx.now).toISOString() };
  if (!got.ok) return { ...base, error: got.error };
  const same = prev?.certId === ctx.certId && prev.window?.start === got.window.start && prev.window.end === got.window.end && prev.renewAt;
  return {
    ...base,
    window: got.window,
    ...(got.explanationUrl ? { explanationUrl: got.explanationUrl } : {}),
    renewAt: same ? prev.renewAt! : chooseRenewAt(got.window, ctx.notAfter, ctx.random()),
    nextCheckAt: new Date(ctx.now + got.retryAfterMs).toISOString(),
  };
}

/** Pure: is it time to ask the CA (again) about this certificate? */
export function ariCheckDue(rec: AriRecord | undefined, certId: string, directoryUrl: string, now: number): boolean {
  if (!rec || rec.certId !== certId || rec.directoryUrl !== directoryUrl) return true;
  if (rec.error || !rec.nextCheckAt) return true;
  return now >= Date.parse(rec.nextCheckAt);
}

/** Pure: the record's window when it is a usable answer for this certificate from this CA, else undefined. */
export function usableAri(rec: AriRecord | undefined, certId: string, directoryUrl: string): (AriRecord & { window: AriWindow; renewAt: string }) | undefined {
  if (!rec || rec.error || !rec.window || !rec.renewAt || rec.certId !== certId || rec.directoryUrl !== directoryUrl) return undefined;
  return rec as AriRecord & { window: AriWindow; renewAt: string };
}

import { describe, expect, it } from 'vitest';
import { ariCertId, ariCheckDue, chooseRenewAt, nextAriRecord, parseRenewalInfo, retryAfterMs, usableAri } from './ari.js';
import { needsCertificate, renewalDue } from './cert-info.js';
import { dueExplanation } from './renewal-text.js';

/**
 * RFC 9773 §4.1's example: AKI keyIdentifier 69:88:5B:...:C8:D4 and serial 0x87654321 (DER
 * 00 87 65 43 21, the leading zero kept) give "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE". A self-signed
 * certificate made with openssl (-set_serial 0x87654321, that subject key identifier).
 */
const RFC_EXAMPLE = `-----BEGIN CERTIFICATE-----
MIIBcTCCARigAwIBAgIFAIdlQyEwCgYIKoZIzj0EAwIwFjEUMBIGA1UEAwwLYXJp
LWV4YW1wbGUwHhcNMjYxMTI4MDIwMzQ0WhcNMzYxMTI1MDIwMzQ0WjAWMRQwEgYD
VQQDDAthcmktZXhhbXBsZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABJky6QxV
AMdni3kxUL+KSNYXbJ0f/Bs0V6kNePLDwyZN70o1x6gw2dIo8Ozdrra50rXVpYAE
38zMn/tatg+xuX2jUzBRMA8GA1UdEwEB/wQFMAMBAf8wHQYDVR0OBBYEFGmIW2uH
RkBB4bN7hHugrizeAcjUMB8GA1UdIwQYMBaAFGmIW2uHRkBB4bN7hHugrizeAcjU
MAoGCCqGSM49BAMCA0cAMEQCIEByaQVkaoRBrQ2Q91cEdc9SATBslY5i0R0xG2iT
744GAiAryigb2ElXMShsTH9SWQVixFVw/L5KJu4O0CgxXldKgQ==
-----END CERTIFICATE-----
`;

const info = {
  subject: 'CN=a',
  issuer: 'CN=CA',
  names: ['a.example.com'],
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2026-04-01T00:00:00.000Z',
  serial: '01',
  selfSigned: false,
};
const window = { start: '2026-02-20T00:00:00.000Z', end: '2026-02-22T00:00:00.000Z' };
const ctx = { directoryUrl: 'https://ca/dir', certId: 'k.s', notAfter: info.notAfter, now: Date.parse('2026-02-01T00:00:00Z'), random: () => 0.5 };

describe('ARI identifier', () => {
  it("is RFC 9773's example for its key identifier and serial", () => {
    expect(ariCertId(RFC_EXAMPLE)).toBe('aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE');
  });
  it('refuses what is not a certificate', () => {
    expect(() => ariCertId('nope')).toThrow();
  });
});

describe('the CA answer', () => {
  it('takes the suggested window and refuses a malformed one', () => {
    expect(parseRenewalInfo({ suggestedWindow: { start: '2026-02-20T00:00:00Z', end: '2026-02-22T00:00:00Z' }, explanationURL: 'https://x' })).toEqual({
      window,
      explanationUrl: 'https://x',
    });
    expect(() => parseRenewalInfo({ suggestedWindow: { start: window.end, end: window.start } })).toThrow(/ends before/);
    expect(() => parseRenewalInfo({})).toThrow(/suggestedWindow/);
    expect(() => parseRenewalInfo(null)).toThrow();
  });
  it('clamps Retry-After to one minute .. one day; six hours without one; an HTTP date too', () => {
    const now = Date.parse('2026-02-01T00:00:00Z');
    expect(retryAfterMs('21600', now)).toBe(21_600_000);
    expect(retryAfterMs('5', now)).toBe(60_000);
    expect(retryAfterMs('999999', now)).toBe(86_400_000);
    expect(retryAfterMs(null, now)).toBe(6 * 3_600_000);
    expect(retryAfterMs('Sun, 01 Feb 2026 02:00:00 GMT', now)).toBe(2 * 3_600_000);
    expect(retryAfterMs('garbage', now)).toBe(6 * 3_600_000);
  });
});

describe('the renewal time inside the window', () => {
  it('is uniform over the window, cut at expiry', () => {
    expect(chooseRenewAt(window, info.notAfter, 0)).toBe(window.start);
    expect(chooseRenewAt(window, info.notAfter, 0.5)).toBe('2026-02-21T00:00:00.000Z');
    // A two-day window around a certificate that lives one minute: never after its expiry.
    const short = { start: '2026-01-01T00:00:00.000Z', end: '2026-01-03T00:00:00.000Z' };
    expect(chooseRenewAt(short, '2026-01-02T00:00:00.000Z', 0.999)).toBe('2026-01-01T23:58:33.600Z');
    expect(chooseRenewAt({ start: '2026-05-01T00:00:00Z', end: '2026-05-02T00:00:00Z' }, info.notAfter, 0.3)).toBe(info.notAfter);
  });
  it('is picked once: the same window keeps it, a moved window picks again, a failure drops it', () => {
    const first = nextAriRecord(undefined, { ok: true, window, retryAfterMs: 3_600_000 }, ctx);
    expect(first).toMatchObject({ renewAt: '2026-02-21T00:00:00.000Z', nextCheckAt: '2026-02-01T01:00:00.000Z', certId: 'k.s' });
    const again = nextAriRecord(first, { ok: true, window, retryAfterMs: 3_600_000 }, { ...ctx, random: () => 0.1 });
    expect(again.renewAt).toBe(first.renewAt);
    const moved = nextAriRecord(first, { ok: true, window: { ...window, start: '2026-02-19T00:00:00.000Z' }, retryAfterMs: 1 }, { ...ctx, random: () => 0 });
    expect(moved.renewAt).toBe('2026-02-19T00:00:00.000Z');
    const otherCert = nextAriRecord(first, { ok: true, window, retryAfterMs: 1 }, { ...ctx, certId: 'k.t', random: () => 0 });
    expect(otherCert.renewAt).toBe(window.start);
    const failed = nextAriRecord(first, { ok: false, error: 'the ARI request failed: HTTP 500' }, ctx);
    expect(failed.window).toBeUndefined();
    expect(usableAri(failed, 'k.s', ctx.directoryUrl)).toBeUndefined();
    expect(ariCheckDue(failed, 'k.s', ctx.directoryUrl, ctx.now)).toBe(true);
  });
  it('asks the CA again after Retry-After, or for another certificate or CA', () => {
    const rec = nextAriRecord(undefined, { ok: true, window, retryAfterMs: 3_600_000 }, ctx);
    expect(ariCheckDue(rec, 'k.s', ctx.directoryUrl, ctx.now + 3_599_999)).toBe(false);
    expect(ariCheckDue(rec, 'k.s', ctx.directoryUrl, ctx.now + 3_600_000)).toBe(true);
    expect(ariCheckDue(rec, 'k.t', ctx.directoryUrl, ctx.now)).toBe(true);
    expect(ariCheckDue(rec, 'k.s', 'https://other/dir', ctx.now)).toBe(true);
    expect(usableAri(rec, 'k.s', 'https://other/dir')).toBeUndefined();
    expect(usableAri(rec, 'k.s', ctx.directoryUrl)?.renewAt).toBe('2026-02-21T00:00:00.000Z');
  });
});

describe('due: ARI or two thirds', () => {
  const ari = { window, renewAt: '2026-02-21T00:00:00.000Z' };
  it('follows the window when there is one: at the time picked, at once when it ended', () => {
    expect(needsCertificate(info, ['a.example.com'], Date.parse('2026-02-20T23:59:59Z'), ari)).toBeUndefined();
    expect(needsCertificate(info, ['a.example.com'], Date.parse('2026-02-21T00:00:00Z'), ari)).toMatch(/inside the CA's ARI window/);
    expect(needsCertificate(info, ['a.example.com'], Date.parse('2026-03-01T00:00:00Z'), { window, renewAt: '2026-02-23T00:00:00Z' })).toMatch(
      /ARI window ended .*renewing at once/,
    );
    // Two thirds (2026-03-02) is not what decides while the CA answers.
    expect(needsCertificate(info, ['a.example.com'], Date.parse('2026-02-10T00:00:00Z'), ari)).toBeUndefined();
    expect(renewalDue(info, ari)).toEqual({ at: Date.parse(ari.renewAt), source: 'ARI' });
  });
  it('falls back to two thirds without an answer', () => {
    expect(renewalDue(info)).toEqual({ at: Date.parse('2026-03-02T00:00:00Z'), source: 'two thirds' });
    expect(needsCertificate(info, ['a.example.com'], Date.parse('2026-03-02T00:00:00Z'))).toMatch(/two thirds/);
  });
  it('says where the time comes from', () => {
    const rec = nextAriRecord(undefined, { ok: true, window, retryAfterMs: 3_600_000 }, ctx);
    expect(dueExplanation({ nextDueAt: rec.renewAt, dueSource: 'ARI', ari: rec })).toBe(
      "ARI: the CA's window 2026-02-20T00:00:00.000Z to 2026-02-22T00:00:00.000Z, asked again after 2026-02-01T01:00:00.000Z",
    );
    const failed = nextAriRecord(rec, { ok: false, error: 'the ARI request failed: HTTP 500' }, ctx);
    expect(dueExplanation({ dueSource: 'two thirds', ari: failed })).toBe('two thirds of the lifetime; the ARI request failed: HTTP 500');
    expect(dueExplanation({ dueSource: 'two thirds' })).toBe('two thirds of the lifetime');
  });
});

import { describe, expect, it } from 'vitest';
import { classifyAcmeError } from './errors.js';
import { expiresWithinWarning, needsCertificate, renewalDueAt } from './cert-info.js';

const info = {
  subject: 'CN=a',
  issuer: 'CN=CA',
  names: ['a.example.com'],
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2026-04-01T00:00:00.000Z',
  serial: '01',
  selfSigned: false,
};

describe('renewal timing', () => {
  it('is due at two thirds of the lifetime', () => {
    expect(new Date(renewalDueAt(info)).toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(needsCertificate(info, ['a.example.com'], Date.parse('2026-03-01T23:59:59Z'))).toBeUndefined();
    expect(needsCertificate(info, ['a.example.com'], Date.parse('2026-03-02T00:00:00Z'))).toMatch(/two thirds/);
  });
  it('replaces the self-signed stand-in and a certificate that lacks a name', () => {
    expect(needsCertificate({ ...info, selfSigned: true }, ['a.example.com'], 0)).toMatch(/self-signed/);
    expect(needsCertificate(info, ['a.example.com', '*.a.example.com'], 0)).toMatch(/lacks \*\.a\.example\.com/);
    expect(needsCertificate(undefined, ['a'], 0)).toBe('no certificate');
  });
  it('warns from 14 days before expiry', () => {
    expect(expiresWithinWarning(info, Date.parse('2026-03-18T00:00:01Z'))).toBe(true);
    expect(expiresWithinWarning(info, Date.parse('2026-03-17T23:59:59Z'))).toBe(false);
  });
});

describe('ACME failures', () => {
  const dir = 'https://ca.example/dir';
  it('a CA that cannot be reached is retried, an untrusted one or a wrong directory is final', () => {
    expect(classifyAcmeError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), dir)).toMatchObject({
      code: 'E_ACME_UNREACHABLE',
      retryable: true,
      remote: `acme:${dir}`,
    });
    expect(classifyAcmeError(Object.assign(new Error('x'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }), dir)).toMatchObject({
      code: 'E_ACME_CA_UNTRUSTED',
      retryable: false,
    });
    expect(classifyAcmeError(new Error(`Attempting to read ACME directory returned error 404: ${dir}`), dir)).toMatchObject({
      code: 'E_ACME_DIRECTORY',
      retryable: false,
    });
    expect(classifyAcmeError(new Error(`Attempting to read ACME directory returned error 503: ${dir}`), dir).retryable).toBe(true);
    expect(classifyAcmeError(new Error('External account binding key ID and HMAC are invalid'), dir)).toMatchObject({ code: 'E_ACME_EAB', retryable: false });
  });
});

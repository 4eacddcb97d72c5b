import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCert } from '../test/integration/helpers/test-cert.js';
import { caBundleCertificates } from './pem.js';

const dir = mkdtempSync(join(tmpdir(), 'pem-test-'));
let a: string;
let b: string;
beforeAll(async () => {
  a = readFileSync((await makeTestCert(dir, 'root-a')).cert, 'utf8');
  b = readFileSync((await makeTestCert(dir, 'root-b')).cert, 'utf8');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('caBundleCertificates', () => {
  it('returns every certificate of a base64 PEM bundle, in order, text around them ignored', () => {
    const got = caBundleCertificates(b64(`# our roots\n${a}\nsome comment\n${b.replace(/\n/g, '\r\n')}`));
    expect(got).toEqual([a, b]);
  });

  it('refuses text that is no base64 of PEM, and a certificate that does not parse, saying which', () => {
    expect(() => caBundleCertificates('bm90IGEgY2VydGlmaWNhdGU=')).toThrow(/holds no PEM certificate/);
    expect(() => caBundleCertificates(a)).toThrow(/holds no PEM certificate/);
    const broken = a.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA');
    expect(() => caBundleCertificates(b64(`${b}${broken}`))).toThrow(/certificate 2 of 2 does not parse/);
  });
});

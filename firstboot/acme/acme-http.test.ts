import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTestCert } from '../../test/integration/helpers/test-cert.js';
import { acmeHttp } from './acme-http.js';

const dir = mkdtempSync(join(tmpdir(), 'acme-http-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('acmeHttp', () => {
  it("trusts only the profile's bundle when given one, the node's store otherwise, and never retries by itself", async () => {
    const pem = readFileSync((await makeTestCert(dir, 'ca')).cert, 'utf8');
    const ax = acmeHttp(Buffer.from(pem).toString('base64')) as unknown as {
      defaults: { httpsAgent?: { options: { ca?: string[] } }; acmeSettings: { retryMaxAttempts: number } };
    };
    expect(ax.defaults.httpsAgent?.options.ca).toEqual([pem]);
    expect(ax.defaults.acmeSettings.retryMaxAttempts).toBe(0);
    acmeHttp(undefined);
    expect(ax.defaults.httpsAgent).toBeUndefined();
  });

  it('a bundle that is not one (an installed profile edited by hand) is a final step error that says what to do', () => {
    expect(() => acmeHttp('bm90IGEgY2VydGlmaWNhdGU=')).toThrow(expect.objectContaining({ code: 'E_ACME_CA_BUNDLE', retryable: false }));
  });
});

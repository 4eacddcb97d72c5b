import { X509Certificate } from 'node:crypto';

const BLOCK = /-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+?-----END CERTIFICATE-----/g;

/**
 * Pure: the certificates of a CA bundle given as one line, base64 of the PEM text (as
 * cert-manager's `caBundle`; profile strings are single lines). Throws an Error that says what is
 * wrong when the text is not base64 of PEM certificates or one of them does not parse.
 */
export function caBundleCertificates(b64: string): string[] {
  const text = Buffer.from(b64.trim(), 'base64').toString('utf8');
  const pems = text.match(BLOCK) ?? [];
  if (pems.length === 0) throw new Error('it holds no PEM certificate (-----BEGIN CERTIFICATE-----) once base64-decoded');
  pems.forEach((pem, i) => {
    try {
      new X509Certificate(pem);
    } catch (err) {
      throw new Error(`certificate ${i + 1} of ${pems.length} does not parse: ${(err as Error).message}`);
    }
  });
  return pems.map((p) => `${p.replace(/\r/g, '')}\n`);
}

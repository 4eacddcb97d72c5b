import { execa } from 'execa';
import { join } from 'node:path';

export interface TestCert {
  cert: string;
  key: string;
}

/**
 * A short-lived ECDSA P-256 certificate for a test's TLS server, made by openssl in `dir` as
 * NAME.pem and NAME.key: self-signed, or issued by `ca`, with an optional subjectAltName.
 */
export async function makeTestCert(dir: string, name: string, opts: { cn?: string; ca?: TestCert; san?: string } = {}): Promise<TestCert> {
  const out = { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
  await execa(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', `/CN=${opts.cn ?? name}`],
      ...(opts.ca ? ['-CA', opts.ca.cert, '-CAkey', opts.ca.key] : []),
      ...(opts.san ? ['-addext', `subjectAltName=${opts.san}`] : []),
      ...['-keyout', out.key, '-out', out.cert],
    ],
    { stdin: 'ignore' },
  );
  return out;
}

import { caBundleCertificates } from '../../core/pem.js';
import { isDomainName } from './names.js';
import { finding, type Rule } from './types.js';
import type { Finding } from '../../core/issue.js';

export const checkTls: Rule = (p) => {
  const out: Finding[] = [];
  const acme = p.tls.acme;
  if (!acme.enabled) return out;
  if (acme.ca === 'custom' && !acme.directoryUrl) {
    out.push(
      finding(
        '/tls/acme/directoryUrl',
        'E_ACME_DIRECTORY',
        'ca is custom but no directoryUrl is given',
        "set directoryUrl to the CA's ACME directory, for example https://acme.example.com/directory",
      ),
    );
  }
  if (acme.ca !== 'custom' && acme.directoryUrl) {
    out.push(
      finding(
        '/tls/acme/directoryUrl',
        'E_ACME_DIRECTORY',
        `directoryUrl is only used with ca: custom (ca is ${acme.ca})`,
        'set ca: custom or remove directoryUrl',
      ),
    );
  }
  if (acme.caBundle !== undefined) {
    try {
      caBundleCertificates(acme.caBundle);
    } catch (err) {
      out.push(
        finding(
          '/tls/acme/caBundle',
          'E_ACME_CA_BUNDLE',
          `caBundle is not a CA bundle: ${(err as Error).message}`,
          'give the PEM file of the CA that signs the ACME server as one base64 line: base64 -w0 ca.pem',
        ),
      );
    }
  }
  if (acme.ca === 'zerossl' && !acme.eab) {
    out.push(finding('/tls/acme/eab', 'E_ACME_EAB', 'ZeroSSL requires external account binding', 'set tls.acme.eab.kid and hmacKey from your ZeroSSL account'));
  }
  if (acme.ca === 'google' && !acme.eab) {
    out.push(
      finding(
        '/tls/acme/eab',
        'E_ACME_EAB',
        'Google Trust Services requires external account binding',
        'set tls.acme.eab.kid and hmacKey from `gcloud publicca external-account-keys create`',
      ),
    );
  }
  acme.domains.forEach((d, i) => {
    const path = `/tls/acme/domains/${i}`;
    if (!isDomainName(d, true) || !d.includes('.')) {
      out.push(finding(path, 'E_ACME_DOMAIN', `'${d}' is not a valid certificate name`, 'use a fully qualified name, or *.name for a wildcard'));
    } else if (d.startsWith('*.') && acme.challenge !== 'dns-01') {
      out.push(
        finding(
          path,
          'E_ACME_WILDCARD',
          `wildcard name ${d} needs the dns-01 challenge`,
          'set tls.acme.challenge: dns-01 (answered through the DNS registration key)',
        ),
      );
    }
  });
  const dup = acme.domains.find((d, i) => acme.domains.indexOf(d) !== i);
  if (dup) out.push(finding('/tls/acme/domains', 'E_ACME_DOMAIN', `'${dup}' is listed twice`));
  if (acme.domains.length === 0 && p.node.fqdnSource === 'static' && !p.node.domain) {
    out.push(finding('/tls/acme/domains', 'E_ACME_NO_NAME', 'the certificate has no name: no domains and no node FQDN'));
  }
  if (acme.challenge === 'dns-01' && !p.dns.tsig) {
    out.push(
      finding(
        '/tls/acme/challenge',
        'E_ACME_DNS01_KEY',
        'dns-01 needs a way to write TXT records, and dns.tsig is not set',
        'set dns.server and dns.tsig so first boot can publish the challenge',
      ),
    );
  }
  return out;
};

import { obj, str, secret, bool, oneOfStrings, list, httpsUrl, Type } from '../../core/schema-helpers.js';

export const ACME_CAS = ['letsencrypt', 'letsencrypt-staging', 'zerossl', 'buypass', 'google', 'custom'] as const;

export const TlsSchema = obj(
  'Certificates for the panel and the node.',
  {
    acme: obj(
      'ACME certificates. Until the first one arrives the panel uses a self-signed certificate; it never falls back to plain HTTP.',
      {
        enabled: bool('Request and renew certificates by ACME.', true),
        ca: oneOfStrings('Certificate authority. `zerossl` and `google` need `eab`; `custom` needs `directoryUrl`.', ACME_CAS, 'letsencrypt'),
        directoryUrl: Type.Optional(
          httpsUrl('ACME directory URL of a custom CA (https, without user or password).', 'an ACME directory URL is an https:// URL without user or password'),
        ),
        caBundle: Type.Optional(
          str(
            "The CA certificates (PEM) the ACME server's HTTPS certificate must chain to, base64-encoded as one line (`base64 -w0 ca.pem`), for a CA of your own (step-ca, a private Boulder or Pebble). When set, first boot and renewal trust only these for the ACME server, not the node's trust store.",
            { pattern: '^[A-Za-z0-9+/]+={0,2}$', maxLength: 65536 },
          ),
        ),
        email: Type.Optional(str('Account contact address.', { format: 'email' })),
        challenge: oneOfStrings('Challenge type. Wildcard names need `dns-01`.', ['http-01', 'dns-01'] as const, 'http-01'),
        domains: list('Names on the certificate. Empty means the node FQDN. `*.example.com` wildcards need dns-01.', str('A DNS name.'), { default: [] }),
        profile: Type.Optional(str('ACME certificate profile to request, for example `tlsserver` or `shortlived`.', { pattern: '^[a-z0-9-]+$' })),
        eab: Type.Optional(
          obj('External account binding, for CAs that require it.', {
            kid: str('Key identifier given by the CA.', { minLength: 1 }),
            hmacKey: secret('HMAC key given by the CA (base64url).'),
          }),
        ),
      },
      { default: {} },
    ),
  },
  { default: {} },
);

import { obj, str, secret, oneOfStrings, httpsUrl, Type } from '../../core/schema-helpers.js';

export const ClusterSchema = obj(
  'Cluster membership, finished by first boot.',
  {
    role: oneOfStrings('`standalone`, `init` (create a new cluster) or `join` (join an existing one).', ['standalone', 'init', 'join'] as const, 'standalone'),
    name: Type.Optional(
      str('Cluster name (init).', {
        pattern: '^[a-z][a-z0-9-]{0,14}$',
        'x-hint': 'lower-case letters, digits and -, at most 15 characters, starting with a letter',
      }),
    ),
    join: Type.Optional(
      obj('How to join an existing cluster (role `join`).', {
        endpoint: Type.Optional(
          httpsUrl(
            'HTTPS join API of an existing member, for example `https://pve1.example.com:8443`.',
            'the join endpoint is an https:// URL without user or password (the token authenticates)',
          ),
        ),
        token: Type.Optional(secret('One-time join token issued by the cluster.')),
        caPin: Type.Optional(
          str('SHA-256 fingerprint of the cluster CA certificate, `sha256:` and 64 hex digits.', {
            pattern: '^sha256:[0-9a-fA-F]{64}$',
            // A join token is easily pasted here by mistake: a wrong value is never repeated.
            'x-no-echo': true,
            'x-hint': 'get it on a member with `debvisor cluster ca-pin`, or `openssl x509 -noout -fingerprint -sha256`',
          }),
        ),
      }),
    ),
  },
  { default: {} },
);

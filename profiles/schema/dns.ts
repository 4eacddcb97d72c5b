import { obj, str, secret, bool, int, list, Type } from '../../core/schema-helpers.js';

export const DnsSchema = obj(
  'Registration of the node name by RFC 2136 dynamic update, signed with TSIG.',
  {
    register: bool('Register the node A/AAAA records at first boot. Needs `server` and `tsig`.', true),
    server: Type.Optional(str('Primary name server that accepts the updates (host name or IP).')),
    port: int('Port of the name server.', { minimum: 1, maximum: 65535, default: 53 }),
    zone: Type.Optional(str('Zone to update. Default: the node domain.')),
    ttl: int('TTL of the registered records, in seconds.', { minimum: 30, maximum: 86400, default: 300 }),
    records: list('Record types to register.', Type.Unsafe<'A' | 'AAAA'>({ type: 'string', enum: ['A', 'AAAA'], description: 'A record type.' }), {
      default: ['A', 'AAAA'],
      minItems: 1,
      uniqueItems: true,
    }),
    tsig: Type.Optional(
      obj("TSIG key of this node; the server should let it change only the node's own names.", {
        name: str('Key name as the server knows it.', { minLength: 1 }),
        algorithm: str('HMAC algorithm: hmac-sha256 (recommended), hmac-sha384, hmac-sha512 or hmac-sha224.', { default: 'hmac-sha256' }),
        secret: secret('Base64 key secret, as written by `tsig-keygen` or `knotc`.'),
      }),
    ),
  },
  { default: {} },
);

import { obj, str, oneOfStrings, Type } from '../../core/schema-helpers.js';

export const NodeSchema = obj(
  'The node itself: its name and regional settings.',
  {
    hostname: Type.Optional(
      str('Short host name (one DNS label). Required unless `fqdnSource` is `dhcp`.', {
        'x-hint': 'letters, digits and hyphens, 1-63 characters, not starting or ending with a hyphen',
      }),
    ),
    domain: Type.Optional(str('DNS domain of the node; hostname + domain is its FQDN. With `fqdnSource: dhcp`, the fallback when DHCP gives none.')),
    fqdnSource: oneOfStrings(
      'Where the FQDN comes from: this profile (`static`) or the DHCP lease at install time (`dhcp`).',
      ['static', 'dhcp'] as const,
      'static',
    ),
    timezone: str('IANA time zone, for example `Europe/Berlin` or `UTC`.', { default: 'UTC', pattern: '^[A-Za-z0-9_+\\-]+(/[A-Za-z0-9_+\\-]+)*$' }),
    locale: str('System locale.', {
      default: 'en_US.UTF-8',
      pattern: '^[a-z]{2,3}(_[A-Z]{2})?(\\.[A-Za-z0-9-]+)?(@[a-z]+)?$',
      'x-hint': 'a locale looks like en_US.UTF-8',
    }),
    keyboard: str('Console keyboard layout (XKB layout name), for example `us`, `de`, `fr`.', { default: 'us', pattern: '^[a-z]{2,8}([-_][a-z0-9]+)*$' }),
  },
  { default: {} },
);

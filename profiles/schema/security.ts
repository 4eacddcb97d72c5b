import { obj, bool, int, oneOfStrings, duration, list, str, Type } from '../../core/schema-helpers.js';
import { FirewallSchema } from './firewall.js';

export const SSH_LEVELS = ['basic', 'standard', 'hardened'] as const;

export const SecuritySchema = obj(
  'Hardened defaults: SSH, firewall, intrusion detection and the web panel.',
  {
    ssh: obj(
      'The SSH server.',
      {
        level: oneOfStrings('Preset: `basic` (wide client support), `standard`, or `hardened` (ssh-audit hardening policy).', SSH_LEVELS, 'hardened'),
        port: int('Listening port.', { minimum: 1, maximum: 65535, default: 22 }),
        rootLogin: bool('Allow root to log in over SSH. Leave off: log in as the admin and use sudo.', false),
        maxAuthTries: int('Authentication attempts per connection.', { minimum: 1, maximum: 10, default: 3 }),
        loginGraceTime: int('Seconds to finish logging in.', { minimum: 10, maximum: 600, default: 30 }),
        userCaKeys: Type.Optional(
          list(
            'SSH CA public keys (whole .pub lines) whose user certificates sshd accepts (`TrustedUserCAKeys`), beside the keys in authorized_keys. The certificate must name the user as a principal; TOTP is still asked.',
            str('One CA public key, for example `ssh-ed25519 AAAA... ops-user-ca`.'),
            { maxItems: 16 },
          ),
        ),
      },
      { default: {} },
    ),
    firewall: FirewallSchema,
    ids: obj(
      'Intrusion detection feeding the firewall blocklist.',
      {
        fail2ban: obj(
          'fail2ban jails for SSH and the panel; bans land in the nftables `blocklist` set with the ban time as timeout.',
          {
            enabled: bool('Run fail2ban.', true),
            maxRetry: int('Failures before a ban.', { minimum: 1, maximum: 100, default: 5 }),
            findTime: duration('Window in which failures are counted.', '10m'),
            banTime: duration('How long an address stays banned.', '1h'),
          },
          { default: {} },
        ),
      },
      { default: {} },
    ),
    panel: obj(
      'The web panel, served only over HTTPS.',
      {
        httpsPort: int('HTTPS port of the panel.', { minimum: 1, maximum: 65535, default: 443 }),
        httpPort: int('HTTP port that only redirects to HTTPS and answers ACME HTTP-01.', { minimum: 1, maximum: 65535, default: 80 }),
        upstreamPort: int('Local port of the panel service the proxy forwards to.', { minimum: 1, maximum: 65535, default: 8006 }),
        hsts: bool('Send Strict-Transport-Security for two years.', true),
      },
      { default: {} },
    ),
  },
  { default: {} },
);

export { Type };

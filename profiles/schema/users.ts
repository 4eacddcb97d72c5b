import { obj, str, secret, bool, list, Type } from '../../core/schema-helpers.js';

export const UsersSchema = obj('Local accounts. Root is locked; the admin logs in and uses sudo.', {
  admin: obj('The administrator account (member of sudo and of the SSH login group).', {
    name: str('Login name.', {
      pattern: '^[a-z_][a-z0-9_-]{0,31}$',
      'x-hint': 'lower-case letters, digits, _ and -, starting with a letter or _, at most 32 characters',
    }),
    passwordHash: Type.Optional(secret('Password hash for console and sudo: yescrypt (`$y$`) or SHA-512 crypt (`$6$`). Never a plain password.')),
    sshKeys: list('SSH public keys in authorized_keys format (`ssh-ed25519 AAAA... comment`).', str('One public key.'), { default: [] }),
    mfa: obj(
      'Second factor for SSH and sudo.',
      {
        totp: bool('Require a TOTP code (RFC 6238) after the SSH key.', true),
        totpSecret: Type.Optional(
          secret(
            "The admin's TOTP secret (base32, at least 160 bits), for installs with nobody at the console: the installer writes it to `/var/lib/debvisor/mfa/ADMIN` (root only). Without it, the TUI enrols one, or `sudo debvisor mfa enroll` on the console after the install.",
            // Its form is checked by a rule (profiles/rules/users.ts), not a pattern: the saved profile holds `<redacted>` here.
            { maxLength: 128 },
          ),
        ),
      },
      { default: {} },
    ),
  }),
});

import { parseSshPublicKey } from '../../core/ssh-key.js';
import { checkPasswordHash } from '../../core/password-hash.js';
import { finding, type Rule } from './types.js';
import type { Finding } from '../../core/issue.js';

const RESERVED_USERS = [
  'root',
  'daemon',
  'bin',
  'sys',
  'sync',
  'games',
  'man',
  'lp',
  'mail',
  'news',
  'uucp',
  'proxy',
  'www-data',
  'backup',
  'list',
  'irc',
  'nobody',
  'sshd',
  '_apt',
  'systemd-network',
];

export const checkUsers: Rule = (p) => {
  const out: Finding[] = [];
  const admin = p.users.admin;
  if (RESERVED_USERS.includes(admin.name)) {
    out.push(
      finding(
        '/users/admin/name',
        'E_USER_RESERVED',
        `'${admin.name}' is a system account`,
        admin.name === 'root' ? 'root is locked on DebVisor: pick a personal admin name; it gets sudo' : 'pick another name',
      ),
    );
  }
  if (admin.passwordHash !== undefined) {
    const r = checkPasswordHash(admin.passwordHash);
    // The message never repeats the value: it may be a real password.
    if (!r.ok) out.push(finding('/users/admin/passwordHash', 'E_PASSWORD_HASH', r.reason, r.hint));
  }
  const totp = admin.mfa.totpSecret;
  // The message never repeats the value: it is a secret.
  if (totp !== undefined && !/^[A-Z2-7]{32,128}$/.test(totp))
    out.push(
      finding(
        '/users/admin/mfa/totpSecret',
        'E_TOTP_SECRET',
        'the TOTP secret is not base32 of at least 160 bits',
        "base32 (A-Z, 2-7), at least 32 characters: `debvisor mfa enroll` shows one, or any authenticator app's export",
      ),
    );
  const seen = new Map<string, number>();
  admin.sshKeys.forEach((line, i) => {
    const r = parseSshPublicKey(line);
    if (!r.ok) {
      out.push(
        finding(
          `/users/admin/sshKeys/${i}`,
          'E_SSH_KEY',
          `not a usable SSH public key: ${r.reason}`,
          'paste the whole line of the .pub file, for example from ~/.ssh/id_ed25519.pub',
        ),
      );
      return;
    }
    const id = r.key.blob.toString('base64');
    if (seen.has(id)) out.push(finding(`/users/admin/sshKeys/${i}`, 'E_SSH_KEY_DUPLICATE', `the same key as sshKeys/${seen.get(id)}`));
    else seen.set(id, i);
  });
  (p.security.ssh.userCaKeys ?? []).forEach((line, i) => {
    const r = parseSshPublicKey(line);
    if (!r.ok)
      out.push(
        finding(`/security/ssh/userCaKeys/${i}`, 'E_SSH_CA_KEY', `not a usable SSH CA public key: ${r.reason}`, "paste the whole line of the CA's .pub file"),
      );
  });
  if (admin.sshKeys.length === 0) {
    const hint =
      admin.passwordHash === undefined ? 'add sshKeys (and a passwordHash for the console and sudo)' : 'add at least one key: password-only SSH login is off';
    out.push(finding('/users/admin/sshKeys', 'E_ADMIN_NO_SSH', 'the admin has no SSH key, so nobody can log in over SSH', hint));
  }
  if (admin.passwordHash === undefined) {
    out.push(
      finding(
        '/users/admin/passwordHash',
        'E_ADMIN_NO_PASSWORD',
        'the admin has no password hash, so sudo and the console cannot be used',
        'add passwordHash (yescrypt or SHA-512 crypt)',
      ),
    );
  }
  return out;
};

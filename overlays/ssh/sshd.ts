import type { TargetFacts } from '../../core/facts.js';
import { atLeast } from '../../core/facts.js';
import type { Profile } from '../../profiles/schema/profile.js';
import { renderTemplate } from '../../core/template.js';
import { algorithms } from './algorithms.js';
import { MIN_RSA_BITS } from '../../core/ssh-key.js';

export const SSHD_DROPIN = '/etc/ssh/sshd_config.d/10-debvisor.conf';
export const PAM_SSHD = '/etc/pam.d/sshd';
export const ADMIN_GROUP = 'debvisor-admin';
export const MFA_DIR = '/var/lib/debvisor/mfa';
/** The user CAs sshd trusts (`TrustedUserCAKeys`), from security.ssh.userCaKeys. */
export const USER_CA_KEYS = '/etc/ssh/debvisor_user_ca.pub';

const tpl = (name: string, data: object) => renderTemplate(import.meta.url, `templates/${name}`, data);

export function mfaOn(p: Profile): boolean {
  return p.users.admin.mfa.totp;
}

export function renderSshdDropin(p: Profile, facts: TargetFacts): string {
  const ssh = p.security.ssh;
  const level = ssh.level;
  return tpl('sshd-debvisor.conf.hbs', {
    level,
    opensshVersion: facts.openssh.join('.'),
    port: ssh.port,
    permitRootLogin: ssh.rootLogin ? 'prohibit-password' : 'no',
    kbdInteractive: mfaOn(p) ? 'yes' : 'no',
    authenticationMethods: mfaOn(p) ? 'publickey,keyboard-interactive:pam' : 'publickey',
    allowGroups: ssh.rootLogin ? `${ADMIN_GROUP} root` : ADMIN_GROUP,
    maxAuthTries: ssh.maxAuthTries,
    loginGraceTime: ssh.loginGraceTime,
    maxSessions: level === 'hardened' ? 4 : 8,
    disableForwarding: level === 'hardened',
    requiredRsaSize: atLeast(facts.openssh, 9, 1) ? MIN_RSA_BITS : undefined,
    algorithms: algorithms(level, facts),
    caAlgorithms: level === 'basic' ? undefined : 'sk-ssh-ed25519@openssh.com,ssh-ed25519,rsa-sha2-512,rsa-sha2-256',
    trustedUserCaKeys: ssh.userCaKeys?.length ? USER_CA_KEYS : undefined,
  });
}

/** The user CA keys file (written only when the profile names user CAs). */
export function renderUserCaKeys(p: Profile): string {
  const keys = (p.security.ssh.userCaKeys ?? []).map((k) => k.trim());
  return `# SSH CAs whose user certificates are accepted (security.ssh.userCaKeys). Generated; do not edit.\n${keys.map((k) => `${k}\n`).join('')}`;
}

export function renderPamSshd(p: Profile): string {
  return tpl('pam-sshd.hbs', { totp: mfaOn(p), secretDir: MFA_DIR });
}

export function renderAuthorizedKeys(p: Profile): string {
  return `# Keys of ${p.users.admin.name}, from the DebVisor profile.\n${p.users.admin.sshKeys.map((k) => k.trim()).join('\n')}\n`;
}

export function renderBanner(): string {
  return 'Authorized access only. Connections are logged; failed logins lead to a ban.\n';
}

/** sudo for the admin group: a password every time after 5 minutes, a pty, and a log. */
export function renderSudoers(): string {
  return [
    '# DebVisor: administrators use sudo; root itself is locked. Generated; do not edit.',
    'Defaults use_pty',
    'Defaults logfile="/var/log/sudo.log"',
    'Defaults timestamp_timeout=5',
    'Defaults passwd_tries=3',
    `%${ADMIN_GROUP} ALL=(ALL:ALL) ALL`,
    '',
  ].join('\n');
}

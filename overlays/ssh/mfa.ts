import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { authenticator } from 'otplib';
import QRCode from 'qrcode';
import { DebvisorError } from '../../core/errors.js';
import { writeFileSet } from '../../core/fileset.js';
import { fileUnder, openTargetRoot } from '../../core/target-root.js';
import { assertLoginName } from '../../profiles/rules/login-name.js';
import { MFA_DIR } from './sshd.js';

/** 160-bit secrets, as RFC 4226 recommends. */
export const SECRET_BYTES = 20;
export const RECOVERY_CODES = 5;
/** Codes accepted before and after the current one: clocks drift by a step now and then. */
export const WINDOW_SIZE = 3;

export interface Enrolment {
  user: string;
  secret: string;
  uri: string;
  recoveryCodes: string[];
  path: string;
}

/**
 * The pam_google_authenticator state file: the base32 secret, its options, then one-time
 * scratch codes, which the module accepts once each in place of a TOTP code (recovery codes).
 */
export function secretFile(secret: string, recovery: string[]): string {
  return [secret, '" RATE_LIMIT 3 30', `" WINDOW_SIZE ${WINDOW_SIZE}`, '" DISALLOW_REUSE', '" TOTP_AUTH', ...recovery, ''].join('\n');
}

export function recoveryCodes(n = RECOVERY_CODES): string[] {
  return Array.from({ length: n }, () => String(randomInt(10_000_000, 100_000_000)));
}

/**
 * Creates a TOTP secret for a user, stored root-only where the PAM module reads it. The name
 * must be a login name (it becomes a file name); the file is written the one way into a root.
 */
export async function enrollTotp(root: string, user: string, label: string, opts: { force?: boolean } = {}): Promise<Enrolment> {
  assertLoginName(user);
  const real = openTargetRoot(root, { allowSystem: true });
  const node = `${MFA_DIR}/${user}`;
  if (fileUnder(real, node) && !opts.force) {
    throw new DebvisorError('E_MFA_EXISTS', `${user} is already enrolled`, {
      hint: 'use --force to replace the secret (the old authenticator entry stops working)',
    });
  }
  const { secret, uri, recoveryCodes: codes } = newTotpSecret(label);
  await writeTotpState(real, user, secret, codes, { allowSystem: true });
  return { user, secret, uri, recoveryCodes: codes, path: join(real, node) };
}

/** Writes a user's TOTP state where the PAM module reads it (root only), the one way into a root: the installer writes the TUI's enrolment onto the new node with it. */
export async function writeTotpState(root: string, user: string, secret: string, codes: string[], opts: { allowSystem?: boolean } = {}): Promise<void> {
  assertLoginName(user);
  await writeFileSet(
    root,
    [{ id: 'mfa-secret', path: `${MFA_DIR}/${user}`, content: secretFile(secret, codes), mode: 0o600, owner: 'root', dir: { mode: 0o700 } }],
    opts.allowSystem ? { allowSystem: true } : {},
  );
}

/** A new TOTP secret, its otpauth URI for `label` and recovery codes, written nowhere (the installer's TUI writes them with the node). */
export function newTotpSecret(label: string): Pick<Enrolment, 'secret' | 'uri' | 'recoveryCodes'> {
  const secret = authenticator.generateSecret(SECRET_BYTES);
  return { secret, uri: authenticator.keyuri(label, 'DebVisor', secret), recoveryCodes: recoveryCodes() };
}

/** Whether `code` is the TOTP code of `secret` now, within the window the PAM module accepts. */
export function checkTotpCode(secret: string, code: string): boolean {
  if (!/^[0-9]{6}$/.test(code)) return false;
  const totp = authenticator.clone({ window: Math.floor(WINDOW_SIZE / 2) });
  return totp.check(code, secret);
}

/** The enrolment view for a terminal: QR code, URI and recovery codes. Goes to the screen only. */
export async function enrolmentView(e: Enrolment): Promise<string> {
  const qr = await QRCode.toString(e.uri, { type: 'terminal', small: true });
  return [
    `TOTP enrolment for ${e.user}`,
    '',
    'Scan this with an authenticator app (or enter the secret by hand):',
    qr,
    `  ${e.uri}`,
    `  secret: ${e.secret}`,
    '',
    'Recovery codes (each works once instead of a TOTP code; keep them offline):',
    ...e.recoveryCodes.map((c) => `  ${c}`),
    '',
  ].join('\n');
}

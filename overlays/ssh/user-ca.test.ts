import { describe, it, expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import { BOOKWORM } from '../../core/facts.js';
import { validateProfile } from '../../profiles/validate.js';
import { checkUsers } from '../../profiles/rules/users.js';
import { renderFiles } from '../render.js';
import { USER_CA_KEYS } from './sshd.js';

const example = fileURLToPath(new URL('../../profiles/examples/standalone.yaml', import.meta.url));
const CA = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJlNgaY7qSmijpVmfQZ5f/YsprY9V1hFfqzAx1QOKMbP ops-user-ca';

function profile(userCaKeys?: string[]) {
  const r = validateProfile(example);
  if (!r.ok) throw new Error('invalid example');
  if (userCaKeys) r.profile.security.ssh.userCaKeys = userCaKeys;
  return r.profile;
}

describe('user certificates (security.ssh.userCaKeys)', () => {
  it('without user CAs: no TrustedUserCAKeys and no CA file', () => {
    const files = renderFiles(profile(), BOOKWORM);
    expect(files.find((f) => f.path === USER_CA_KEYS)).toBeUndefined();
    expect(files.find((f) => f.id === 'sshd-dropin')!.content).not.toContain('TrustedUserCAKeys');
  });
  it('with user CAs: the CA file and TrustedUserCAKeys, beside keys and TOTP', () => {
    const files = renderFiles(profile([CA]), BOOKWORM);
    const ca = files.find((f) => f.path === USER_CA_KEYS)!;
    expect(ca.content).toContain(`${CA}\n`);
    const dropin = files.find((f) => f.id === 'sshd-dropin')!.content;
    expect(dropin).toContain(`TrustedUserCAKeys ${USER_CA_KEYS}`);
    expect(dropin).toContain('AuthenticationMethods publickey,keyboard-interactive:pam');
    // The real sshd with this drop-in letting a certificate in (and only with TOTP) is
    // test/integration/ssh-mfa.test.ts: unit tests need no system package.
  });
  it('a CA key that is not a public key is refused at its key path', () => {
    const issues = checkUsers(profile(['not a key']), {} as never);
    expect(issues).toContainEqual(expect.objectContaining({ path: '/security/ssh/userCaKeys/0', code: 'E_SSH_CA_KEY' }));
  });
});

import { describe, it, expect } from 'vitest';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  it('with user CAs: the CA file and TrustedUserCAKeys, beside keys and TOTP; sshd -T reads it', async () => {
    const files = renderFiles(profile([CA]), BOOKWORM);
    const ca = files.find((f) => f.path === USER_CA_KEYS)!;
    expect(ca.content).toContain(`${CA}\n`);
    const dropin = files.find((f) => f.id === 'sshd-dropin')!.content;
    expect(dropin).toContain(`TrustedUserCAKeys ${USER_CA_KEYS}`);
    expect(dropin).toContain('AuthenticationMethods publickey,keyboard-interactive:pam');
    // The real sshd reads the drop-in (paths moved into a temporary directory, as this machine's /etc is not the node's).
    const dir = mkdtempSync(join(tmpdir(), 'debvisor-userca-'));
    try {
      await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host')]);
      writeFileSync(join(dir, 'user_ca.pub'), ca.content);
      const text = dropin
        .replace(/^HostKey .*$/gm, '')
        .replace(/^Banner .*$/m, '')
        .replace(`TrustedUserCAKeys ${USER_CA_KEYS}`, `TrustedUserCAKeys ${join(dir, 'user_ca.pub')}`);
      writeFileSync(join(dir, 'sshd_config'), `${text}\nHostKey ${join(dir, 'host')}\n`);
      const r = await execa('/usr/sbin/sshd', ['-T', '-f', join(dir, 'sshd_config'), '-C', 'user=alice,host=client,addr=127.0.0.1'], { reject: false });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain(`trustedusercakeys ${join(dir, 'user_ca.pub')}`);
      expect(readFileSync(join(dir, 'user_ca.pub'), 'utf8')).toContain(CA);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('a CA key that is not a public key is refused at its key path', () => {
    const issues = checkUsers(profile(['not a key']), {} as never);
    expect(issues).toContainEqual(expect.objectContaining({ path: '/security/ssh/userCaKeys/0', code: 'E_SSH_CA_KEY' }));
  });
});

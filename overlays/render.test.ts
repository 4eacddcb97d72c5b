import { describe, it, expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import { validateProfile } from '../profiles/validate.js';
import { renderFiles } from './render.js';
import { BOOKWORM, TRIXIE, type TargetFacts } from '../core/facts.js';
import type { Profile } from '../profiles/schema/profile.js';

const example = fileURLToPath(new URL('../profiles/examples/standalone.yaml', import.meta.url));

function profile(): Profile {
  const r = validateProfile(example);
  if (!r.ok) throw new Error('invalid');
  return r.profile;
}
const file = (p: Profile, facts: TargetFacts, id: string) => renderFiles(p, facts).find((f) => f.id === id)!;

describe('rendered access hardening', () => {
  /** Golden files per target: Debian 13 cannot run here, so its files are pinned and reviewed. */
  for (const facts of [TRIXIE, BOOKWORM]) {
    for (const id of ['sshd-dropin', 'pam-sshd', 'sudoers', 'panel-site']) {
      it(`${id} for ${facts.name} matches its golden file`, async () => {
        await expect(file(profile(), facts, id).content).toMatchFileSnapshot(`./golden/${facts.name}/${id}`);
      });
    }
  }
  it('OpenSSH 10 gets post-quantum key exchange only; 9.2 the Debian 12 guide', () => {
    const t = file(profile(), TRIXIE, 'sshd-dropin').content;
    expect(t).toMatch(/^KexAlgorithms mlkem768x25519-sha256,sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com$/m);
    const b = file(profile(), BOOKWORM, 'sshd-dropin').content;
    expect(b).toMatch(/^KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,/m);
  });
  it('nginx 1.26 with OpenSSL 3.5 gets `http2 on` and the hybrid post-quantum group first', () => {
    const t = file(profile(), TRIXIE, 'panel-site').content;
    expect(t).toContain('http2 on;');
    expect(t).toContain('ssl_ecdh_curve X25519MLKEM768:X25519:prime256v1:secp384r1;');
    const b = file(profile(), BOOKWORM, 'panel-site').content;
    expect(b).toContain('listen 443 ssl http2 default_server;');
    expect(b).toContain('ssl_ecdh_curve X25519:prime256v1:secp384r1;');
  });
  it('without MFA: key only, and PAM allows no authentication at all', () => {
    const p = profile();
    p.users.admin.mfa.totp = false;
    expect(file(p, TRIXIE, 'sshd-dropin').content).toMatch(/^AuthenticationMethods publickey$/m);
    expect(file(p, TRIXIE, 'pam-sshd').content).toMatch(/^auth requisite pam_deny\.so$/m);
  });
  it('secrets never land in rendered files: no password hash, no TSIG secret', () => {
    const p = profile();
    const all = renderFiles(p, TRIXIE)
      .map((f) => f.content)
      .join('\n');
    expect(all).not.toContain(p.users.admin.passwordHash!);
    expect(all).not.toContain(p.dns.tsig!.secret);
  });
  it('levels differ as documented', () => {
    const p = profile();
    p.security.ssh.level = 'basic';
    const basic = file(p, TRIXIE, 'sshd-dropin').content;
    expect(basic).toMatch(/^Ciphers -3des-cbc,aes128-cbc/m);
    expect(basic).not.toContain('DisableForwarding');
    p.security.ssh.level = 'standard';
    expect(file(p, TRIXIE, 'sshd-dropin').content).toMatch(/^KexAlgorithms .*ecdh-sha2-nistp256/m);
  });
});

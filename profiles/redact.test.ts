import { describe, it, expect } from 'vitest';
import { redactSecrets, secretPaths, REDACTED } from './redact.js';
import { applyDefaults, validateProfile, withheldSecretPaths } from './validate.js';
import { stringify } from 'yaml';

describe('redaction', () => {
  const p = applyDefaults({
    version: 1,
    users: { admin: { name: 'ops', passwordHash: '$y$secret', sshKeys: ['ssh-ed25519 AAAA pub'] } },
    dns: { tsig: { name: 'k', secret: 'c2VjcmV0' } },
    cluster: { role: 'join', join: { endpoint: 'https://a', token: 'tok', caPin: 'sha256:00' } },
    tls: { acme: { eab: { kid: 'kid1', hmacKey: 'hmac' } } },
    install: { progress: { webhook: { url: 'https://h', secret: 'whs' } }, storage: { encryption: { passphrase: 'luks-pass-phrase', tpm2: true } } },
  });
  const r = redactSecrets(p);
  it('replaces every secret', () => {
    expect(r.users.admin.passwordHash).toBe(REDACTED);
    expect(r.dns.tsig!.secret).toBe(REDACTED);
    expect(r.cluster.join!.token).toBe(REDACTED);
    expect(r.tls.acme.eab!.hmacKey).toBe(REDACTED);
    expect(r.install.progress.webhook!.secret).toBe(REDACTED);
    expect(r.install.storage.encryption!.passphrase).toBe(REDACTED);
    expect(r.install.storage.encryption!.tpm2).toBe(true);
    expect(JSON.stringify(r)).not.toMatch(/\$y\$secret|c2VjcmV0|"tok"|"hmac"|"whs"|luks-pass-phrase/);
  });
  it('keeps what is not secret', () => {
    expect(r.users.admin.sshKeys).toEqual(['ssh-ed25519 AAAA pub']);
    expect(r.tls.acme.eab!.kid).toBe('kid1');
    expect(r.cluster.join!.caPin).toBe('sha256:00');
  });
  it('leaves absent secrets absent and the input untouched', () => {
    const q = redactSecrets(applyDefaults({ version: 1, users: { admin: { name: 'ops' } } }));
    expect(q.users.admin.passwordHash).toBeUndefined();
    expect(p.users.admin.passwordHash).toBe('$y$secret');
  });
  it('knows the secret keys of the schema', () => {
    expect(secretPaths().sort()).toEqual([
      '/cluster/join/token',
      '/dns/tsig/secret',
      '/install/progress/webhook/secret',
      '/install/storage/encryption/passphrase',
      '/tls/acme/eab/hmacKey',
      '/users/admin/mfa/totpSecret',
      '/users/admin/passwordHash',
    ]);
  });
});

describe('a saved profile, secrets withheld', () => {
  const full = {
    version: 1,
    node: { hostname: 'n1', domain: 'lab.example.com' },
    users: {
      admin: {
        name: 'ops',
        passwordHash: '$y$j9T$acrhuYhRJDsGQYJNuubr81$YZItglN4LP/5Tq1L4hC5.Xl50yr.hpH8hMoUVdnqj9.',
        sshKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEuWckL1NtDTIOYh5bLjRD1Ot+xL7dkjRPIjSUTMVpVa alice@laptop'],
        mfa: { totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' },
      },
    },
    dns: { server: 'ns1.example.com', tsig: { name: 'k', secret: 'c2VjcmV0c2VjcmV0c2VjcmV0' } },
  };
  const saved = redactSecrets(full);
  const read = (text: string) => () => text;
  it('finds the secret keys that hold the marker, and no other key', () => {
    expect([...withheldSecretPaths({ ...saved, node: { hostname: REDACTED } })].sort()).toEqual([
      '/dns/tsig/secret',
      '/users/admin/mfa/totpSecret',
      '/users/admin/passwordHash',
    ]);
  });
  it('plans with withheldSecrets, and is refused without', () => {
    expect(validateProfile('saved.yaml', { read: read(stringify(saved)) }).ok).toBe(false);
    const r = validateProfile('saved.yaml', { read: read(stringify(saved)), withheldSecrets: true });
    expect(r.issues).toEqual([]);
    expect(r.ok && r.profile.users.admin.passwordHash).toBe(REDACTED);
  });
  it('refuses a TOTP secret that is not base32 of 160 bits or more, without repeating it', () => {
    const bad = { ...full, users: { admin: { ...full.users.admin, mfa: { totpSecret: 'not-base32-1' } } } };
    const r = validateProfile('bad.yaml', { read: read(stringify(bad)) });
    expect(r.issues.map((i) => `${i.path} ${i.code}`)).toEqual(['/users/admin/mfa/totpSecret E_TOTP_SECRET']);
    expect(JSON.stringify(r.issues)).not.toContain('not-base32-1');
  });
  it('still refuses a real problem beside withheld secrets', () => {
    const r = validateProfile('saved.yaml', {
      read: read(stringify({ ...saved, node: { hostname: 'Not_A_Name', domain: 'lab.example.com' } })),
      withheldSecrets: true,
    });
    expect(r.ok).toBe(false);
    expect(r.issues.map((i) => i.path)).toEqual(['/node/hostname']);
  });
});

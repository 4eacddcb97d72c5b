import { describe, it, expect } from 'vitest';
import { redactSecrets, secretPaths, REDACTED } from './redact.js';
import { applyDefaults } from './validate.js';

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
      '/users/admin/passwordHash',
    ]);
  });
});

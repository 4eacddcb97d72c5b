import { describe, it, expect } from 'vitest';
import { checkPasswordHash } from './password-hash.js';

describe('checkPasswordHash', () => {
  it('accepts yescrypt and SHA-512 crypt (as mkpasswd and openssl make them)', () => {
    expect(checkPasswordHash('$y$j9T$acrhuYhRJDsGQYJNuubr81$YZItglN4LP/5Tq1L4hC5.Xl50yr.hpH8hMoUVdnqj9.')).toEqual({ ok: true, scheme: 'yescrypt' });
    expect(checkPasswordHash('$6$abcdefgh$7T8mL5qtwctPNfx521zD8p2Zf9uRhvaEU3rd9sq9b8tv3dojAdbuObJnmewBxh0iaqduMS7Vu91PwJSqrNcDp0')).toEqual({
      ok: true,
      scheme: 'sha512crypt',
    });
  });
  it('refuses plain text with a hint to hash it', () => {
    const r = checkPasswordHash('hunter2');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.hint).toContain('mkpasswd -m yescrypt');
  });
  it('refuses weak schemes and cut-off hashes', () => {
    expect(checkPasswordHash('$1$abc$def')).toMatchObject({ ok: false, reason: expect.stringContaining('MD5') });
    expect(checkPasswordHash('$5$abc$def')).toMatchObject({ ok: false, reason: expect.stringContaining('SHA-256') });
    expect(checkPasswordHash('$y$j9T$abc')).toMatchObject({ ok: false, reason: expect.stringContaining('malformed') });
  });
});

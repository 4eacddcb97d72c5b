import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseSshPublicKey } from './ssh-key.js';

const key = (n: string) => readFileSync(new URL(`../test/fixtures/keys/${n}`, import.meta.url), 'utf8').trim();

describe('parseSshPublicKey', () => {
  it('accepts ed25519, ECDSA and RSA 3072 keys made by ssh-keygen', () => {
    expect(parseSshPublicKey(key('ed25519.pub'))).toMatchObject({ ok: true, key: { type: 'ssh-ed25519', comment: 'alice@laptop' } });
    expect(parseSshPublicKey(key('ecdsa256.pub'))).toMatchObject({ ok: true, key: { type: 'ecdsa-sha2-nistp256' } });
    expect(parseSshPublicKey(key('rsa3072.pub'))).toMatchObject({ ok: true, key: { bits: 3072 } });
  });
  it('refuses RSA below 3072 bits, DSA, and a type that lies about its data', () => {
    expect(parseSshPublicKey(key('rsa2048.pub'))).toMatchObject({ ok: false, reason: expect.stringContaining('2048') });
    expect(parseSshPublicKey('ssh-dss AAAA')).toMatchObject({ ok: false, reason: expect.stringContaining('DSA') });
    const ed = key('ed25519.pub').split(' ')[1];
    expect(parseSshPublicKey(`ssh-rsa ${ed}`)).toMatchObject({ ok: false, reason: expect.stringContaining("'ssh-ed25519' key") });
  });
  it('refuses truncated and non-base64 data', () => {
    expect(parseSshPublicKey('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5')).toMatchObject({ ok: false });
    expect(parseSshPublicKey('ssh-ed25519 !!!')).toMatchObject({ ok: false, reason: expect.stringContaining('base64') });
    expect(parseSshPublicKey('')).toMatchObject({ ok: false });
  });
  it('refuses a key with a line break, which would smuggle a second authorized_keys line', () => {
    const smuggled = `${key('ed25519.pub')}\ncommand="/bin/sh" ${key('rsa2048.pub')}`;
    expect(parseSshPublicKey(smuggled)).toMatchObject({ ok: false, reason: expect.stringContaining('one line') });
    expect(parseSshPublicKey(`${key('ed25519.pub')}\r`)).toMatchObject({ ok: true });
    expect(parseSshPublicKey(key('ed25519.pub').replace(' alice', '\u2028alice'))).toMatchObject({ ok: false });
  });
});

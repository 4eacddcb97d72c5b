import { describe, it, expect } from 'vitest';
import { REDACTED } from '../../profiles/redact.js';
import type { EncryptionPlan } from '../plan/types.js';
import type { ApplyContext } from './context.js';
import { luksFormatArgv, luksOpenArgv, passphraseOf, renderCrypttab } from './steps-crypt.js';

const e: EncryptionPlan = {
  type: 'luks2',
  device: '/dev/md0',
  name: 'debvisor_crypt',
  opened: '/dev/mapper/debvisor_crypt',
  holds: 'lvm',
  cipher: 'aes-xts-plain64',
  keyBits: 512,
  pbkdf: 'argon2id',
  boot: '/dev/md1',
  tpm2: 'not asked',
};
const ctxWith = (passphrase: string | undefined) =>
  ({ profile: { install: { storage: { encryption: passphrase === undefined ? undefined : { passphrase } } } } }) as unknown as ApplyContext;

describe('LUKS2 steps', () => {
  it('reads the key from stdin, never from the command line', () => {
    expect(luksFormatArgv(e)).toEqual([
      'cryptsetup',
      'luksFormat',
      '--batch-mode',
      '--type',
      'luks2',
      '--cipher',
      'aes-xts-plain64',
      '--key-size',
      '512',
      '--pbkdf',
      'argon2id',
      '--label',
      'debvisor',
      '--key-file=-',
      '/dev/md0',
    ]);
    expect(luksFormatArgv(e, { pbkdfMemoryKiB: 32768 })).toContain('--pbkdf-memory');
    expect(luksFormatArgv({ ...e, pbkdf: 'pbkdf2' }, { pbkdfMemoryKiB: 32768 })).not.toContain('--pbkdf-memory');
    expect(luksOpenArgv(e)).toEqual(['cryptsetup', 'open', '--type', 'luks2', '--key-file=-', '/dev/md0', 'debvisor_crypt']);
  });
  it('refuses a removed passphrase (a saved installed-profile) instead of making it the key', () => {
    expect(() => passphraseOf(ctxWith(REDACTED))).toThrow(expect.objectContaining({ code: 'E_NO_PASSPHRASE' }));
    expect(() => passphraseOf(ctxWith(undefined))).toThrow(expect.objectContaining({ code: 'E_NO_PASSPHRASE' }));
    expect(passphraseOf(ctxWith('a good passphrase'))).toBe('a good passphrase');
  });
  it('names the container in crypttab by its LUKS UUID, for the initramfs', () => {
    expect(renderCrypttab(e, '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0')).toMatch(
      /^debvisor_crypt\tUUID=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\tnone\tluks,discard,initramfs$/m,
    );
  });
});

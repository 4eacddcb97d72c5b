import { describe, it, expect } from 'vitest';
import { REDACTED } from '../../profiles/redact.js';
import type { EncryptionPlan } from '../plan/types.js';
import type { ApplyContext } from './context.js';
import { createEmitter, memorySink } from '../../core/events.js';
import type { RunOptions, RunResult } from '../../core/run.js';
import { DEACTIVATE_ATTEMPTS, closeEncryption, luksFormatArgv, luksOpenArgv, passphraseOf, renderCrypttab } from './steps-crypt.js';

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

describe('closing the container at the end', () => {
  /** A context whose vgchange fails `failures` times ("in use"), then succeeds; the calls recorded. */
  const closing = (failures: number) => {
    const calls: string[] = [];
    let left = failures;
    const run = async (argv: string[], o: RunOptions = {}): Promise<RunResult> => {
      calls.push(argv.join(' '));
      if (argv[0] === 'vgchange' && left-- > 0) {
        const r = { exitCode: 5, stdout: '', stderr: 'Logical volume pve/root contains a filesystem in use.' } as RunResult;
        if (o.allowFailure) return r;
        throw new Error(`command failed (exit code 5): ${argv.join(' ')}`);
      }
      return { exitCode: 0, stdout: '', stderr: '' } as RunResult;
    };
    const ctx = {
      plan: { encryption: e, storage: { kind: 'lvm-thin', vg: 'pve' } },
      state: { opened: true },
      run,
      events: createEmitter({ sinks: [memorySink()] }),
      luks: { deactivateRetryMs: 1 },
    } as unknown as ApplyContext;
    return { ctx, calls };
  };

  it('deactivates the volume group, trying again (settled) while the root LV is still in use, then closes the mapping', async () => {
    const { ctx, calls } = closing(2);
    await closeEncryption(ctx, 'finish');
    expect(calls).toEqual([
      'vgchange --activate n pve',
      'udevadm settle --timeout=5',
      'vgchange --activate n pve',
      'udevadm settle --timeout=5',
      'vgchange --activate n pve',
      'cryptsetup close debvisor_crypt',
    ]);
  });

  it("gives up after a bounded number of attempts with the tool's error, and leaves the mapping open", async () => {
    const { ctx, calls } = closing(1000);
    await expect(closeEncryption(ctx, 'finish')).rejects.toThrow(/exit code 5.*vgchange --activate n pve/);
    expect(calls.filter((c) => c.startsWith('vgchange'))).toHaveLength(DEACTIVATE_ATTEMPTS);
    expect(calls).not.toContain('cryptsetup close debvisor_crypt');
  });
});

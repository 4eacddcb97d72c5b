import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError, run } from '../../core/run.js';
import { createEmitter, memorySink } from '../../core/events.js';
import { fileSink } from '../../installer/progress/sinks.js';
import type { ApplyContext } from '../../installer/apply/context.js';
import { closeEncryption, encryptSystem, enrolTpm2, writeCrypttab } from '../../installer/apply/steps-crypt.js';
import { createLvm, makeFilesystems } from '../../installer/apply/steps-disks.js';
import type { EncryptionPlan, InstallPlan } from '../../installer/plan/types.js';

/**
 * The LUKS2 steps of install apply, run for real on a loop device over a sparse file (never a
 * disk of this machine): format, open, LVM and a filesystem on the mapping, close; then the
 * header as cryptsetup reads it, the crypttab, the TPM enrolment's key file, and the passphrase
 * nowhere in the events or the install log. Opening needs device-mapper (dm-crypt) in the
 * kernel: where it is missing the test says so and checks what it can without it (the key
 * is tested with `cryptsetup open --test-passphrase`, which needs no mapping).
 */
const PASSPHRASE = 'correct horse battery staple 42';
/** The kernel's device-mapper registers its misc device here (/dev/mapper/control alone proves nothing: libdevmapper makes the node itself). */
const HAS_DM = /\bdevice-mapper\b/.test(readFileSync('/proc/misc', 'utf8'));
const SIZE_BYTES = 96 * 2 ** 20;
const name = `debvisor_test_${process.pid}`;
const vg = `dvtest${process.pid}`;

let dir = '';
let loop = '';
let ctx: ApplyContext;
const sink = memorySink();
const logs: ReturnType<typeof fileSink>[] = [];

function planFor(device: string): InstallPlan {
  const encryption: EncryptionPlan = {
    type: 'luks2',
    device,
    name,
    opened: `/dev/mapper/${name}`,
    holds: 'lvm',
    cipher: 'aes-xts-plain64',
    keyBits: 512,
    pbkdf: 'argon2id',
    boot: '/dev/null',
    tpm2: 'enrol',
  };
  return {
    encryption,
    storage: { kind: 'lvm-thin', vg, pv: encryption.opened, vgBytes: 0, volumes: [{ name: 'root', sizeBytes: 16 * 2 ** 20, purpose: 'ext4' }], freeBytes: 0 },
    filesystems: [{ device: `/dev/${vg}/root`, type: 'ext4', mount: '/', label: 'root' }],
  } as unknown as InstallPlan;
}

beforeAll(async () => {
  const have = await run(['cryptsetup', '--version'], { allowFailure: true }).catch(() => undefined);
  if (have?.exitCode !== 0) throw new Error('cryptsetup is not installed: apt-get install cryptsetup-bin (scripts/packages/test.txt)');
  if (!HAS_DM)
    console.warn(
      'install-luks: this kernel has no device-mapper (none in /proc/misc): the LUKS2 container is formatted and checked, but NOT opened, and LVM and the filesystem on it are SKIPPED',
    );
  dir = mkdtempSync(join(tmpdir(), 'debvisor-luks-'));
  const image = join(dir, 'disk.img');
  writeFileSync(image, '');
  truncateSync(image, SIZE_BYTES);
  loop = (await run(['losetup', '--find', '--show', image])).stdout.trim();
  for (const d of ['target', 'log', 'run']) await run(['mkdir', '-p', join(dir, d)]);
  logs.push(fileSink(join(dir, 'log', 'install.log'), 'plain'), fileSink(join(dir, 'log', 'events.jsonl'), 'json'));
  const events = createEmitter({ sinks: [sink, ...logs], stage: 'install' });
  ctx = {
    plan: planFor(loop),
    profile: { install: { storage: { encryption: { passphrase: PASSPHRASE, tpm2: true, cipher: 'aes-xts-plain64', pbkdf: 'argon2id' } } } },
    target: join(dir, 'target'),
    logDir: join(dir, 'log'),
    run,
    events,
    // Small Argon2 costs: the real install lets cryptsetup benchmark (up to 1 GiB, 2 s).
    luks: { pbkdfMemoryKiB: 32768, pbkdfIterations: 4, keyDirParent: join(dir, 'run') },
    state: { mounted: false, bound: [] },
  } as unknown as ApplyContext;
});

afterAll(async () => {
  const o = { allowFailure: true };
  if (HAS_DM) {
    await run(['vgchange', '--activate', 'n', vg], o).catch(() => undefined);
    await run(['cryptsetup', 'close', name], o).catch(() => undefined);
  }
  if (loop) await run(['losetup', '--detach', loop], o).catch(() => undefined);
  for (const l of logs) l.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Everything the install would keep: the events and the two log files. */
function everythingLogged(): string {
  const files = readdirSync(join(dir, 'log')).map((f) => readFileSync(join(dir, 'log', f), 'utf8'));
  return `${JSON.stringify(sink.events)}\n${files.join('\n')}`;
}

describe('install apply: LUKS2 on a loop device', () => {
  it('formats LUKS2 as planned and opens it (where the kernel has device-mapper), the passphrase on stdin only', async () => {
    if (HAS_DM) {
      await encryptSystem(ctx);
      expect(existsSync(`/dev/mapper/${name}`)).toBe(true);
    } else {
      // Formatted, then the open fails for want of dm-crypt: a failure that must not leak the key either.
      await expect(encryptSystem(ctx)).rejects.toBeInstanceOf(CommandError);
      expect(sink.events.some((e) => e.level === 'error' && e.message.includes('cryptsetup open'))).toBe(true);
    }
    const dump = (await run(['cryptsetup', 'luksDump', loop])).stdout;
    expect(dump).toMatch(/^Version:\s+2$/m);
    expect(dump).toMatch(/^Label:\s+debvisor$/m);
    expect(dump).toMatch(/cipher:\s+aes-xts-plain64/);
    expect(dump).toMatch(/Key:\s+512 bits/);
    expect(dump).toMatch(/PBKDF:\s+argon2id/);
    const test = (key: string) => run(['cryptsetup', 'open', '--test-passphrase', '--type', 'luks2', '--key-file=-', loop], { input: key, allowFailure: true });
    expect((await test(PASSPHRASE)).exitCode).toBe(0);
    expect((await test(`${PASSPHRASE}\n`)).exitCode).not.toBe(0);
    const argvs = sink.events.filter((e) => e.message.startsWith('run: ')).map((e) => e.message);
    expect(argvs.some((m) => m.includes('luksFormat') && m.includes('--key-file=-'))).toBe(true);
    expect(everythingLogged()).not.toContain(PASSPHRASE);
  });

  it.skipIf(!HAS_DM)('makes LVM and ext4 on the opened mapping, then closes it', async () => {
    await createLvm(ctx);
    await makeFilesystems(ctx);
    const fs = await run(['blkid', '--match-tag', 'TYPE', '--output', 'value', `/dev/${vg}/root`]);
    expect(fs.stdout.trim()).toBe('ext4');
    await closeEncryption(ctx, 'finish');
    expect(existsSync(`/dev/mapper/${name}`)).toBe(false);
  });

  it('writes the crypttab by the LUKS UUID cryptsetup reports', async () => {
    await writeCrypttab(ctx);
    const uuid = (await run(['cryptsetup', 'luksUUID', loop])).stdout.trim();
    expect(readFileSync(join(ctx.target, 'etc/crypttab'), 'utf8')).toContain(`${name}\tUUID=${uuid}\tnone\tluks,discard,initramfs\n`);
  });

  it('hands systemd-cryptenroll the key in a file that is gone afterwards, whether or not there is a TPM', async () => {
    const r = await enrolTpm2(ctx).then(
      () => 'enrolled',
      (e: unknown) => e,
    );
    // This machine has no TPM 2.0 (or a systemd without TPM2 support): the enrolment fails, loudly, after the key was handed over.
    if (r !== 'enrolled') {
      expect(r).toBeInstanceOf(CommandError);
      expect((r as CommandError).argv[0]).toBe('systemd-cryptenroll');
    }
    expect(readdirSync(join(dir, 'run'))).toEqual([]);
    expect(everythingLogged()).not.toContain(PASSPHRASE);
  });
});

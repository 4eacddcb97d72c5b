import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DebvisorError } from '../../core/errors.js';
import { writeFileSet } from '../../core/fileset.js';
import { REDACTED } from '../../profiles/redact.js';
import type { EncryptionPlan } from '../plan/types.js';
import type { ApplyContext } from './context.js';

/**
 * LUKS2 below the system. The passphrase reaches cryptsetup on its stdin (`--key-file=-`, read
 * to the end, no newline added) and systemd-cryptenroll through a 0600 file in a fresh 0700
 * directory under /run (a tmpfs, never the disk), removed at once; never on a command line, in
 * an event or in the log (the runner logs argv only, and masks the passphrase in any output).
 */

/** Where the key file for systemd-cryptenroll lives for the moment it is needed: memory, not disk. */
export const KEY_DIR_PARENT = '/run';
/** The TPM 2.0 PCRs the key is bound to: 7, the Secure Boot state and its certificates (survives kernel updates). */
export const TPM2_PCRS = '7';

/** Knobs for tests: Argon2's memory and iterations (cryptsetup benchmarks them, up to 1 GiB and 2 s, otherwise) and where key files go. */
export interface LuksOptions {
  pbkdfMemoryKiB?: number;
  pbkdfIterations?: number;
  keyDirParent?: string;
}

function encryption(ctx: ApplyContext): EncryptionPlan {
  const e = ctx.plan.encryption;
  if (e === 'none') throw new DebvisorError('E_INTERNAL', 'an encryption step in a plan without encryption');
  return e;
}

/** The profile's passphrase; a saved installed-profile has it removed, and must not become the key. */
export function passphraseOf(ctx: ApplyContext): string {
  const p = ctx.profile.install.storage.encryption?.passphrase;
  if (!p || p === REDACTED)
    throw new DebvisorError(
      'E_NO_PASSPHRASE',
      'install.storage.encryption has no passphrase (a saved profile has its secrets removed): nothing was encrypted',
      {
        hint: 'give the passphrase in the profile used for the install',
      },
    );
  return p;
}

/** Pure: cryptsetup luksFormat as planned; the key comes on stdin. */
export function luksFormatArgv(e: EncryptionPlan, o: LuksOptions = {}): string[] {
  return [
    'cryptsetup',
    'luksFormat',
    '--batch-mode',
    '--type',
    'luks2',
    '--cipher',
    e.cipher,
    '--key-size',
    String(e.keyBits),
    '--pbkdf',
    e.pbkdf,
    ...(o.pbkdfMemoryKiB && e.pbkdf !== 'pbkdf2' ? ['--pbkdf-memory', String(o.pbkdfMemoryKiB)] : []),
    ...(o.pbkdfIterations ? ['--pbkdf-force-iterations', String(o.pbkdfIterations)] : []),
    '--label',
    'debvisor',
    '--key-file=-',
    e.device,
  ];
}

/** Pure: cryptsetup open; the key comes on stdin. */
export function luksOpenArgv(e: EncryptionPlan): string[] {
  return ['cryptsetup', 'open', '--type', 'luks2', '--key-file=-', e.device, e.name];
}

/** Formats the system device as LUKS2 and opens it, so LVM or the root filesystem is made on the mapping. */
export async function encryptSystem(ctx: ApplyContext): Promise<void> {
  const e = encryption(ctx);
  const key = passphraseOf(ctx);
  const o = { events: ctx.events, step: 'encrypt-system', input: key, redact: [key] };
  await ctx.run(luksFormatArgv(e, ctx.luks), o);
  await ctx.run(luksOpenArgv(e), o);
  ctx.state.opened = e.name;
  await ctx.run(['udevadm', 'settle'], { events: ctx.events, step: 'encrypt-system' });
}

/** The TPM 2.0 as a second key (a systemd-tpm2 token in the LUKS2 header), bound to PCR 7. */
export async function enrolTpm2(ctx: ApplyContext): Promise<void> {
  const e = encryption(ctx);
  const key = passphraseOf(ctx);
  const dir = mkdtempSync(join(ctx.luks?.keyDirParent ?? KEY_DIR_PARENT, 'debvisor-key-'));
  try {
    const file = join(dir, 'passphrase');
    writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
    await ctx.run(['systemd-cryptenroll', `--unlock-key-file=${file}`, '--tpm2-device=auto', `--tpm2-pcrs=${TPM2_PCRS}`, e.device], {
      events: ctx.events,
      step: 'enrol-tpm2',
      redact: [key],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pure: /etc/crypttab: the container by its LUKS UUID; `initramfs` makes cryptsetup-initramfs unlock it in early boot. */
export function renderCrypttab(e: EncryptionPlan, uuid: string): string {
  return `# Written by the DebVisor installer: <name> <device> <key file> <options>.\n${e.name}\tUUID=${uuid}\tnone\tluks,discard,initramfs\n`;
}

/** The node's crypttab; step update-initramfs puts its entries into the node's initramfs, whose cryptroot asks for the passphrase. */
export async function writeCrypttab(ctx: ApplyContext): Promise<void> {
  const e = encryption(ctx);
  const r = await ctx.run(['cryptsetup', 'luksUUID', e.device], { events: ctx.events, step: 'write-crypttab' });
  const uuid = r.stdout.trim();
  if (!/^[0-9a-f-]{36}$/.test(uuid))
    throw new DebvisorError('E_LUKS_UUID', `cryptsetup luksUUID ${e.device} gave no UUID`, {
      hint: 'check that the LUKS2 header was written (cryptsetup luksDump)',
    });
  await writeFileSet(ctx.target, [{ id: 'crypttab', path: '/etc/crypttab', content: renderCrypttab(e, uuid), mode: 0o644, owner: 'root' }], {
    events: ctx.events,
  });
}

/** After the unmount: the volume group deactivated and the mapping closed, so nothing holds the disk. */
export async function closeEncryption(ctx: ApplyContext, step: string): Promise<void> {
  const e = ctx.plan.encryption;
  if (e === 'none' || !ctx.state.opened) return;
  const o = { events: ctx.events, step };
  if (ctx.plan.storage?.kind === 'lvm-thin') await ctx.run(['vgchange', '--activate', 'n', ctx.plan.storage.vg], o);
  await ctx.run(['cryptsetup', 'close', e.name], o);
  ctx.state.opened = undefined;
}

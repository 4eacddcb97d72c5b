import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DebvisorError } from '../core/errors.js';
import { run } from '../core/run.js';

/**
 * `debvisor iso embed-profile`: a new ISO from a built one, without rebuilding the image: the
 * profile (and its .sig) at /debvisor/profile.yaml, where the installer's discovery looks for
 * "the profile embedded in the ISO", and the unattended entry made the default of both boot
 * menus (ISOLINUX for BIOS, GRUB for UEFI). xorriso replays the original boot records.
 */
export const EMBEDDED_ISO_PATH = '/debvisor/profile.yaml';
export const ISOLINUX_CFG = '/isolinux/isolinux.cfg';
export const GRUB_CFG = '/boot/grub/grub.cfg';
/** The kernel argument that marks the unattended entry (builder/live-build.ts cmdline()). */
export const UNATTENDED_ARG = 'debvisor.mode=unattended';

function noEntry(menu: string): DebvisorError {
  return new DebvisorError('E_ISO_MENU', `${menu}: no boot entry with ${UNATTENDED_ARG}`, {
    hint: 'build the ISO with an entry of mode unattended (iso/build.yaml boot.entries)',
  });
}

/** ISOLINUX: `default` set to the label whose `append` line has the unattended flag (pure). */
export function isolinuxWithUnattendedDefault(text: string): string {
  let label: string | undefined;
  let found: string | undefined;
  for (const line of text.split('\n')) {
    const l = /^\s*label\s+(\S+)/i.exec(line);
    if (l) label = l[1];
    if (/^\s*append\s/i.test(line) && line.split(/\s+/).includes(UNATTENDED_ARG) && label && !found) found = label;
  }
  if (!found) throw noEntry(ISOLINUX_CFG);
  if (!/^\s*default\s+\S+/im.test(text)) return `default ${found}\n${text}`;
  return text.replace(/^(\s*default\s+)\S+/im, `$1${found}`);
}

/** GRUB: `set default=` to the menuentry whose linux line has the unattended flag (pure). */
export function grubWithUnattendedDefault(text: string): string {
  let id: string | undefined;
  let index = -1;
  let found: string | undefined;
  for (const line of text.split('\n')) {
    const m = /^\s*menuentry\s.*?(?:--id\s+(\S+))?\s*\{\s*$/.exec(line);
    if (m) {
      index++;
      id = m[1] ?? String(index);
    }
    if (/^\s*linux\s/.test(line) && line.split(/\s+/).includes(UNATTENDED_ARG) && id !== undefined && !found) found = id;
  }
  if (!found) throw noEntry(GRUB_CFG);
  if (!/^\s*set\s+default=/m.test(text)) return `set default="${found}"\n${text}`;
  return text.replace(/^(\s*set\s+default=).*$/m, `$1"${found}"`);
}

export interface EmbedOptions {
  iso: string;
  profile: string;
  out: string;
  /** PROFILE.sig, when the profile is signed. */
  signature: string | undefined;
}

/** Writes the new ISO; the input is only read. */
export async function embedProfile(opts: EmbedOptions): Promise<{ menus: string[] }> {
  if (opts.out === opts.iso) throw new DebvisorError('E_USAGE', 'the output is the input ISO', { hint: 'give --out another file; the input is never changed' });
  const dir = mkdtempSync(join(tmpdir(), 'debvisor-embed-'));
  try {
    // Which menus this ISO has (-find prints paths, quoted).
    const listing = await run(['xorriso', '-indev', opts.iso, '-find', '/', '-type', 'f', '-name', '*.cfg', '--']);
    const present = new Set([...listing.stdout.matchAll(/^'([^']+)'$/gm)].map((m) => m[1]));
    const menus = [ISOLINUX_CFG, GRUB_CFG].filter((m) => present.has(m));
    if (menus.length === 0)
      throw new DebvisorError('E_ISO_MENU', `${opts.iso}: neither ${ISOLINUX_CFG} nor ${GRUB_CFG}`, { hint: 'give an ISO built by debvisor build' });
    const maps: string[] = [];
    for (const m of menus) {
      const local = join(dir, m.replace(/\//g, '_'));
      await run(['xorriso', '-osirrox', 'on', '-indev', opts.iso, '-extract', m, local]);
      const text = readFileSync(local, 'utf8');
      writeFileSync(local, m === ISOLINUX_CFG ? isolinuxWithUnattendedDefault(text) : grubWithUnattendedDefault(text));
      maps.push('-map', local, m);
    }
    maps.push('-map', opts.profile, EMBEDDED_ISO_PATH);
    if (opts.signature) maps.push('-map', opts.signature, `${EMBEDDED_ISO_PATH}.sig`);
    rmSync(opts.out, { force: true });
    // replay: the El Torito records, the hybrid MBR/GPT and the EFI image as the input has them.
    await run(['xorriso', '-indev', opts.iso, '-outdev', opts.out, '-boot_image', 'any', 'replay', ...maps, '-commit']);
    if (!existsSync(opts.out)) throw new DebvisorError('E_ISO_WRITE', `xorriso wrote no ${opts.out}`, { hint: 'see the xorriso messages above' });
    return { menus };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

import type { SignatureFacts } from '../../profiles/facts.js';
import { safeText } from '../../core/text.js';
import { signature } from './parse-lsblk.js';

interface WipefsEntry {
  device?: string;
  offset?: string;
  type?: string;
  uuid?: string | null;
  label?: string | null;
}

/**
 * Signatures from `wipefs --no-act --json DEVICE` (util-linux): every one libblkid finds, the
 * backup GPT and stale RAID superblocks at the end of a disk included, which lsblk's one
 * FSTYPE per device does not show. `on` is the kernel name probed.
 */
export function parseWipefs(on: string, json: string): SignatureFacts[] {
  if (json.trim() === '') return [];
  const doc = JSON.parse(json) as { signatures?: WipefsEntry[] };
  return (doc.signatures ?? []).flatMap((e) => {
    if (!e.type) return [];
    const offset = e.offset && /^0x[0-9a-f]+$/i.test(e.offset) ? Number.parseInt(e.offset, 16) : undefined;
    const label = e.label ? safeText(e.label).slice(0, 256) : undefined;
    const uuid = e.uuid ? safeText(e.uuid).slice(0, 256) : undefined;
    return [signature(on, e.type, label, uuid, Number.isSafeInteger(offset) ? offset : undefined)];
  });
}

/**
 * One entry per (device, type): the primary and backup copies of a GPT or a ZFS label are one
 * thing to a reader; the protective MBR of a GPT disk is left out. The first (lowest offset) copy is kept.
 */
export function mergeSignatures(list: readonly SignatureFacts[]): SignatureFacts[] {
  const seen = new Map<string, SignatureFacts>();
  for (const s of list) {
    const key = `${s.on}\u0000${s.type}`;
    const had = seen.get(key);
    if (!had || (s.offset !== undefined && (had.offset === undefined || s.offset < had.offset))) seen.set(key, had ? { ...had, ...s } : s);
  }
  const out = [...seen.values()];
  return out.filter((s) => !(s.type === 'PMBR' && out.some((o) => o.on === s.on && o.type === 'gpt')));
}

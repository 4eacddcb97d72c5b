import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DebvisorError } from '../../core/errors.js';
import { verifyProfileSignature } from '../../profiles/signature.js';
import { type DiscoverEffects, discoverProfile } from './discover.js';

/** What the interactive installer gets from the unattended install's sources (`install tui --discover`). */
export type Preload =
  | { kind: 'none' }
  | { kind: 'found'; source: string; path: string }
  /** A source that was there but could not be used: the TUI starts empty and says why. */
  | { kind: 'unusable'; message: string; hint?: string };

export interface PreloadOptions {
  effects: DiscoverEffects;
  /** Where the found profile is kept for the TUI to load (0600). */
  dir: string;
  /** The image's allowed signers: when the file exists, only a profile signed by one of them preloads. */
  allowedSigners: string;
}

/**
 * Looks where the unattended install looks (kernel command line, the DEBVISOR-PROFILE stick, the
 * ISO, DHCP), in the same order and with the same signature rule, for a profile whose answers
 * the TUI preloads. Unlike the unattended install, nothing found is no error: the operator is
 * asked everything. The profile need not be whole: what it lacks is asked.
 */
export async function findPreload(o: PreloadOptions): Promise<Preload> {
  try {
    const found = await discoverProfile(o.effects);
    if (existsSync(o.allowedSigners)) await verifyProfileSignature(found.yaml, found.signature, o.allowedSigners, found.source);
    mkdirSync(o.dir, { recursive: true, mode: 0o700 });
    const path = join(o.dir, 'preload.yaml');
    writeFileSync(path, found.yaml, { mode: 0o600 });
    return { kind: 'found', source: found.source, path };
  } catch (err) {
    if (err instanceof DebvisorError && err.code === 'E_PROFILE_NONE') return { kind: 'none' };
    if (err instanceof DebvisorError) return { kind: 'unusable', message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
    return { kind: 'unusable', message: (err as Error).message };
  }
}

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { version } from '../core/cli/run-cli.js';
import type { Profile } from '../profiles/schema/profile.js';
import { at, writeAtomic } from './atomic.js';
import { NODE_PROFILE, NODE_PROFILE_CACHE } from './paths.js';

/** The checked profile of one exact installed-profile.yaml, as this version of the tool checked it. */
interface CachedProfile {
  version: string;
  sha256: string;
  profile: Profile;
}

const digest = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function readCache(root: string, sha256: string): Profile | undefined {
  try {
    const c = JSON.parse(readFileSync(at(root, NODE_PROFILE_CACHE), 'utf8')) as CachedProfile;
    return c.sha256 === sha256 && c.version === version() ? c.profile : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The node's profile as first boot uses it (see profile-check.ts). The installed copy's checked
 * form is kept beside first boot's state, keyed by the file's SHA-256 and the tool's version: a
 * run on an unchanged file skips loading the YAML parser and the schema checks, which on a small
 * or emulated node are a good part of first boot's start. An edited file (or a new tool) is
 * checked again in full; `--profile FILE` always is.
 */
export async function loadNodeProfile(root: string, file?: string, opts: { keep?: boolean } = {}): Promise<Profile> {
  if (file) return (await import('./profile-check.js')).checkNodeProfile(file);
  const path = at(root, NODE_PROFILE);
  let bytes: Buffer | undefined;
  try {
    bytes = readFileSync(path);
  } catch {
    /* missing or unreadable: the full check says so */
  }
  const sha256 = bytes ? digest(bytes) : '';
  const cached = bytes ? readCache(root, sha256) : undefined;
  if (cached) return cached;
  const profile = (await import('./profile-check.js')).checkNodeProfile(path);
  if (opts.keep && bytes) keepNodeProfile(root, bytes, profile);
  return profile;
}

/** Pure: the cache's text for the installed profile's bytes and their checked form. */
export function renderNodeProfileCache(bytes: Buffer, profile: Profile): string {
  const c: CachedProfile = { version: version(), sha256: digest(bytes), profile };
  return `${JSON.stringify(c, null, 2)}\n`;
}

function keepNodeProfile(root: string, bytes: Buffer, profile: Profile): void {
  writeAtomic(at(root, NODE_PROFILE_CACHE), renderNodeProfileCache(bytes, profile), 0o600);
}

/** The cache's text for an installed profile file, checked in full (the installer writes it beside the file). */
export async function checkedNodeProfileCache(path: string): Promise<string> {
  return renderNodeProfileCache(readFileSync(path), (await import('./profile-check.js')).checkNodeProfile(path));
}

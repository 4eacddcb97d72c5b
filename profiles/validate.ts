import { loadProfile, locate, type ReadText, type LoadedProfile } from './load.js';
import { checkShape } from '../core/schema-check.js';
import { fillDefaults } from '../core/ajv.js';
import { RULES } from './rules/index.js';
import { issueAt, sortIssues, type Finding, type Issue } from '../core/issue.js';
import type { Profile } from './schema/profile.js';
import type { PlainObject } from './merge.js';
import { schemaOrder } from './order.js';
import { ProfileSchema } from './schema/profile.js';

export type ValidationResult =
  | { ok: true; file: string; profile: Profile; loaded: LoadedProfile; issues: [] }
  | { ok: false; file: string; issues: Issue[]; loaded?: LoadedProfile };

/** Hints for keys people write by habit from other installers. */
export const PROFILE_KEY_HINTS: Readonly<Record<string, string>> = {
  password: 'plain passwords are not accepted: put a yescrypt or SHA-512 hash in passwordHash (make one with `mkpasswd -m yescrypt`)',
  root_password: 'root is locked on DebVisor: set users.admin with a passwordHash and sshKeys',
  rootPassword: 'root is locked on DebVisor: set users.admin with a passwordHash and sshKeys',
};

/** Shape findings of profile data against the profile schema. */
export function checkProfileShape(data: unknown): Finding[] {
  return checkShape(data, ProfileSchema, PROFILE_KEY_HINTS);
}

/** The effective profile: a copy of the merged data with every schema default filled in. */
export function applyDefaults(data: PlainObject): Profile {
  return schemaOrder(fillDefaults(structuredClone(data), ProfileSchema), ProfileSchema as unknown as Record<string, unknown>) as unknown as Profile;
}

/** Semantic rules over an effective profile. A rule that trips over malformed data the schema already reported is skipped. */
export function checkMeaning(profile: Profile, shapeFailed: boolean): Finding[] {
  const out: Finding[] = [];
  for (const rule of RULES) {
    try {
      out.push(...rule(profile));
    } catch (err) {
      if (!shapeFailed) throw err;
    }
  }
  return out;
}

/** Load, merge `extends`, check the shape, fill defaults, check the meaning: every issue at once. */
export function validateProfile(file: string, read?: ReadText): ValidationResult {
  const loaded = loadProfile(file, read);
  if (!loaded.ok) return { ok: false, file, issues: sortIssues(loaded.issues) };
  const { profile: lp } = loaded;
  const shape = checkProfileShape(lp.data);
  const effective = applyDefaults(lp.data);
  const meaning = checkMeaning(effective, shape.length > 0);
  // A path already reported (by the loader, then the schema) needs no second, derived complaint.
  const loadPaths = new Set(lp.issues.map((i) => i.path));
  const shapePaths = new Set(shape.map((f) => f.path));
  const findings = [
    ...shape.filter((f) => !loadPaths.has(f.path)),
    ...meaning.filter((f) => !shapePaths.has(f.path) && !loadPaths.has(f.path)),
  ];
  const issues = sortIssues([...lp.issues, ...findings.map((f) => issueAt(locate(lp.chain, f.path), f))]);
  if (issues.length) return { ok: false, file, issues, loaded: lp };
  return { ok: true, file, profile: effective, loaded: lp, issues: [] };
}

import { loadProfile, type ReadText, type LoadedProfile } from './load.js';
import { checkShape } from '../core/schema-check.js';
import { fillDefaults } from '../core/ajv.js';
import { checkYamlData, type CheckedYamlKind } from '../core/checked-yaml.js';
import { sortIssues, type Finding, type Issue } from '../core/issue.js';
import { RULES } from './rules/index.js';
import { NO_FACTS, type HardwareFacts } from './facts.js';
import type { Profile } from './schema/profile.js';
import type { PlainObject } from './merge.js';
import { schemaOrder } from './order.js';
import { ProfileSchema } from './schema/profile.js';
import { REDACTED, redactSecrets } from './redact.js';

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

/**
 * How a profile is checked by the one checked-YAML loader: every rule sees the machine's facts
 * (none for plain validation), and every problem is reported at once, the rules' too.
 */
export function profileKind(facts: HardwareFacts = NO_FACTS): CheckedYamlKind<Profile> {
  return {
    schema: ProfileSchema,
    keyHints: PROFILE_KEY_HINTS,
    defaults: (data) => applyDefaults(data as PlainObject),
    rules: RULES.map((rule) => (p: Profile) => rule(p, facts)),
    afterShapeErrors: 'continue',
  };
}

export interface ValidateOptions {
  /** What the installer found on the machine; absent for plain validation. */
  facts?: HardwareFacts;
  /** Reads each file of the `extends` chain (tests); a regular file of bounded size by default. */
  read?: ReadText;
  /**
   * A saved profile (/etc/debvisor/installed-profile.yaml) has its secrets replaced by
   * `<redacted>`: accept the marker where the schema says secret, so it still plans (replay).
   * Only for planning: an install needs the real values.
   */
  withheldSecrets?: boolean;
}

/** JSON pointers of the secret keys whose value is the redaction marker. */
export function withheldSecretPaths(data: unknown): Set<string> {
  const out = new Set<string>();
  // Swap the marker for another string so that only the schema's secrets come back as REDACTED.
  const swap = (v: unknown): unknown =>
    v === REDACTED
      ? 'x'
      : Array.isArray(v)
        ? v.map(swap)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]))
          : v;
  const walk = (orig: unknown, red: unknown, path: string) => {
    if (orig === REDACTED && red === REDACTED) out.add(path);
    else if (orig && typeof orig === 'object' && red && typeof red === 'object')
      for (const [k, v] of Object.entries(orig)) walk(v, (red as Record<string, unknown>)[k], `${path}/${k}`);
  };
  walk(data, redactSecrets(swap(data)), '');
  return out;
}

/** Load, merge `extends`, check the shape, fill defaults, check the meaning: every issue at once. */
export function validateProfile(file: string, opts: ValidateOptions = {}): ValidationResult {
  const loaded = loadProfile(file, opts.read);
  if (!loaded.ok) return { ok: false, file, issues: sortIssues(loaded.issues) };
  const { profile: lp } = loaded;
  const r = checkYamlData(lp.data, lp.chain, profileKind(opts.facts), lp.issues);
  if (!r.ok) {
    const withheld = opts.withheldSecrets ? withheldSecretPaths(lp.data) : new Set<string>();
    const issues = r.issues.filter((i) => !withheld.has(i.path));
    if (issues.length === 0) return { ok: true, file, profile: applyDefaults(lp.data), loaded: lp, issues: [] };
    return { ok: false, file, issues, loaded: lp };
  }
  return { ok: true, file, profile: r.value, loaded: lp, issues: [] };
}

import { checkYamlData } from '../core/checked-yaml.js';
import { DebvisorError } from '../core/errors.js';
import { formatIssue } from '../core/issue.js';
import { loadProfile } from '../profiles/load.js';
import { REDACTED } from '../profiles/redact.js';
import type { Profile } from '../profiles/schema/profile.js';
import { profileKind } from '../profiles/validate.js';

/** The value at a JSON pointer, or undefined. */
function pointer(value: unknown, path: string): unknown {
  let cur = value;
  for (const k of path.split('/').slice(1)) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined;
  return cur;
}

/**
 * A node profile file checked as first boot needs it: the installer's copy (secrets redacted; the
 * steps read the real ones from their root-only files) or a full profile given with --profile. A
 * redacted secret is not an error here; every other problem is.
 */
export function checkNodeProfile(path: string): Profile {
  const loaded = loadProfile(path);
  const fail = (lines: string[]) =>
    new DebvisorError('E_NODE_PROFILE', `the node profile ${path} cannot be used`, {
      hint: 'fix it (debvisor profile validate) and run debvisor firstboot again',
      details: lines,
    });
  if (!loaded.ok) throw fail(loaded.issues.map(formatIssue));
  const kind = profileKind();
  const rules = (kind.rules ?? []).map((rule) => (p: Profile) => rule(p).filter((f) => pointer(p, f.path) !== REDACTED));
  const r = checkYamlData(loaded.profile.data, loaded.profile.chain, { ...kind, rules }, loaded.profile.issues);
  if (!r.ok) throw fail(r.issues.map(formatIssue));
  return r.value;
}

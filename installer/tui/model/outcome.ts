import type { Issue } from '../../../core/issue.js';
import type { HardwareFacts } from '../../../profiles/facts.js';
import type { Profile } from '../../../profiles/schema/profile.js';
import { validateProfile } from '../../../profiles/validate.js';
import { planInstall } from '../../plan/plan-install.js';
import type { InstallPlan } from '../../plan/types.js';

/** The name an exported profile carries in messages before it is saved anywhere. */
export const ANSWERS_FILE = 'answers.yaml';

export type Outcome = { ok: true; yaml: string; profile: Profile; plan: InstallPlan } | { ok: false; yaml: string; issues: Issue[] };

/**
 * The answers as the unattended path sees them: the exported YAML read back through
 * validateProfile (the loader `profile validate` and `install plan` use), then planInstall on the
 * same facts. What the summary shows and what is installed is this plan, never one the screens make.
 */
export function planAnswers(yaml: string, facts: HardwareFacts): Outcome {
  const r = validateProfile(ANSWERS_FILE, { read: () => yaml });
  if (!r.ok) return { ok: false, yaml, issues: r.issues };
  return { ok: true, yaml, profile: r.profile, plan: planInstall(r.profile, facts) };
}

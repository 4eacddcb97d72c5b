import type { Profile } from '../schema/profile.js';
import type { Finding } from '../../core/issue.js';

/** A semantic check: pure, reads the effective profile, names the key path of each finding. */
export type Rule = (profile: Profile) => Finding[];

export function finding(path: string, code: string, message: string, hint?: string): Finding {
  return hint === undefined ? { path, code, message } : { path, code, message, hint };
}

import type { Profile } from '../schema/profile.js';
import type { Finding } from '../../core/issue.js';
import type { HardwareFacts } from '../facts.js';

/**
 * A semantic check: pure, reads the effective profile and the machine's facts (empty when
 * validating a profile alone: the rule then checks only what the profile says), and names the
 * key path of each finding. Facts are passed in, never probed here.
 */
export type Rule = (profile: Profile, facts: HardwareFacts) => Finding[];

export function finding(path: string, code: string, message: string, hint?: string): Finding {
  return hint === undefined ? { path, code, message } : { path, code, message, hint };
}

import type { Io } from '../../core/cli/command.js';
import { version } from '../../core/cli/run-cli.js';
import { formatIssue } from '../../core/issue.js';
import type { HardwareFacts } from '../../profiles/facts.js';
import { validateProfile, type ValidationResult } from '../../profiles/validate.js';
import { loadFactsFile } from '../facts/facts-file.js';
import { gatherFacts } from '../facts/gather.js';

/** What a plan is made from: the valid profile, and the facts of a file or of this machine. */
export interface PlanInputs {
  profile: Extract<ValidationResult, { ok: true }>;
  facts: HardwareFacts;
}

/**
 * The profile validated alone first (its shape and meaning), then the facts: the file given, or
 * this machine read read-only. On a problem it prints every issue and the command's own closing
 * line (`refusal.profile` or `refusal.facts`) and returns undefined.
 */
export async function readPlanInputs(
  file: string,
  factsFile: string | undefined,
  io: Io,
  refusal: { profile: string; facts: string },
  opts: { withheldSecrets?: boolean } = {},
): Promise<PlanInputs | undefined> {
  const r = validateProfile(file, opts);
  if (!r.ok) {
    for (const i of r.issues) io.stderr.write(`${formatIssue(i)}\n`);
    io.stderr.write(`${refusal.profile}\n`);
    return undefined;
  }
  if (factsFile === undefined) return { profile: r, facts: await gatherFacts({ by: `debvisor ${version()}` }) };
  const f = loadFactsFile(factsFile);
  if (!f.ok) {
    for (const i of f.issues) io.stderr.write(`${formatIssue(i)}\n`);
    io.stderr.write(`${refusal.facts}\n`);
    return undefined;
  }
  return { profile: r, facts: f.value };
}

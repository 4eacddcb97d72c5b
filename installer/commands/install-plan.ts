import { existsSync } from 'node:fs';
import { EXIT, defineCommand } from '../../core/cli/command.js';
import { UsageError } from '../../core/errors.js';
import { formatIssue, issueAt } from '../../core/issue.js';
import { formatPosition } from '../../core/errors.js';
import { locate } from '../../core/checked-yaml.js';
import { version } from '../../core/cli/run-cli.js';
import { validateProfile } from '../../profiles/validate.js';
import type { HardwareFacts } from '../../profiles/facts.js';
import { loadFactsFile } from '../facts/facts-file.js';
import { gatherFacts } from '../facts/gather.js';
import { planInstall } from '../plan/plan-install.js';
import { formatPlan } from '../plan/format-plan.js';

export default defineCommand({
  words: ['install', 'plan'],
  summary: 'show what installing a profile on a machine would do (disks wiped, partitions, storage, network, files, steps); touches nothing',
  args: 'PROFILE',
  minArgs: 1,
  maxArgs: 1,
  options: {
    facts: { type: 'string', help: 'plan for the machine this facts file describes (debvisor facts --out); default: read this machine, read-only' },
    json: { type: 'boolean', help: 'print the plan as JSON' },
  },
  async run({ positionals, values, io }) {
    const file = positionals[0]!;
    if (!existsSync(file)) throw new UsageError(`no such file: ${file}`, 'give the path of a profile YAML file');
    if (values.facts !== undefined && !existsSync(values.facts))
      throw new UsageError(`no such file: ${values.facts}`, 'give a facts file written by debvisor facts --out');
    // The profile alone first: its shape and meaning. The hardware is the plan's to judge.
    const r = validateProfile(file);
    if (!r.ok) {
      for (const i of r.issues) io.stderr.write(`${formatIssue(i)}\n`);
      io.stderr.write('no plan: fix the profile first\n');
      return EXIT.failed;
    }
    let facts: HardwareFacts;
    if (values.facts !== undefined) {
      const f = loadFactsFile(values.facts);
      if (!f.ok) {
        for (const i of f.issues) io.stderr.write(`${formatIssue(i)}\n`);
        io.stderr.write('no plan: the facts file is not valid\n');
        return EXIT.failed;
      }
      facts = f.value;
    } else {
      facts = await gatherFacts({ by: `debvisor ${version()}` });
    }
    const plan = planInstall(r.profile, facts);
    const where = (path: string) => `${formatPosition(locate(r.loaded.chain, path))}: ${path}`;
    if (values.json) {
      const errors = plan.errors.map((e) => issueAt(locate(r.loaded.chain, e.path), e));
      io.stdout.write(`${JSON.stringify({ profile: file, facts: values.facts ?? 'this machine', ...plan, errors }, null, 2)}\n`);
    } else {
      io.stdout.write(formatPlan(plan, where));
    }
    return plan.ok ? EXIT.ok : EXIT.failed;
  },
});

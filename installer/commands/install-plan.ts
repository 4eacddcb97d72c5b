import { existsSync } from 'node:fs';
import { EXIT, defineCommand } from '../../core/cli/command.js';
import { UsageError } from '../../core/errors.js';
import { issueAt } from '../../core/issue.js';
import { formatPosition } from '../../core/errors.js';
import { locate } from '../../core/checked-yaml.js';
import { readPlanInputs } from './plan-inputs.js';
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
    // A plan writes nothing: a saved installed-profile, its secrets redacted, replays to the same plan.
    const inputs = await readPlanInputs(
      file,
      values.facts,
      io,
      { profile: 'no plan: fix the profile first', facts: 'no plan: the facts file is not valid' },
      { withheldSecrets: true },
    );
    if (!inputs) return EXIT.failed;
    const { profile: r, facts } = inputs;
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

import { existsSync } from 'node:fs';
import { EXIT, defineCommand } from '../../core/cli/command.js';
import { checkYamlFile } from '../../core/checked-yaml.js';
import { UsageError } from '../../core/errors.js';
import { formatIssue } from '../../core/issue.js';
import { safeText } from '../../core/text.js';
import { FactsSchema, type HardwareFacts } from '../facts.js';
import { validateProfile } from '../validate.js';

export default defineCommand({
  words: ['profile', 'validate'],
  summary: 'check profiles (schema and meaning) and report every problem with file:line:col',
  args: 'FILE...',
  minArgs: 1,
  options: {
    json: { type: 'boolean', help: 'print one JSON document instead of lines' },
    facts: {
      type: 'string',
      help: "also check each profile against a machine's facts (debvisor facts --out): the disk and NIC selectors, sizes, sectors, RAID level, ZFS in the image: the rules the install plan refuses by",
    },
  },
  async run({ positionals, values, io }) {
    for (const f of positionals) if (!existsSync(f)) throw new UsageError(`no such file: ${f}`, 'give the path of a profile YAML file');
    let facts: HardwareFacts | undefined;
    if (values.facts !== undefined) {
      if (!existsSync(values.facts)) throw new UsageError(`no such file: ${values.facts}`, 'give a facts file written by debvisor facts --out');
      // Facts are YAML-compatible JSON, held to their schema by the one checked-YAML loader.
      const f = checkYamlFile<HardwareFacts>(values.facts, { schema: FactsSchema });
      if (!f.ok) {
        for (const i of f.issues) io.stderr.write(`${formatIssue(i)}\n`);
        io.stderr.write('the facts file is not valid: nothing was checked against it\n');
        return EXIT.failed;
      }
      facts = f.value;
    }
    const results = positionals.map((f) => validateProfile(f, facts ? { facts } : {}));
    if (values.json) {
      const doc = { valid: results.every((r) => r.ok), profiles: results.map((r) => ({ file: r.file, valid: r.ok, issues: r.issues })) };
      io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    } else {
      for (const r of results) {
        if (r.ok) io.stdout.write(`${safeText(r.file)}: valid${facts ? ` for ${safeText(values.facts!)}` : ''}\n`);
        else for (const i of r.issues) io.stdout.write(`${formatIssue(i)}\n`);
      }
      const bad = results.filter((r) => !r.ok);
      if (bad.length) {
        const n = bad.reduce((a, r) => a + r.issues.length, 0);
        io.stderr.write(`${n} problem${n === 1 ? '' : 's'} in ${bad.length} of ${results.length} profile${results.length === 1 ? '' : 's'}\n`);
      }
    }
    return results.every((r) => r.ok) ? EXIT.ok : EXIT.failed;
  },
});

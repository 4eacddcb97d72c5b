import { existsSync } from 'node:fs';
import { EXIT, defineCommand } from '../../core/cli/command.js';
import { UsageError } from '../../core/errors.js';
import { validateProfile } from '../validate.js';
import { formatIssue } from '../../core/issue.js';
import { safeText } from '../../core/text.js';

export default defineCommand({
  words: ['profile', 'validate'],
  summary: 'check profiles (schema and meaning) and report every problem with file:line:col',
  args: 'FILE...',
  minArgs: 1,
  options: { json: { type: 'boolean', help: 'print one JSON document instead of lines' } },
  async run({ positionals, values, io }) {
    for (const f of positionals) if (!existsSync(f)) throw new UsageError(`no such file: ${f}`, 'give the path of a profile YAML file');
    const results = positionals.map((f) => validateProfile(f));
    if (values.json) {
      const doc = { valid: results.every((r) => r.ok), profiles: results.map((r) => ({ file: r.file, valid: r.ok, issues: r.issues })) };
      io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    } else {
      for (const r of results) {
        if (r.ok) io.stdout.write(`${safeText(r.file)}: valid\n`);
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

import { existsSync } from 'node:fs';
import { stringify } from 'yaml';
import { EXIT, defineCommand } from '../../core/cli/command.js';
import { UsageError } from '../../core/errors.js';
import { validateProfile } from '../validate.js';
import { formatIssue } from '../../core/issue.js';
import { redactSecrets } from '../redact.js';
import { safeText } from '../../core/text.js';

export default defineCommand({
  words: ['profile', 'show'],
  summary: 'print the effective profile: parents merged, defaults applied, secrets redacted',
  args: 'FILE',
  minArgs: 1,
  maxArgs: 1,
  options: { json: { type: 'boolean', help: 'print JSON instead of YAML' } },
  async run({ positionals, values, io }) {
    const file = positionals[0]!;
    if (!existsSync(file)) throw new UsageError(`no such file: ${file}`, 'give the path of a profile YAML file');
    const r = validateProfile(file);
    if (!r.ok) {
      for (const i of r.issues) io.stderr.write(`${formatIssue(i)}\n`);
      io.stderr.write('the profile is invalid; fix the problems above first\n');
      return EXIT.failed;
    }
    const shown = redactSecrets(r.profile);
    io.stdout.write(
      values.json
        ? `${JSON.stringify(shown, null, 2)}\n`
        : `# effective profile of ${safeText(r.file)} (defaults applied, secrets redacted)\n${stringify(shown, { lineWidth: 0 })}`,
    );
    return EXIT.ok;
  },
});

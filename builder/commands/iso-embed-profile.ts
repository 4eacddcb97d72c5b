import { existsSync } from 'node:fs';
import { EXIT, defineCommand } from '../../core/cli/command.js';
import { UsageError } from '../../core/errors.js';
import { formatIssue } from '../../core/issue.js';
import { validateProfile } from '../../profiles/validate.js';
import { EMBEDDED_ISO_PATH, embedProfile } from '../embed-profile.js';

export default defineCommand({
  words: ['iso', 'embed-profile'],
  summary: 'write a new ISO that boots straight into the unattended install with a profile (no rebuild; xorriso)',
  args: 'IN.iso PROFILE',
  minArgs: 2,
  maxArgs: 2,
  options: { out: { type: 'string', help: 'the new ISO (default: IN with -unattended before .iso)' } },
  async run({ positionals, values, io }) {
    const [iso, profile] = positionals as [string, string];
    if (!existsSync(iso)) throw new UsageError(`no such file: ${iso}`, 'give an ISO built by debvisor build');
    if (!existsSync(profile)) throw new UsageError(`no such file: ${profile}`, 'give the path of a profile YAML file');
    // A profile that would stop the install is refused here, not on the console of a far machine.
    const v = validateProfile(profile);
    if (!v.ok) {
      for (const i of v.issues) io.stderr.write(`${formatIssue(i)}\n`);
      io.stderr.write('no ISO written: fix the profile first\n');
      return EXIT.failed;
    }
    if (v.loaded.chain.length > 1)
      throw new UsageError(
        `${profile} extends another profile`,
        'embed a self-contained profile: copy the settings of its parents into it (the installer sees only this one file)',
      );
    const out = values.out ?? iso.replace(/(\.iso)?$/i, '-unattended.iso');
    const sig = existsSync(`${profile}.sig`) ? `${profile}.sig` : undefined;
    const r = await embedProfile({ iso, profile, out, signature: sig });
    io.stdout.write(`${out}: ${EMBEDDED_ISO_PATH}${sig ? ' (signed)' : ''}; default boot entry: unattended in ${r.menus.join(', ')}\n`);
    return EXIT.ok;
  },
});

import { join } from 'node:path';
import { EXIT, defineCommand } from '../../../core/cli/command.js';
import { DebvisorError } from '../../../core/errors.js';
import { fileUnder, openTargetRoot } from '../../../core/target-root.js';
import { assertLoginName } from '../../../profiles/rules/login-name.js';
import { enrollTotp, enrolmentView } from '../mfa.js';
import { userExists } from '../accounts.js';

export default defineCommand({
  words: ['mfa', 'enroll'],
  summary: 'create a TOTP secret and recovery codes for a user; shows a QR code to scan',
  args: 'USER',
  minArgs: 1,
  maxArgs: 1,
  options: {
    root: { type: 'string', help: 'system root to work on (default /)' },
    label: { type: 'string', help: 'account name shown in the authenticator app (default USER@HOSTNAME)' },
    force: { type: 'boolean', help: 'replace an existing secret' },
  },
  async run({ positionals, values, io }) {
    const user = assertLoginName(positionals[0]!);
    const root = openTargetRoot(values.root ?? '/', { allowSystem: true });
    if (fileUnder(root, '/etc/passwd') && !userExists(root, user))
      throw new DebvisorError('E_NO_USER', `no user ${user} in ${join(root, 'etc/passwd')}`, { hint: 'enroll the admin named in the profile' });
    const { hostname } = await import('node:os');
    const label = values.label ?? `${user}@${hostname()}`;
    const e = await enrollTotp(root, user, label, { force: Boolean(values.force) });
    // The secret goes to this terminal only; never into events or logs.
    io.stdout.write(await enrolmentView(e));
    io.stdout.write(`stored for PAM in ${e.path} (root only, mode 0600)\n`);
    return EXIT.ok;
  },
});

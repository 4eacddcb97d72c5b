import type { Command } from '../../core/cli/command.js';
import { EXIT } from '../../core/cli/command.js';
import { DebvisorError, UsageError } from '../../core/errors.js';
import { enrollTotp, enrolmentView } from './mfa.js';
import { generateHostKeys, rotateHostKeys } from './hostkeys.js';
import { userExists } from './accounts.js';
import { join } from 'node:path';
import { fileUnder, openTargetRoot } from '../../core/target-root.js';
import { assertLoginName } from '../../profiles/rules/login-name.js';

const rootOpt = { root: { type: 'string' as const } };
const rootHelp = { root: 'system root to work on (default /)' };

export const sshCommands: Command[] = [
  {
    words: ['mfa', 'enroll'],
    summary: 'create a TOTP secret and recovery codes for a user; shows a QR code to scan',
    args: 'USER',
    minArgs: 1,
    maxArgs: 1,
    options: { ...rootOpt, label: { type: 'string' }, force: { type: 'boolean' } },
    optionHelp: { ...rootHelp, label: 'account name shown in the authenticator app (default USER@HOSTNAME)', force: 'replace an existing secret' },
    async run({ positionals, values, io }) {
      const user = assertLoginName(positionals[0]!);
      const root = openTargetRoot((values.root as string | undefined) ?? '/', { allowSystem: true });
      if (fileUnder(root, '/etc/passwd') && !userExists(root, user)) throw new DebvisorError('E_NO_USER', `no user ${user} in ${join(root, 'etc/passwd')}`, { hint: 'enroll the admin named in the profile' });
      const { hostname } = await import('node:os');
      const label = (values.label as string | undefined) ?? `${user}@${hostname()}`;
      const e = await enrollTotp(root, user, label, { force: Boolean(values.force) });
      // The secret goes to this terminal only; never into events or logs.
      io.stdout.write(await enrolmentView(e));
      io.stdout.write(`stored for PAM in ${e.path} (root only, mode 0600)\n`);
      return EXIT.ok;
    },
  },
  {
    words: ['ssh', 'hostkeys'],
    summary: 'generate missing SSH host keys (ed25519, RSA 4096; removes ECDSA and DSA) or rotate them',
    args: 'generate|rotate',
    minArgs: 1,
    maxArgs: 1,
    options: rootOpt,
    optionHelp: rootHelp,
    async run({ positionals, values, io }) {
      const root = (values.root as string | undefined) ?? '/';
      const action = positionals[0];
      if (action === 'generate') {
        for (const k of await generateHostKeys(root)) io.stdout.write(`${k.type}: ${k.fingerprint}\n`);
        return EXIT.ok;
      }
      if (action === 'rotate') {
        const r = await rotateHostKeys(root);
        r.new.forEach((k, i) => io.stdout.write(`${k.type}: ${r.old[i]!.fingerprint}\n   now: ${k.fingerprint}\n`));
        io.stdout.write('old keys kept as *.previous; reload sshd (systemctl reload ssh) and update known_hosts of clients\n');
        return EXIT.ok;
      }
      throw new UsageError(`expected generate or rotate, got '${action}'`);
    },
  },
];

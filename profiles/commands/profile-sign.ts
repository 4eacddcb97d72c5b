import { existsSync } from 'node:fs';
import { EXIT, defineCommand } from '../../core/cli/command.js';
import { UsageError } from '../../core/errors.js';
import { signProfile } from '../signature.js';

export default defineCommand({
  words: ['profile', 'sign'],
  summary: 'sign a profile with an SSH key (ssh-keygen -Y sign): writes PROFILE.sig for images built with allowed signers',
  args: 'PROFILE',
  minArgs: 1,
  maxArgs: 1,
  options: { key: { type: 'string', help: 'the private key (or, with ssh-agent, its .pub)' } },
  async run({ positionals, values, io }) {
    const file = positionals[0]!;
    if (!existsSync(file)) throw new UsageError(`no such file: ${file}`, 'give the path of a profile YAML file');
    if (!values.key) throw new UsageError('--key is required', 'for example --key ~/.ssh/id_ed25519');
    io.stdout.write(`${await signProfile(file, values.key)}\n`);
    return EXIT.ok;
  },
});

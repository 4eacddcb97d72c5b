import { EXIT, defineCommand } from '../../../core/cli/command.js';
import { UsageError } from '../../../core/errors.js';
import { generateHostKeys, rotateHostKeys } from '../hostkeys.js';

export default defineCommand({
  words: ['ssh', 'hostkeys'],
  summary: 'generate missing SSH host keys (ed25519, RSA 4096; removes ECDSA and DSA) or rotate them',
  args: 'generate|rotate',
  minArgs: 1,
  maxArgs: 1,
  options: { root: { type: 'string', help: 'system root to work on (default /)' } },
  async run({ positionals, values, io }) {
    const root = values.root ?? '/';
    const action = positionals[0];
    if (action === 'generate') {
      for (const k of await generateHostKeys(root)) io.stdout.write(`${k.type}: ${k.fingerprint}\n`);
      return EXIT.ok;
    }
    if (action === 'rotate') {
      const r = await rotateHostKeys(root);
      for (const [i, k] of r.new.entries()) io.stdout.write(`${k.type}: ${r.old[i]!.fingerprint}\n   now: ${k.fingerprint}\n`);
      io.stdout.write('old keys kept as *.previous; reload sshd (systemctl reload ssh) and update known_hosts of clients\n');
      return EXIT.ok;
    }
    throw new UsageError(`expected generate or rotate, got '${action}'`);
  },
});

import { EXIT, defineCommand } from '../../../core/cli/command.js';
import { DebvisorError, UsageError } from '../../../core/errors.js';
import { run } from '../../../core/run.js';
import { banTarget, setName, TABLE } from '../compile.js';

export default defineCommand({
  words: ['firewall', 'unban'],
  summary: 'lift a ban',
  args: 'ADDRESS',
  minArgs: 1,
  maxArgs: 1,
  async run({ positionals, io }) {
    const target = banTarget(positionals[0]!);
    if (!target) throw new UsageError(`'${positionals[0]}' is not an IP address or CIDR`);
    const r = await run(['nft', 'delete', 'element', 'inet', TABLE, setName('blocklist', target.family), `{ ${target.value} }`], { allowFailure: true });
    if (r.exitCode !== 0) throw new DebvisorError('E_NOT_BANNED', `${target.value} is not in the blocklist`, { hint: 'see debvisor firewall status' });
    io.stdout.write(`unbanned ${target.value}\n`);
    return EXIT.ok;
  },
});

import { EXIT, defineCommand } from '../../../core/cli/command.js';
import { UsageError } from '../../../core/errors.js';
import { run } from '../../../core/run.js';
import { parseDuration } from '../../../core/sizes.js';
import { DURATION_PATTERN } from '../../../core/schema-helpers.js';
import { banTarget, setName, TABLE } from '../compile.js';

export default defineCommand({
  words: ['firewall', 'ban'],
  summary: 'drop all traffic from an address or CIDR for a while (default 1h)',
  args: 'ADDRESS',
  minArgs: 1,
  maxArgs: 1,
  options: { for: { type: 'string', help: 'how long: 30s, 10m, 1h, 7d (default 1h)' } },
  async run({ positionals, values, io }) {
    const target = banTarget(positionals[0]!);
    if (!target) throw new UsageError(`'${positionals[0]}' is not an IP address or CIDR`);
    const dur = values.for ?? '1h';
    if (!new RegExp(DURATION_PATTERN).test(dur)) throw new UsageError(`--for '${dur}' is not a duration`, 'for example 30s, 10m, 1h or 7d');
    const set = setName('blocklist', target.family);
    await run(['nft', 'add', 'element', 'inet', TABLE, set, `{ ${target.value} timeout ${parseDuration(dur)}s }`]);
    io.stdout.write(`banned ${target.value} for ${dur}\n`);
    return EXIT.ok;
  },
});

import { EXIT, defineCommand } from '../../../core/cli/command.js';
import { UsageError } from '../../../core/errors.js';
import { discardPending, rollbackFirewall } from '../apply.js';
import { infoEvents, rootOf, rootOption } from './common.js';

export default defineCommand({
  words: ['firewall', 'rollback'],
  summary: 'undo a pending apply now (apply arms this itself with --after)',
  options: {
    root: rootOption,
    token: { type: 'string', help: 'only roll back this apply (internal)' },
    after: { type: 'string', help: 'wait this many seconds first (internal)' },
    discard: { type: 'boolean', help: 'forget a pending apply (also a damaged one) without loading anything: the ruleset loaded now stays' },
  },
  async run({ values, io }) {
    if (values.discard) {
      if (values.token !== undefined || values.after !== undefined) throw new UsageError('--discard takes no --token or --after');
      io.stdout.write(
        discardPending(rootOf(values))
          ? 'discarded the pending apply; the loaded ruleset was not changed (see debvisor firewall status)\n'
          : 'nothing pending to discard\n',
      );
      return EXIT.ok;
    }
    const after = Number(values.after ?? 0);
    if (!Number.isInteger(after) || after < 0 || after > 3600) throw new UsageError('--after must be 0..3600 seconds');
    if (after > 0) await new Promise((r) => setTimeout(r, after * 1000));
    const done = await rollbackFirewall({ root: rootOf(values), token: values.token, events: infoEvents(io) });
    io.stdout.write(done ? 'rolled back to the previous ruleset\n' : 'nothing to roll back\n');
    return EXIT.ok;
  },
});

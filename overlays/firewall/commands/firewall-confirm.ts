import { EXIT, defineCommand } from '../../../core/cli/command.js';
import { confirmFirewall } from '../apply.js';
import { rootOf, rootOption } from './common.js';

export default defineCommand({
  words: ['firewall', 'confirm'],
  summary: 'keep the ruleset of the last apply (it is then also loaded at boot)',
  options: { root: rootOption },
  async run({ values, io }) {
    await confirmFirewall(rootOf(values));
    io.stdout.write('confirmed and saved\n');
    return EXIT.ok;
  },
});

import { EXIT, defineCommand } from '../../../core/cli/command.js';
import { compileRuleset } from '../compile.js';
import { firewallPaths, loadModelOrThrow } from '../apply.js';
import { rootOf, rootOption } from './common.js';

export default defineCommand({
  words: ['firewall', 'compile'],
  summary: 'print the nftables ruleset compiled from the firewall model',
  options: { root: rootOption },
  async run({ values, io }) {
    io.stdout.write(compileRuleset(loadModelOrThrow(firewallPaths(rootOf(values)))));
    return EXIT.ok;
  },
});

import { EXIT, defineCommand } from '../../../core/cli/command.js';
import { formatIssue } from '../../../core/issue.js';
import { compileRuleset } from '../compile.js';
import { loadFirewallFile } from '../model-file.js';
import { firewallPaths } from '../apply.js';
import { nftCheck } from '../live.js';
import { rootOf, rootOption } from './common.js';

export default defineCommand({
  words: ['firewall', 'check'],
  summary: 'check the firewall model and its compiled ruleset (nft -c) without applying anything',
  options: { root: rootOption },
  async run({ values, io }) {
    const r = loadFirewallFile(firewallPaths(rootOf(values)).model);
    if (!r.ok) {
      for (const i of r.issues) io.stdout.write(`${formatIssue(i)}\n`);
      return EXIT.failed;
    }
    await nftCheck(compileRuleset(r.model));
    io.stdout.write('firewall model and ruleset are valid\n');
    return EXIT.ok;
  },
});

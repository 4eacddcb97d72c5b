import { readFileSync } from 'node:fs';
import { defineCommand } from '../../../core/cli/command.js';
import { DebvisorError, UsageError } from '../../../core/errors.js';
import { writeFileSet } from '../../../core/fileset.js';
import { formatIssue } from '../../../core/issue.js';
import { FIREWALL_FILE } from '../../../profiles/firewall/node-file.js';
import { loadFirewallFile, parseFirewallFile, withLockdown } from '../model-file.js';
import { firewallPaths } from '../apply.js';
import { applyAndReport, applyOptions, rootOf } from './common.js';

export default defineCommand({
  words: ['firewall', 'lockdown'],
  summary: 'turn lockdown on (management ports only from the management set) or off, and apply',
  args: 'on|off',
  minArgs: 1,
  maxArgs: 1,
  options: applyOptions,
  async run({ positionals, values, io }) {
    const word = positionals[0];
    if (word !== 'on' && word !== 'off') throw new UsageError(`expected on or off, got '${word}'`);
    const paths = firewallPaths(rootOf(values));
    const loaded = loadFirewallFile(paths.model);
    if (!loaded.ok && loaded.issues[0]?.code === 'E_READ') throw new DebvisorError('E_READ', loaded.issues[0].message, { hint: loaded.issues[0].hint });
    const before = readFileSync(paths.model, 'utf8');
    const after = withLockdown(before, word === 'on');
    // Check the edited model before writing it: lockdown with an empty management set is refused here.
    const r = parseFirewallFile(paths.model, after);
    if (!r.ok) {
      for (const i of r.issues) io.stderr.write(`${formatIssue(i)}\n`);
      throw new DebvisorError('E_FIREWALL_MODEL', `lockdown ${word} refused; nothing was changed`, {
        hint: 'add your admin networks to firewall.ipsets.management in the model first',
      });
    }
    const model = (text: string) =>
      writeFileSet(rootOf(values), [{ id: 'firewall-model', path: FIREWALL_FILE, content: text, mode: 0o644, owner: 'root' }], { allowSystem: true });
    await model(after);
    try {
      return await applyAndReport(io, values);
    } catch (err) {
      await model(before);
      throw err;
    }
  },
});

import { EXIT, defineCommand } from '../../../core/cli/command.js';
import { loadFirewallFile } from '../model-file.js';
import { firewallPaths, readPending } from '../apply.js';
import { liveStatus } from '../status.js';
import { rootOf, rootOption } from './common.js';

export default defineCommand({
  words: ['firewall', 'status'],
  summary: 'show whether the firewall is loaded, its policy, lockdown, set sizes, bans and a pending apply',
  options: { root: rootOption, json: { type: 'boolean', help: 'print JSON' } },
  async run({ values, io }) {
    const paths = firewallPaths(rootOf(values));
    const model = loadFirewallFile(paths.model);
    const live = await liveStatus();
    const pending = readPending(paths, rootOf(values));
    const status = {
      ...live,
      lockdown: model.ok ? model.model.firewall.lockdown : undefined,
      modelValid: model.ok,
      pending: pending ? { deadline: pending.deadline } : undefined,
    };
    if (values.json) {
      io.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    } else {
      io.stdout.write(`firewall: ${live.loaded ? `loaded, input policy ${live.inputPolicy}` : 'NOT LOADED'}\n`);
      io.stdout.write(`lockdown: ${status.lockdown === undefined ? 'unknown (model invalid)' : status.lockdown ? 'on' : 'off'}\n`);
      for (const [name, n] of Object.entries(live.sets)) io.stdout.write(`set ${name}: ${n} element${n === 1 ? '' : 's'}\n`);
      for (const b of live.bans) io.stdout.write(`banned ${b.value} for ${b.seconds}s more\n`);
      if (pending) io.stdout.write(`pending apply: confirm before ${pending.deadline} or it rolls back\n`);
    }
    return live.loaded ? EXIT.ok : EXIT.failed;
  },
});

import { EXIT, defineCommand } from '../../core/cli/command.js';
import { removeMember } from '../join-server.js';
import { ROOT_OPTION, hostFor } from './common.js';

export default defineCommand({
  words: ['cluster', 'remove'],
  summary: "remove a member: revoke its certificate, drop it from corosync and the firewall's cluster set everywhere",
  args: 'NODE',
  minArgs: 1,
  maxArgs: 1,
  options: ROOT_OPTION,
  async run({ positionals, values, io }) {
    const s = await removeMember(hostFor(values.root, io), positionals[0]!);
    io.stdout.write(`removed ${positionals[0]}; members: ${s.members.map((m) => m.name).join(', ')} (config version ${s.configVersion})\n`);
    return EXIT.ok;
  },
});

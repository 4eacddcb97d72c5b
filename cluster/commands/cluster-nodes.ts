import { EXIT, defineCommand } from '../../core/cli/command.js';
import { requireState } from '../state.js';
import { ROOT_OPTION } from './common.js';

export default defineCommand({
  words: ['cluster', 'nodes'],
  summary: 'list the cluster members: node id, name, FQDN, address',
  options: { json: { type: 'boolean', help: 'print JSON' }, ...ROOT_OPTION },
  async run({ values, io }) {
    const s = requireState(values.root ?? '/');
    if (values.json) io.stdout.write(`${JSON.stringify(s.members)}\n`);
    else for (const m of s.members) io.stdout.write(`${m.nodeid}\t${m.name}\t${m.fqdn}\t${m.address}${m.name === s.caHolder ? '\t(CA)' : ''}\n`);
    return EXIT.ok;
  },
});

import { EXIT, defineCommand } from '../../core/cli/command.js';
import { UsageError } from '../../core/errors.js';
import { initCluster } from '../init.js';
import { IDENTITY_OPTIONS, ROOT_OPTION, hostFor, identityFrom } from './common.js';

export default defineCommand({
  words: ['cluster', 'init'],
  summary: 'found a cluster on this node: CA, certificates, corosync authkey and corosync.conf, then start corosync',
  options: { name: { type: 'string', help: 'cluster name (a-z, 0-9, -; at most 15 characters)' }, ...IDENTITY_OPTIONS, ...ROOT_OPTION },
  async run({ values, io }) {
    const name = values.name ?? '';
    if (!/^[a-z][a-z0-9-]{0,14}$/.test(name)) throw new UsageError('--name must be a cluster name: a-z, 0-9 and -, at most 15 characters');
    const r = await initCluster(hostFor(values.root, io), name, identityFrom(values));
    io.stdout.write(`cluster ${name} founded\nCA pin: ${r.pin}\n`);
    return EXIT.ok;
  },
});

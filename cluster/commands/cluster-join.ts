import { readFileSync } from 'node:fs';
import { EXIT, defineCommand } from '../../core/cli/command.js';
import { UsageError } from '../../core/errors.js';
import { joinCluster } from '../join-client.js';
import { IDENTITY_OPTIONS, ROOT_OPTION, hostFor, identityFrom } from './common.js';

export default defineCommand({
  words: ['cluster', 'join'],
  summary: 'join a cluster by hand (first boot does this from the profile): pin check, token, CSR',
  options: {
    endpoint: { type: 'string', help: 'join API of the CA holder, https://HOST:8443' },
    'ca-pin': { type: 'string', help: 'sha256: pin of the cluster CA (debvisor cluster ca-pin)' },
    'token-file': { type: 'string', help: 'file holding the join token (default: read it from stdin); never on the command line' },
    ...IDENTITY_OPTIONS,
    ...ROOT_OPTION,
  },
  async run({ values, io }) {
    if (!values.endpoint || !values['ca-pin']) throw new UsageError('--endpoint and --ca-pin are required');
    const token = readFileSync(values['token-file'] ?? 0, 'utf8').trim();
    const s = await joinCluster(hostFor(values.root, io), { endpoint: values.endpoint, caPin: values['ca-pin'], token, node: identityFrom(values) });
    io.stdout.write(`joined cluster ${s.name}: ${s.members.map((m) => m.name).join(', ')}\n`);
    return EXIT.ok;
  },
});

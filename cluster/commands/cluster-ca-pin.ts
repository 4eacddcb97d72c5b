import { EXIT, defineCommand } from '../../core/cli/command.js';
import { DebvisorError } from '../../core/errors.js';
import { caPin } from '../ca.js';
import { readNode } from '../files.js';
import { CLUSTER_FILES } from '../paths.js';
import { ROOT_OPTION } from './common.js';

export default defineCommand({
  words: ['cluster', 'ca-pin'],
  summary: "print the cluster CA's pin (sha256: of its certificate) for a joining node's profile",
  options: ROOT_OPTION,
  async run({ values, io }) {
    const ca = readNode(values.root ?? '/', CLUSTER_FILES.caCert);
    if (!ca) throw new DebvisorError('E_CLUSTER_NONE', 'this node has no cluster CA certificate', { hint: 'init or join a cluster first' });
    io.stdout.write(`${caPin(ca)}\n`);
    return EXIT.ok;
  },
});

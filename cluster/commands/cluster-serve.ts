import { EXIT, defineCommand } from '../../core/cli/command.js';
import { createJoinServer } from '../join-server.js';
import { JOIN_PORT } from '../paths.js';
import { ROOT_OPTION, hostFor } from './common.js';

export default defineCommand({
  words: ['cluster', 'serve'],
  summary: 'run the join API (debvisor-join.service): token joins and mTLS calls between members',
  options: { listen: { type: 'string', help: 'address to listen on (default: all)' }, ...ROOT_OPTION },
  async run({ values, io }) {
    const host = hostFor(values.root, io);
    const server = createJoinServer({ host });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(JOIN_PORT, values.listen, () => resolve());
    });
    io.stdout.write(`listening on ${values.listen ?? '*'}:${JOIN_PORT}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => resolve());
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    return EXIT.ok;
  },
});

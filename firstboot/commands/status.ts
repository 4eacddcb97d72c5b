import { EXIT, defineCommand } from '../../core/cli/command.js';
import { UsageError } from '../../core/errors.js';
import { fqdnOf } from '../../overlays/panel/nginx.js';
import { loadNodeProfile } from '../profile.js';
import { type NodeStatus, readStatus, renderStatus } from '../status.js';

/** --wait gives up after this long unless --timeout says otherwise. */
export const WAIT_DEFAULT_SEC = 900;
const POLL_MS = 500;

const settled = (s: NodeStatus) => !s.running && s.state !== 'starting' && s.state !== 'not started';

export default defineCommand({
  words: ['status'],
  summary: "show the node's first-boot state: each step, the certificate's issuer and expiry, DNS records, cluster",
  options: {
    root: { type: 'string', help: 'system root (default /)' },
    json: { type: 'boolean', help: 'print JSON' },
    wait: { type: 'boolean', help: 'wait until first boot has settled (ready, ready (degraded) or failed)' },
    timeout: { type: 'string', help: `seconds --wait waits at most (default ${WAIT_DEFAULT_SEC})` },
  },
  async run({ values, io }) {
    const root = values.root ?? '/';
    const timeout = values.timeout === undefined ? WAIT_DEFAULT_SEC : Number(values.timeout);
    if (!Number.isFinite(timeout) || timeout < 0) throw new UsageError('--timeout wants a number of seconds');
    let s = readStatus(root);
    const until = Date.now() + timeout * 1000;
    while (values.wait && !settled(s) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      s = readStatus(root);
    }
    let name = s.node ?? 'this node';
    if (!s.node) {
      try {
        name = fqdnOf(await loadNodeProfile(root));
      } catch {
        /* status still shows without a readable profile */
      }
    }
    if (values.json) io.stdout.write(`${JSON.stringify({ ...s, node: name }, null, 2)}\n`);
    else io.stdout.write(`${renderStatus(s, name).join('\n')}\n`);
    if (values.wait && !settled(s)) return EXIT.failed;
    return s.state === 'ready' || s.state === 'ready (degraded)' ? EXIT.ok : EXIT.failed;
  },
});

import { EXIT, defineCommand } from '../../core/cli/command.js';
import { DebvisorError } from '../../core/errors.js';
import { mtlsPost, memberUrl } from '../mtls.js';
import { requireState } from '../state.js';
import { ROOT_OPTION, hostFor } from './common.js';

export default defineCommand({
  words: ['cluster', 'leave'],
  summary: 'leave the cluster: the CA holder revokes this node and updates the others; corosync stops here',
  options: ROOT_OPTION,
  async run({ values, io }) {
    const host = hostFor(values.root, io);
    const s = requireState(host.root);
    const ca = s.members.find((m) => m.name === s.caHolder);
    if (!ca) throw new DebvisorError('E_CLUSTER_NO_CA', 'the CA holder is not in the member list', { hint: 'see docs/cluster.md, recovery' });
    const r = await mtlsPost(host.root, memberUrl(ca.address), '/v1/leave', {});
    if (r.status !== 200)
      throw new DebvisorError('E_CLUSTER_LEAVE', `the CA holder refused: ${String(r.body.message)}`, { hint: String(r.body.hint ?? '') || undefined });
    await host.stopCorosync();
    io.stdout.write(`left cluster ${s.name}\n`);
    return EXIT.ok;
  },
});

import { EXIT, defineCommand } from '../../core/cli/command.js';
import { clusterStatus } from '../status.js';
import { ROOT_OPTION } from './common.js';

export default defineCommand({
  words: ['cluster', 'status'],
  summary: 'show the cluster: members, quorum, links and certificate expiry',
  options: { json: { type: 'boolean', help: 'print JSON' }, ...ROOT_OPTION },
  async run({ values, io }) {
    const s = await clusterStatus(values.root ?? '/');
    if (values.json) {
      io.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
      return s.quorum.quorate ? EXIT.ok : EXIT.failed;
    }
    const q = s.quorum;
    io.stdout.write(`cluster ${s.name} (config version ${s.configVersion}, CA held by ${s.caHolder})\n`);
    io.stdout.write(
      `quorum: ${q.running ? (q.quorate ? 'yes' : 'NO') : 'corosync not running'}${q.totalVotes !== undefined ? ` (${q.totalVotes} of ${q.expectedVotes} votes)` : ''}\n`,
    );
    for (const m of s.members) io.stdout.write(`  ${m.nodeid}  ${m.name}  ${m.address}  ${q.nodeIds.includes(m.nodeid) ? 'online' : 'offline'}\n`);
    for (const l of s.links) io.stdout.write(`  link: ${l.trim()}\n`);
    if (s.certificate) io.stdout.write(`node certificate: serial ${s.certificate.serial}, valid until ${s.certificate.notAfter}\n`);
    if (s.caNotAfter) io.stdout.write(`cluster CA valid until ${s.caNotAfter}\n`);
    return q.quorate ? EXIT.ok : EXIT.failed;
  },
});

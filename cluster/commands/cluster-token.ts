import { EXIT, defineCommand } from '../../core/cli/command.js';
import { DebvisorError, UsageError } from '../../core/errors.js';
import { parseDuration } from '../../core/sizes.js';
import { DURATION_PATTERN } from '../../core/schema-helpers.js';
import { caPin } from '../ca.js';
import { readNode } from '../files.js';
import { CLUSTER_FILES } from '../paths.js';
import { createToken, readTokens, revokeToken } from '../tokens.js';
import { ROOT_OPTION } from './common.js';

export default defineCommand({
  words: ['cluster', 'token'],
  summary: 'create, list or revoke join tokens (stored hashed; single-use and 1h unless told otherwise)',
  args: 'create|list|revoke [ID]',
  minArgs: 1,
  maxArgs: 2,
  options: {
    ttl: { type: 'string', help: 'how long the token is valid: 30m, 1h, 7d (default 1h)' },
    uses: { type: 'string', help: 'how many nodes may join with it (default 1)' },
    json: { type: 'boolean', help: 'print JSON' },
    ...ROOT_OPTION,
  },
  async run({ positionals, values, io }) {
    const root = values.root ?? '/';
    const [action, id] = positionals;
    if (!readNode(root, CLUSTER_FILES.caKey))
      throw new DebvisorError('E_JOIN_NOT_CA', 'join tokens are made on the node that holds the cluster CA', {
        hint: 'run this on the node that founded the cluster',
      });
    if (action === 'create') {
      const ttl = values.ttl ?? '1h';
      if (!new RegExp(DURATION_PATTERN).test(ttl)) throw new UsageError(`--ttl '${ttl}' is not a duration`, 'for example 30m, 1h or 7d');
      const uses = Number(values.uses ?? '1');
      const { token, record } = await createToken(root, parseDuration(ttl), uses);
      const pin = caPin(readNode(root, CLUSTER_FILES.caCert)!);
      if (values.json) io.stdout.write(`${JSON.stringify({ token, caPin: pin, id: record.id, expires: record.expires, uses })}\n`);
      else io.stdout.write(`token:  ${token}\ncaPin:  ${pin}\nexpires: ${record.expires} (uses: ${uses})\n`);
      return EXIT.ok;
    }
    if (action === 'list') {
      const rows = readTokens(root).map((t) => ({
        id: t.id,
        expires: t.expires,
        uses: t.uses,
        used: t.usedBy.length,
        usedBy: t.usedBy.map((u) => u.name),
        revoked: t.revoked,
      }));
      if (values.json) io.stdout.write(`${JSON.stringify(rows)}\n`);
      else
        for (const r of rows)
          io.stdout.write(
            `${r.id}  expires ${r.expires}  used ${r.used}/${r.uses}${r.revoked ? '  revoked' : ''}${r.usedBy.length ? `  by ${r.usedBy.join(',')}` : ''}\n`,
          );
      return EXIT.ok;
    }
    if (action === 'revoke') {
      if (!id) throw new UsageError('revoke needs a token ID (see debvisor cluster token list)');
      if (!(await revokeToken(root, id))) throw new DebvisorError('E_TOKEN_UNKNOWN', `no token with ID ${id}`, { hint: 'see debvisor cluster token list' });
      io.stdout.write(`token ${id} revoked\n`);
      return EXIT.ok;
    }
    throw new UsageError(`expected create, list or revoke, got '${action}'`);
  },
});

import { EXIT, defineCommand } from '../../../core/cli/command.js';
import { UsageError } from '../../../core/errors.js';
import { isDomainName } from '../../../profiles/rules/names.js';
import { makeSelfSigned } from '../self-signed.js';

export default defineCommand({
  words: ['tls', 'self-signed'],
  summary: "make the panel's stand-in certificate (ECDSA P-256) until ACME delivers one",
  args: 'NAME...',
  minArgs: 1,
  options: {
    root: { type: 'string', help: 'system root (default /)' },
    force: { type: 'boolean', help: 'replace an existing certificate' },
  },
  async run({ positionals, values, io }) {
    for (const n of positionals) if (!isDomainName(n)) throw new UsageError(`'${n}' is not a DNS name`);
    const r = await makeSelfSigned(values.root ?? '/', positionals, { force: Boolean(values.force) });
    io.stdout.write(r.created ? `created ${r.cert} and ${r.key}\n` : `kept the existing ${r.cert} (use --force to replace it)\n`);
    return EXIT.ok;
  },
});

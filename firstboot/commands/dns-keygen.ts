import { EXIT, defineCommand } from '../../core/cli/command.js';
import { UsageError } from '../../core/errors.js';
import { isDomainName } from '../../profiles/rules/names.js';
import { TSIG_ALGORITHMS } from '../../profiles/rules/dns.js';
import { newTsigSecret, renderKeygen } from '../dns/keygen.js';
import { TSIG_KEY_FILE } from '../paths.js';

export default defineCommand({
  words: ['dns', 'keygen'],
  summary: 'print a new TSIG key for a node and the Knot ACL and BIND update-policy that let it change only its own names',
  args: 'FQDN',
  minArgs: 1,
  options: {
    zone: { type: 'string', help: 'the zone (default: FQDN without its first label)' },
    algorithm: { type: 'string', help: 'HMAC algorithm (default hmac-sha256)' },
  },
  async run({ positionals, values, io }) {
    const fqdn = positionals[0]!.replace(/\.$/, '');
    if (!isDomainName(fqdn) || !fqdn.includes('.')) throw new UsageError(`'${fqdn}' is not a fully qualified name`);
    const zone = values.zone ?? fqdn.slice(fqdn.indexOf('.') + 1);
    if (!isDomainName(zone)) throw new UsageError(`'${zone}' is not a zone name`);
    const alg = values.algorithm ?? 'hmac-sha256';
    if (!(TSIG_ALGORITHMS as readonly string[]).includes(alg)) throw new UsageError(`'${alg}' is not one of ${TSIG_ALGORITHMS.join(', ')}`);
    const k = renderKeygen(fqdn, zone, newTsigSecret(), alg);
    io.stdout.write(
      [
        `# TSIG key for ${k.name} (keep it secret: it lets its holder change ${fqdn} and _acme-challenge.${fqdn}).`,
        `# On the node: ${TSIG_KEY_FILE} (mode 0600, owner root):`,
        k.keyFile,
        '# In the profile (the installer moves the secret to the file above):',
        k.profile,
        k.knot,
        k.bind,
      ].join('\n'),
    );
    return EXIT.ok;
  },
});

import { randomBytes } from 'node:crypto';
import { renderKeyFile } from './nsupdate.js';

/** 32 random bytes: as long as the SHA-256 output, as RFC 8945 recommends (tsig-keygen makes the same). */
export const TSIG_SECRET_BYTES = 32;

const fq = (n: string) => (n.endsWith('.') ? n : `${n}.`);

export interface KeygenOutput {
  name: string;
  algorithm: string;
  secret: string;
  keyFile: string;
  knot: string;
  bind: string;
  profile: string;
}

/**
 * Pure given the secret: a key named after the node's FQDN, and server-side snippets that let it
 * change only that name and `_acme-challenge.` under it, A/AAAA/TXT only (least privilege).
 */
export function renderKeygen(fqdn: string, zone: string, secret: string, algorithm = 'hmac-sha256'): KeygenOutput {
  const name = fq(fqdn);
  const keyFile = renderKeyFile({ name, algorithm, secret });
  const knot = [
    '# knot.conf: the key is named after the node, and update-owner: key lets it change only',
    '# that name and the names below it (_acme-challenge included), A/AAAA/TXT only.',
    'key:',
    `  - id: ${name}`,
    `    algorithm: ${algorithm}`,
    `    secret: ${secret}`,
    'acl:',
    `  - id: update-${fqdn.replace(/\.$/, '')}`,
    `    key: ${name}`,
    '    action: update',
    '    update-owner: key',
    '    update-owner-match: sub-or-equal',
    '    update-type: [A, AAAA, TXT]',
    `# and in the zone ${fq(zone)}: acl: [ ..., update-${fqdn.replace(/\.$/, '')} ]`,
    '',
  ].join('\n');
  const bind = [
    '// named.conf: the key, and in the zone statement an update-policy for exactly these names.',
    keyFile.trimEnd(),
    `zone "${fq(zone).replace(/\.$/, '')}" {`,
    '\t// ... type primary; file ...;',
    '\tupdate-policy {',
    `\t\tgrant ${name} name ${name} A AAAA;`,
    `\t\tgrant ${name} name _acme-challenge.${name} TXT;`,
    '\t};',
    '};',
    '',
  ].join('\n');
  const profile = ['dns:', '  tsig:', `    name: ${name}`, `    algorithm: ${algorithm}`, `    secret: ${secret}`, ''].join('\n');
  return { name, algorithm, secret, keyFile, knot, bind, profile };
}

export function newTsigSecret(): string {
  return randomBytes(TSIG_SECRET_BYTES).toString('base64');
}

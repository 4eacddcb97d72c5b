import { finding, type Rule } from './types.js';
import type { Finding } from '../../core/issue.js';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;
export const MAX_FQDN_LENGTH = 253;

export function isHostLabel(s: string): boolean {
  return LABEL.test(s) && !/^[0-9]+$/.test(s);
}

/** A DNS name of labels; `allowWildcard` permits one leading `*.` (certificate names). */
export function isDomainName(s: string, allowWildcard = false): boolean {
  const name = allowWildcard && s.startsWith('*.') ? s.slice(2) : s;
  const labels = name.replace(/\.$/, '').split('.');
  return (
    name.length > 0 &&
    name.length <= MAX_FQDN_LENGTH &&
    labels.length >= 1 &&
    labels.every((l) => LABEL.test(l)) &&
    !/^[0-9]+$/.test(labels[labels.length - 1]!)
  );
}

export const checkNodeNames: Rule = (p) => {
  const out: Finding[] = [];
  const { hostname, domain, fqdnSource } = p.node;
  if (hostname !== undefined && !isHostLabel(hostname)) {
    const hint = hostname.includes('.')
      ? 'put only the first label in hostname and the rest in node.domain'
      : 'letters, digits and hyphens, 1-63 characters, not all digits, no hyphen at either end';
    out.push(finding('/node/hostname', 'E_HOSTNAME', `'${hostname}' is not a valid host name`, hint));
  }
  if (domain !== undefined && (!isDomainName(domain) || !domain.includes('.'))) {
    out.push(finding('/node/domain', 'E_DOMAIN', `'${domain}' is not a valid DNS domain`, 'use a domain with at least two labels, for example example.com'));
  }
  if (hostname && domain && `${hostname}.${domain}`.length > MAX_FQDN_LENGTH) {
    out.push(finding('/node/domain', 'E_FQDN_LENGTH', `the FQDN is longer than ${MAX_FQDN_LENGTH} characters`));
  }
  if (fqdnSource === 'static') {
    if (hostname === undefined)
      out.push(
        finding(
          '/node/hostname',
          'E_HOSTNAME_MISSING',
          'hostname is required when fqdnSource is static',
          'set node.hostname, or fqdnSource: dhcp to take it from the DHCP lease',
        ),
      );
    if (domain === undefined)
      out.push(
        finding(
          '/node/domain',
          'E_DOMAIN_MISSING',
          'domain is required when fqdnSource is static',
          'the FQDN names the node in DNS and on its certificate; set node.domain',
        ),
      );
  }
  if (fqdnSource === 'dhcp' && p.network.ipv4.method !== 'dhcp' && p.network.ipv6.method !== 'dhcp') {
    out.push(
      finding(
        '/node/fqdnSource',
        'E_FQDN_DHCP',
        'fqdnSource is dhcp but neither IPv4 nor IPv6 uses DHCP',
        'set network.ipv4.method: dhcp, or give node.hostname and node.domain',
      ),
    );
  }
  return out;
};

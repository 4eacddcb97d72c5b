import { isDomainName } from './names.js';
import { parseIp } from '../../core/net.js';
import { finding, type Rule } from './types.js';
import type { Finding } from '../../core/issue.js';

/** What both nsupdate and knsupdate accept; MD5 and SHA-1 are refused as too weak. */
export const TSIG_ALGORITHMS = ['hmac-sha224', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512'] as const;
/** RFC 8945 recommends keys at least as long as the hash output; 16 bytes is a floor. */
export const MIN_TSIG_SECRET_BYTES = 16;

export const checkDns: Rule = (p) => {
  const out: Finding[] = [];
  const dns = p.dns;
  if (dns.tsig) {
    const alg = dns.tsig.algorithm.toLowerCase();
    if (!(TSIG_ALGORITHMS as readonly string[]).includes(alg)) {
      const weak = alg === 'hmac-md5' || alg === 'hmac-md5.sig-alg.reg.int' || alg === 'hmac-sha1';
      out.push(
        finding(
          '/dns/tsig/algorithm',
          'E_TSIG_ALGORITHM',
          weak ? `${dns.tsig.algorithm} is too weak for TSIG` : `'${dns.tsig.algorithm}' is not a TSIG algorithm`,
          `use one of: ${TSIG_ALGORITHMS.join(', ')} (hmac-sha256 is usual)`,
        ),
      );
    }
    const secret = dns.tsig.secret;
    const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(secret) && secret.length % 4 === 0 ? Buffer.from(secret, 'base64') : undefined;
    if (!decoded)
      out.push(
        finding(
          '/dns/tsig/secret',
          'E_TSIG_SECRET',
          'the TSIG secret is not valid base64',
          'copy the secret from `tsig-keygen -a hmac-sha256 NAME` or `keymgr -t NAME hmac-sha256`',
        ),
      );
    else if (decoded.length < MIN_TSIG_SECRET_BYTES)
      out.push(
        finding(
          '/dns/tsig/secret',
          'E_TSIG_SECRET',
          `the TSIG secret is only ${decoded.length} bytes`,
          `use at least ${MIN_TSIG_SECRET_BYTES} random bytes; tsig-keygen makes 32`,
        ),
      );
    if (!isDomainName(dns.tsig.name))
      out.push(
        finding('/dns/tsig/name', 'E_TSIG_NAME', `'${dns.tsig.name}' is not a valid key name`, 'key names are DNS names, for example node1.example.com'),
      );
  }
  if (dns.server !== undefined && !parseIp(dns.server) && !isDomainName(dns.server)) {
    out.push(finding('/dns/server', 'E_DNS_SERVER', `'${dns.server}' is neither an IP address nor a host name`));
  }
  if (dns.zone !== undefined && !isDomainName(dns.zone)) out.push(finding('/dns/zone', 'E_DOMAIN', `'${dns.zone}' is not a valid zone name`));
  const domain = p.node.domain;
  if (dns.zone && domain && domain !== dns.zone && !domain.endsWith(`.${dns.zone}`)) {
    out.push(
      finding(
        '/dns/zone',
        'E_DNS_ZONE',
        `the node domain ${domain} is not inside the zone ${dns.zone}`,
        'the node registers hostname.domain, which must lie in the zone',
      ),
    );
  }
  if (dns.register) {
    if (!dns.server)
      out.push(
        finding(
          '/dns/server',
          'E_DNS_REGISTER',
          'DNS registration is on (the default) but dns.server is not set',
          'set dns.server and dns.tsig, or turn registration off with dns.register: false',
        ),
      );
    if (!dns.tsig)
      out.push(
        finding(
          '/dns/tsig',
          'E_DNS_REGISTER',
          'DNS registration is on (the default) but has no TSIG key',
          'set dns.tsig {name, algorithm, secret}, or turn registration off with dns.register: false',
        ),
      );
  }
  return out;
};

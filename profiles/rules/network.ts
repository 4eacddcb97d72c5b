import { parseCidr, parseIp, contains, networkOf } from '../../core/net.js';
import { isDomainName } from './names.js';
import { finding, type Rule } from './types.js';
import type { Finding } from '../../core/issue.js';

function checkFamily(p: Parameters<Rule>[0], fam: 'ipv4' | 'ipv6'): Finding[] {
  const out: Finding[] = [];
  const cfg = p.network[fam];
  const base = `/network/${fam}`;
  const example = fam === 'ipv4' ? '192.0.2.10/24' : '2001:db8::10/64';
  if (cfg.method !== 'static') {
    if (cfg.address !== undefined)
      out.push(
        finding(
          `${base}/address`,
          'E_NET_NOT_STATIC',
          `address is only used with method: static (method is ${cfg.method})`,
          'set method: static or remove address',
        ),
      );
    if (cfg.gateway !== undefined)
      out.push(
        finding(
          `${base}/gateway`,
          'E_NET_NOT_STATIC',
          `gateway is only used with method: static (method is ${cfg.method})`,
          'set method: static or remove gateway',
        ),
      );
    return out;
  }
  if (cfg.address === undefined) {
    out.push(
      finding(`${base}/address`, 'E_NET_ADDRESS_MISSING', 'a static configuration needs an address with prefix length', `for example address: ${example}`),
    );
    return out;
  }
  const cidr = parseCidr(cfg.address);
  if (!cidr || cidr.family !== fam) {
    out.push(
      finding(
        `${base}/address`,
        'E_CIDR',
        `'${cfg.address}' is not an ${fam === 'ipv4' ? 'IPv4' : 'IPv6'} address with prefix length`,
        `for example ${example}`,
      ),
    );
    return out;
  }
  if (fam === 'ipv4' && cidr.bits < 31 && networkOf(cidr).toString() === cidr.addr.toString()) {
    out.push(
      finding(`${base}/address`, 'E_NET_ADDRESS_IS_NETWORK', `${cfg.address} is the network address of its subnet`, 'use a host address inside the subnet'),
    );
  }
  if (cfg.gateway !== undefined) {
    const gw = parseIp(cfg.gateway);
    if (!gw || gw.kind() !== fam) {
      out.push(finding(`${base}/gateway`, 'E_IP', `'${cfg.gateway}' is not an ${fam === 'ipv4' ? 'IPv4' : 'IPv6'} address`));
    } else if (!(fam === 'ipv6' && gw.range() === 'linkLocal') && !contains(cidr, gw)) {
      out.push(
        finding(
          `${base}/gateway`,
          'E_GATEWAY_OUTSIDE',
          `gateway ${cfg.gateway} is not inside ${networkOf(cidr).toString()}/${cidr.bits}`,
          'a gateway must be reachable on the local subnet: check the address and the prefix length',
        ),
      );
    } else if (gw.toString() === cidr.addr.toString()) {
      out.push(finding(`${base}/gateway`, 'E_GATEWAY_SELF', "the gateway is the node's own address"));
    }
  }
  return out;
}

export const checkNetwork: Rule = (p) => {
  const out: Finding[] = [...checkFamily(p, 'ipv4'), ...checkFamily(p, 'ipv6')];
  const n = p.network;
  if (n.ipv4.method === 'none' && n.ipv6.method === 'none') {
    out.push(
      finding('/network/ipv4/method', 'E_NET_NONE', 'the node has no IPv4 and no IPv6 configuration', 'set ipv4.method or ipv6.method to dhcp, auto or static'),
    );
  }
  n.dns.servers.forEach((s, i) => {
    if (!parseIp(s))
      out.push(
        finding(`/network/dns/servers/${i}`, 'E_IP', `'${s}' is not an IP address`, 'resolvers are given by address, for example 192.0.2.53 or 2001:db8::53'),
      );
  });
  n.dns.search.forEach((s, i) => {
    if (!isDomainName(s)) out.push(finding(`/network/dns/search/${i}`, 'E_DOMAIN', `'${s}' is not a valid DNS domain`));
  });
  if (n.bond && Object.keys(n.interface.match).length > 0) {
    out.push(
      finding(
        '/network/interface',
        'E_NET_BOND_AND_INTERFACE',
        'interface and bond are both set',
        'with a bond, list the interfaces under bond.members and remove network.interface',
      ),
    );
  }
  if (n.bond?.xmitHashPolicy && !['802.3ad', 'balance-xor'].includes(n.bond.mode)) {
    out.push(
      finding(
        '/network/bond/xmitHashPolicy',
        'E_NET_BOND_HASH',
        `xmitHashPolicy has no effect with mode ${n.bond.mode}`,
        'use it with 802.3ad or balance-xor, or remove it',
      ),
    );
  }
  // One pass with a map: a list of 100,000 pins must not take minutes.
  const pinnedBy = new Map<string, string>();
  const macs = new Map<string, string>();
  for (const [mac, name] of Object.entries(n.pinning.names ?? {})) {
    const other = macs.get(mac.toLowerCase());
    if (other !== undefined)
      out.push(
        finding(
          `/network/pinning/names/${mac}`,
          'E_NET_PIN_DUPLICATE',
          `MAC address ${mac} is listed twice (also as ${other}): MAC addresses are case-insensitive`,
          'keep one entry per MAC address',
        ),
      );
    macs.set(mac.toLowerCase(), mac);
    const first = pinnedBy.get(name);
    // The bridge, bond and VLAN interfaces the installer makes take their names too.
    const made = [n.bridge.enabled ? ['bridge', n.bridge.name] : undefined, n.bond ? ['bond', n.bond.name] : undefined].find((m) => m?.[1] === name);
    if (made)
      out.push(
        finding(
          `/network/pinning/names/${mac}`,
          'E_NET_PIN_CLASH',
          `the name '${name}' is pinned to ${mac} but is also the ${made[0]}'s name`,
          `pick another name for the NIC, or rename the ${made[0]} (network.${made[0]}.name)`,
        ),
      );
    if (first === undefined) pinnedBy.set(name, mac);
    else
      out.push(
        finding(
          `/network/pinning/names/${mac}`,
          'E_NET_PIN_DUPLICATE',
          `the name '${name}' is pinned to more than one MAC address (also to ${first})`,
          'give each MAC address its own name',
        ),
      );
  }
  return out;
};

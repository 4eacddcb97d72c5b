/**
 * The 86 named services of Proxmox VE's firewall (converted there from Shorewall's macro files),
 * by the same names, so rules carry over from a Proxmox cluster. Ports are nftables syntax:
 * `a-b` ranges, comma lists. `icmp` entries name ICMP (v4) and ICMPv6 types.
 */
export interface MacroPart {
  proto: 'tcp' | 'udp' | 'icmp' | 'icmpv6' | number;
  dport?: string;
  sport?: string;
  /** ICMP or ICMPv6 type names (nft spelling). */
  types?: string[];
}

export interface Macro {
  name: string;
  description: string;
  parts: MacroPart[];
}

const t = (dport: string, sport?: string): MacroPart => (sport ? { proto: 'tcp', dport, sport } : { proto: 'tcp', dport });
const u = (dport: string, sport?: string): MacroPart => (sport ? { proto: 'udp', dport, sport } : { proto: 'udp', dport });
const p = (proto: number): MacroPart => ({ proto });
const echo: MacroPart[] = [
  { proto: 'icmp', types: ['echo-request'] },
  { proto: 'icmpv6', types: ['echo-request'] },
];

const TABLE: [string, string, MacroPart[]][] = [
  ['Amanda', 'Amanda Backup', [u('10080'), t('10080')]],
  ['Auth', 'Auth (identd) traffic', [t('113')]],
  ['BGP', 'Border Gateway Protocol traffic', [t('179')]],
  ['BitTorrent', 'BitTorrent traffic for BitTorrent 3.1 and earlier', [t('6881-6889'), u('6881')]],
  ['BitTorrent32', 'BitTorrent traffic for BitTorrent 3.2 and later', [t('6881-6999'), u('6881')]],
  ['Ceph', 'Ceph Storage Cluster traffic (monitors, OSDs and MDS daemons)', [t('6789'), t('3300'), t('6800-7300')]],
  ['CVS', 'Concurrent Versions System pserver traffic', [t('2401')]],
  ['Citrix', 'Citrix/ICA traffic (ICA, ICA Browser, CGP)', [t('1494'), u('1604'), t('2598')]],
  ['DAAP', 'Digital Audio Access Protocol traffic (iTunes, Rythmbox daemons)', [t('3689'), u('3689')]],
  ['DCC', 'Distributed Checksum Clearinghouse spam filtering mechanism', [t('6277')]],
  ['DHCPfwd', 'Forwarded DHCP traffic', [u('67-68', '67-68')]],
  ['DHCPv6', 'DHCPv6 traffic', [u('546-547', '546-547')]],
  ['DNS', 'Domain Name System traffic (udp and tcp)', [u('53'), t('53')]],
  ['Distcc', 'Distributed Compiler service', [t('3632')]],
  ['FTP', 'File Transfer Protocol', [t('21')]],
  ['Finger', 'Finger protocol (RFC 742)', [t('79')]],
  ['GNUnet', 'GNUnet secure peer-to-peer networking traffic', [t('2086'), u('2086'), t('1080'), u('1080')]],
  ['GRE', 'Generic Routing Encapsulation tunneling protocol', [p(47)]],
  ['Git', 'Git distributed revision control traffic', [t('9418')]],
  ['HKP', 'OpenPGP HTTP keyserver protocol traffic', [t('11371')]],
  ['HTTP', 'Hypertext Transfer Protocol (WWW)', [t('80')]],
  ['HTTPS', 'Hypertext Transfer Protocol (WWW) over SSL', [t('443')]],
  ['ICPV2', 'Internet Cache Protocol V2 (Squid) traffic', [u('3130')]],
  ['ICQ', 'AOL Instant Messenger traffic', [t('5190')]],
  ['IMAP', 'Internet Message Access Protocol', [t('143')]],
  ['IMAPS', 'Internet Message Access Protocol over SSL', [t('993')]],
  ['IPIP', 'IPIP capsulation traffic', [p(94)]],
  ['IPsec', 'IPsec traffic', [u('500', '500'), p(50)]],
  ['IPsecah', 'IPsec authentication (AH) traffic', [u('500', '500'), p(51)]],
  ['IPsecnat', 'IPsec traffic and Nat-Traversal', [u('500'), u('4500'), p(50)]],
  ['IRC', 'Internet Relay Chat traffic', [t('6667')]],
  ['Jetdirect', 'HP Jetdirect printing', [t('9100')]],
  ['L2TP', 'Layer 2 Tunneling Protocol traffic', [u('1701')]],
  ['LDAP', 'Lightweight Directory Access Protocol traffic', [t('389')]],
  ['LDAPS', 'Secure Lightweight Directory Access Protocol traffic', [t('636')]],
  ['MDNS', 'Multicast DNS', [u('5353')]],
  ['MSNP', 'Microsoft Notification Protocol', [t('1863')]],
  ['MSSQL', 'Microsoft SQL Server', [t('1433')]],
  ['Mail', 'Mail traffic (SMTP, SMTPS, Submission)', [t('25'), t('465'), t('587')]],
  ['Munin', 'Munin networked resource monitoring traffic', [t('4949')]],
  ['MySQL', 'MySQL server', [t('3306')]],
  ['NNTP', 'NNTP traffic (Usenet).', [t('119')]],
  ['NNTPS', 'Encrypted NNTP traffic (Usenet)', [t('563')]],
  ['NTP', 'Network Time Protocol (ntpd)', [u('123')]],
  [
    'NeighborDiscovery',
    'IPv6 neighbor solicitation, neighbor and router advertisement',
    [{ proto: 'icmpv6', types: ['nd-router-solicit', 'nd-router-advert', 'nd-neighbor-solicit', 'nd-neighbor-advert'] }],
  ],
  ['OSPF', 'OSPF multicast traffic', [p(89)]],
  ['OpenVPN', 'OpenVPN traffic', [u('1194')]],
  ['PCA', 'Symantec PCAnywere (tm)', [u('5632'), t('5631')]],
  ['PMG', 'Proxmox Mail Gateway web interface', [t('8006')]],
  ['POP3', 'POP3 traffic', [t('110')]],
  ['POP3S', 'Encrypted POP3 traffic', [t('995')]],
  ['PPtP', 'Point-to-Point Tunneling Protocol', [p(47), t('1723')]],
  ['Ping', 'ICMP echo request', echo],
  ['PostgreSQL', 'PostgreSQL server', [t('5432')]],
  ['Printer', 'Line Printer protocol printing', [t('515')]],
  ['RDP', 'Microsoft Remote Desktop Protocol traffic', [t('3389')]],
  ['RIP', 'Routing Information Protocol (bidirectional)', [u('520')]],
  ['RNDC', 'BIND remote management protocol', [t('953')]],
  ['Razor', 'Razor Antispam System', [t('2703')]],
  ['Rdate', 'Remote time retrieval (rdate)', [t('37')]],
  ['Rsync', 'Rsync server', [t('873')]],
  ['SANE', 'SANE network scanning', [t('6566')]],
  ['SMB', 'Microsoft SMB traffic', [u('135,445'), u('137-139'), u('1024-65535', '137'), t('135,139,445')]],
  ['SMBswat', 'Samba Web Administration Tool', [t('901')]],
  ['SMTP', 'Simple Mail Transfer Protocol', [t('25')]],
  ['SMTPS', 'Encrypted Simple Mail Transfer Protocol', [t('465')]],
  ['SNMP', 'Simple Network Management Protocol', [u('161-162'), t('161')]],
  ['SPAMD', 'Spam Assassin SPAMD traffic', [t('783')]],
  ['SPICEproxy', 'Proxmox VE SPICE display proxy traffic', [t('3128')]],
  ['SSH', 'Secure shell traffic', [t('22')]],
  ['SVN', 'Subversion server (svnserve)', [t('3690')]],
  ['SixXS', 'SixXS IPv6 Deployment and Tunnel Broker', [t('3874'), u('3740'), p(41), u('5072,8374')]],
  ['Squid', 'Squid web proxy traffic', [t('3128')]],
  ['Submission', 'Mail message submission traffic', [t('587')]],
  ['Syslog', 'Syslog protocol (RFC 5424) traffic', [u('514'), t('514')]],
  ['TFTP', 'Trivial File Transfer Protocol traffic', [u('69')]],
  ['Telnet', 'Telnet traffic', [t('23')]],
  ['Telnets', 'Telnet over SSL', [t('992')]],
  ['Time', 'RFC 868 Time protocol', [t('37')]],
  ['Trcrt', 'Traceroute (for up to 30 hops) traffic', [u('33434-33524'), ...echo]],
  ['VNC', "VNC traffic for VNC display's 0 - 99", [t('5900-5999')]],
  ['VNCL', 'VNC traffic from Vncservers to Vncviewers in listen mode', [t('5500')]],
  ['Web', 'WWW traffic (HTTP and HTTPS)', [t('80'), t('443')]],
  ['Webcache', 'Web Cache/Proxy traffic (port 8080)', [t('8080')]],
  ['Webmin', 'Webmin traffic', [t('10000')]],
  ['Whois', 'Whois (nicname, RFC 3912) traffic', [t('43')]],
];

export const MACROS: ReadonlyMap<string, Macro> = new Map(TABLE.map(([name, description, parts]) => [name, { name, description, parts }]));

export const MACRO_NAMES: readonly string[] = [...MACROS.keys()];

/** Proxmox matches macro names case-insensitively when parsing; so do we, and return the canonical one. */
export function findMacro(name: string): Macro | undefined {
  const exact = MACROS.get(name);
  if (exact) return exact;
  const lower = name.toLowerCase();
  return [...MACROS.values()].find((m) => m.name.toLowerCase() === lower);
}

import type { HardwareFacts } from '../../../profiles/facts.js';
import { FILESYSTEMS, RAID_LEVELS } from '../../../profiles/schema/install.js';
import { BOND_MODES } from '../../../profiles/schema/network.js';
import { SSH_LEVELS } from '../../../profiles/schema/security.js';
import { ACME_CAS } from '../../../profiles/schema/tls.js';
import { KEYBOARDS, LOCALES, timeZones } from './choices.js';

/** The screens, in the order the operator meets them. */
export const SCREEN_IDS = [
  'welcome',
  'disks',
  'location',
  'admin',
  'mfa',
  'network',
  'security',
  'certificates',
  'cluster',
  'summary',
  'progress',
  'finish',
] as const;
export type ScreenId = (typeof SCREEN_IDS)[number];

export type Value = string | boolean | string[];
/** What the operator typed and chose, by field id (UI-only values too: the password, the TOTP code). */
export type Answers = Record<string, Value>;

export interface FieldContext {
  facts: HardwareFacts;
}

export type FieldKind = 'text' | 'secret' | 'choice' | 'toggle' | 'search' | 'disks' | 'nic' | 'nics' | 'keys';

/**
 * One field of a form screen: where its answer goes in the profile and how it is shown. The
 * profile's findings at `path` (or below it, or at one of `also`) are this field's messages.
 */
export interface Field {
  id: string;
  screen: ScreenId;
  label: string;
  kind: FieldKind;
  /** The profile key this field writes (none for UI-only fields). */
  path?: string;
  also?: readonly string[];
  /** How the text becomes profile data: a string, a list (comma or space separated), an integer. */
  format?: 'string' | 'list' | 'int';
  /** Choice and search fields: the values offered. */
  options?: (a: Answers, ctx: FieldContext) => readonly string[];
  /** Shown only when this holds; a hidden field writes nothing (its key is removed, unless `keepHidden`). */
  when?: (a: Answers) => boolean;
  /** Hidden, it leaves its key as the profile has it (the new-bond fields beside a profile's own bond). */
  keepHidden?: boolean;
  /** The first value when no profile gives one: the schema's default, or the plainest answer. */
  initial?: (ctx: FieldContext) => Value;
  /** One line under the form while the field has the focus and no problem. */
  help: string;
}

const is =
  (id: string, ...values: Value[]) =>
  (a: Answers) =>
    values.includes(a[id] as string);
const on = (id: string) => (a: Answers) => a[id] === true;

/** ZFS only where the installer image carries it; the RAID levels the chosen filesystem can make. */
const filesystems = (_a: Answers, ctx: FieldContext) => FILESYSTEMS.filter((f) => f !== 'zfs' || ctx.facts.image?.zfs === true);
const raidLevels = (a: Answers) => RAID_LEVELS.filter((r) => (a.filesystem === 'zfs' ? true : !r.startsWith('raidz')));

/** The form screens' fields: one table, read by the form model, the screens and the preload. */
export const FIELDS: readonly Field[] = [
  // Disks.
  {
    id: 'disks',
    screen: 'disks',
    label: 'Target disks',
    kind: 'disks',
    path: '/install/disks',
    also: ['/install/wipe'],
    help: 'Space chooses a disk; every chosen disk is wiped',
  },
  {
    id: 'filesystem',
    screen: 'disks',
    label: 'Filesystem',
    kind: 'choice',
    path: '/install/storage/filesystem',
    options: filesystems,
    initial: () => 'lvm-thin',
    help: 'lvm-thin: ext4 root and a thin pool for guests',
  },
  {
    id: 'raid',
    screen: 'disks',
    label: 'RAID level',
    kind: 'choice',
    path: '/install/storage/raid',
    options: raidLevels,
    initial: () => 'single',
    help: 'across the chosen disks; single is one disk',
  },
  {
    id: 'swapSize',
    screen: 'disks',
    label: 'Swap size',
    kind: 'text',
    path: '/install/storage/swapSize',
    initial: () => '4G',
    help: 'for example 4G; 0G for none',
  },
  {
    id: 'rootSize',
    screen: 'disks',
    label: 'Root size',
    kind: 'text',
    path: '/install/storage/rootSize',
    help: 'empty: what is left after swap and the guest pool',
  },
  // Location.
  {
    id: 'timezone',
    screen: 'location',
    label: 'Time zone',
    kind: 'search',
    path: '/node/timezone',
    options: () => timeZones(),
    initial: () => 'UTC',
    help: 'type to search, Left/Right for the other matches',
  },
  {
    id: 'keyboard',
    screen: 'location',
    label: 'Keyboard',
    kind: 'search',
    path: '/node/keyboard',
    options: () => KEYBOARDS,
    initial: () => 'us',
    help: 'console keyboard layout (XKB name)',
  },
  {
    id: 'locale',
    screen: 'location',
    label: 'Locale',
    kind: 'search',
    path: '/node/locale',
    options: () => LOCALES,
    initial: () => 'en_US.UTF-8',
    help: 'language and formats of the system',
  },
  // Admin.
  {
    id: 'adminName',
    screen: 'admin',
    label: 'Admin login',
    kind: 'text',
    path: '/users/admin/name',
    help: 'the administrator; root is locked, the admin uses sudo',
  },
  {
    id: 'password',
    screen: 'admin',
    label: 'Password',
    kind: 'secret',
    path: '/users/admin/passwordHash',
    help: 'for the console and sudo (stored only as a hash)',
  },
  { id: 'password2', screen: 'admin', label: 'Password again', kind: 'secret', help: 'the same password once more' },
  {
    id: 'sshKeys',
    screen: 'admin',
    label: 'SSH public keys',
    kind: 'keys',
    path: '/users/admin/sshKeys',
    help: 'paste a key line, Enter adds it; Backspace on empty removes',
  },
  {
    id: 'sshKeyFile',
    screen: 'admin',
    label: 'Keys from a file',
    kind: 'text',
    help: 'path of a .pub or authorized_keys file (a USB stick); Enter reads it',
  },
  {
    id: 'totp',
    screen: 'admin',
    label: 'TOTP second factor',
    kind: 'toggle',
    path: '/users/admin/mfa/totp',
    initial: () => true,
    help: 'ask a code from an authenticator app after the SSH key',
  },
  // MFA: the code is checked against the secret, not against the profile.
  { id: 'totpCode', screen: 'mfa', label: 'Code from the app', kind: 'text', help: 'the 6 digits the authenticator app shows now' },
  // Network.
  {
    id: 'bond',
    screen: 'network',
    label: 'Bond (from profile)',
    kind: 'toggle',
    path: '/network/bond',
    when: (a) => a.bondInProfile === true,
    help: "the profile's bond carries the address; off: one NIC instead",
  },
  {
    id: 'nic',
    screen: 'network',
    label: 'Management NIC',
    kind: 'nic',
    path: '/network/interface/match',
    when: (a) => a.bond !== true && (a.bondMode ?? 'none') === 'none',
    help: 'the interface the node is managed through',
  },
  {
    id: 'fqdn',
    screen: 'network',
    label: 'Host name (FQDN)',
    kind: 'text',
    path: '/node/hostname',
    also: ['/node/domain'],
    help: 'the full name, for example pve1.example.com',
  },
  {
    id: 'ipv4',
    screen: 'network',
    label: 'IPv4',
    kind: 'choice',
    path: '/network/ipv4/method',
    options: () => ['dhcp', 'static', 'none'],
    initial: () => 'dhcp',
    help: 'dhcp, a static address, or no IPv4',
  },
  {
    id: 'ipv4Address',
    screen: 'network',
    label: 'IPv4 address/prefix',
    kind: 'text',
    path: '/network/ipv4/address',
    when: is('ipv4', 'static'),
    help: 'for example 192.0.2.10/24',
  },
  {
    id: 'ipv4Gateway',
    screen: 'network',
    label: 'IPv4 gateway',
    kind: 'text',
    path: '/network/ipv4/gateway',
    when: is('ipv4', 'static'),
    help: 'inside the address prefix',
  },
  {
    id: 'ipv6',
    screen: 'network',
    label: 'IPv6',
    kind: 'choice',
    path: '/network/ipv6/method',
    options: () => ['auto', 'dhcp', 'static', 'none'],
    initial: () => 'auto',
    help: 'auto is SLAAC',
  },
  {
    id: 'ipv6Address',
    screen: 'network',
    label: 'IPv6 address/prefix',
    kind: 'text',
    path: '/network/ipv6/address',
    when: is('ipv6', 'static'),
    help: 'for example 2001:db8::10/64',
  },
  {
    id: 'ipv6Gateway',
    screen: 'network',
    label: 'IPv6 gateway',
    kind: 'text',
    path: '/network/ipv6/gateway',
    when: is('ipv6', 'static'),
    help: 'a link-local gateway is allowed',
  },
  {
    id: 'dnsServers',
    screen: 'network',
    label: 'DNS servers',
    kind: 'text',
    format: 'list',
    path: '/network/dns/servers',
    help: 'up to 3 addresses, comma separated; empty: from DHCP',
  },
  {
    id: 'vlan',
    screen: 'network',
    label: 'VLAN (advanced)',
    kind: 'text',
    format: 'int',
    path: '/network/vlan/id',
    help: 'empty: untagged; else the VLAN id 1-4094',
  },
  {
    id: 'bondMode',
    screen: 'network',
    label: 'Bond (advanced)',
    kind: 'choice',
    path: '/network/bond/mode',
    also: ['/network/bond'],
    options: () => ['none', ...BOND_MODES],
    initial: () => 'none',
    when: (a) => a.bondInProfile !== true,
    keepHidden: true,
    help: 'none: one NIC; else bond the members chosen below',
  },
  {
    id: 'bondMembers',
    screen: 'network',
    label: 'Bond members',
    kind: 'nics',
    path: '/network/bond/members',
    when: (a) => a.bondInProfile !== true && (a.bondMode ?? 'none') !== 'none',
    keepHidden: true,
    help: 'Space chooses a member interface',
  },
  // Security.
  {
    id: 'firewall',
    screen: 'security',
    label: 'Firewall',
    kind: 'toggle',
    path: '/security/firewall/enabled',
    initial: () => true,
    help: 'nftables, on by default',
  },
  {
    id: 'lockdown',
    screen: 'security',
    label: 'Lockdown',
    kind: 'toggle',
    path: '/security/firewall/lockdown',
    initial: () => false,
    when: on('firewall'),
    help: 'SSH, panel and console only from the management network',
  },
  {
    id: 'management',
    screen: 'security',
    label: 'Management network',
    kind: 'text',
    format: 'list',
    path: '/security/firewall/ipsets/management',
    when: on('firewall'),
    help: 'addresses or CIDRs, comma separated',
  },
  {
    id: 'sshLevel',
    screen: 'security',
    label: 'SSH level',
    kind: 'choice',
    path: '/security/ssh/level',
    options: () => SSH_LEVELS,
    initial: () => 'hardened',
    help: 'hardened passes ssh-audit; basic for old clients',
  },
  // Certificates and DNS.
  {
    id: 'acme',
    screen: 'certificates',
    label: 'ACME certificates',
    kind: 'toggle',
    path: '/tls/acme/enabled',
    initial: () => true,
    help: 'self-signed until the first certificate arrives',
  },
  {
    id: 'acmeEmail',
    screen: 'certificates',
    label: 'ACME e-mail',
    kind: 'text',
    path: '/tls/acme/email',
    when: on('acme'),
    help: 'contact address for the CA account',
  },
  {
    id: 'acmeCa',
    screen: 'certificates',
    label: 'ACME CA',
    kind: 'choice',
    path: '/tls/acme/ca',
    options: () => ACME_CAS,
    initial: () => 'letsencrypt',
    when: on('acme'),
    help: 'custom needs a directory URL',
  },
  {
    id: 'acmeUrl',
    screen: 'certificates',
    label: 'ACME directory URL',
    kind: 'text',
    path: '/tls/acme/directoryUrl',
    when: (a) => a.acme === true && a.acmeCa === 'custom',
    help: 'https URL of the directory',
  },
  {
    id: 'dnsRegister',
    screen: 'certificates',
    label: 'DNS registration',
    kind: 'toggle',
    path: '/dns/register',
    initial: () => true,
    help: 'register the node name by signed DNS update (on by default)',
  },
  {
    id: 'dnsServer',
    screen: 'certificates',
    label: 'DNS update server',
    kind: 'text',
    path: '/dns/server',
    when: on('dnsRegister'),
    help: 'primary name server that accepts the updates',
  },
  { id: 'dnsZone', screen: 'certificates', label: 'DNS zone', kind: 'text', path: '/dns/zone', when: on('dnsRegister'), help: 'empty: the node domain' },
  {
    id: 'tsigName',
    screen: 'certificates',
    label: 'TSIG key name',
    kind: 'text',
    path: '/dns/tsig/name',
    also: ['/dns/tsig'],
    when: on('dnsRegister'),
    help: 'as the name server knows it',
  },
  {
    id: 'tsigSecret',
    screen: 'certificates',
    label: 'TSIG secret',
    kind: 'secret',
    path: '/dns/tsig/secret',
    when: on('dnsRegister'),
    help: 'base64, from tsig-keygen',
  },
  // Cluster.
  {
    id: 'role',
    screen: 'cluster',
    label: 'Cluster',
    kind: 'choice',
    path: '/cluster/role',
    options: () => ['standalone', 'init', 'join'],
    initial: () => 'standalone',
    help: 'standalone, create a cluster (init), or join one',
  },
  {
    id: 'clusterName',
    screen: 'cluster',
    label: 'Cluster name',
    kind: 'text',
    path: '/cluster/name',
    when: is('role', 'init'),
    help: 'lower-case, at most 15 characters',
  },
  {
    id: 'joinEndpoint',
    screen: 'cluster',
    label: 'Join endpoint',
    kind: 'text',
    path: '/cluster/join/endpoint',
    also: ['/cluster/join'],
    when: is('role', 'join'),
    help: 'https URL of a member, for example https://pve1:8443',
  },
  {
    id: 'joinToken',
    screen: 'cluster',
    label: 'Join token',
    kind: 'secret',
    path: '/cluster/join/token',
    when: is('role', 'join'),
    help: 'the one-time token the cluster issued',
  },
  {
    id: 'caPin',
    screen: 'cluster',
    label: 'CA fingerprint',
    kind: 'text',
    path: '/cluster/join/caPin',
    when: is('role', 'join'),
    help: 'sha256: and 64 hex digits (debvisor cluster ca-pin)',
  },
  // Summary: the consent, and where the answers are saved.
  { id: 'exportPath', screen: 'summary', label: 'Save profile to', kind: 'text', help: 'a path (a USB stick); Ctrl-S saves, Ctrl-E shows it' },
  { id: 'confirm', screen: 'summary', label: 'Type to install', kind: 'text', help: 'the disk name, or yes' },
];

export function fieldsOf(screen: ScreenId, a: Answers): Field[] {
  return FIELDS.filter((f) => f.screen === screen && (f.when?.(a) ?? true));
}

export function field(id: string): Field {
  const f = FIELDS.find((x) => x.id === id);
  if (!f) throw new Error(`no field ${id}`);
  return f;
}

/** The screens that fill the profile, and the profile keys each one is about (a preloaded profile that sets them all skips it). */
export const FORM_SCREENS: readonly { id: ScreenId; title: string; sections: readonly string[] }[] = [
  { id: 'disks', title: 'Target disks', sections: ['/install/disks'] },
  { id: 'location', title: 'Location', sections: ['/node/timezone'] },
  { id: 'admin', title: 'Administrator', sections: ['/users/admin'] },
  { id: 'network', title: 'Network', sections: ['/network', '/node/hostname'] },
  { id: 'security', title: 'Security', sections: ['/security'] },
  { id: 'certificates', title: 'Certificates and DNS', sections: ['/tls', '/dns'] },
  { id: 'cluster', title: 'Cluster', sections: ['/cluster'] },
];

export const SCREEN_TITLES: Record<ScreenId, string> = {
  welcome: 'Welcome',
  disks: 'Target disks',
  location: 'Location',
  admin: 'Administrator',
  mfa: 'Second factor (TOTP)',
  network: 'Network',
  security: 'Security',
  certificates: 'Certificates and DNS',
  cluster: 'Cluster',
  summary: 'Summary',
  progress: 'Installing',
  finish: 'Finished',
};

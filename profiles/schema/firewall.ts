import { obj, str, bool, oneOfStrings, list, line, Type } from '../../core/schema-helpers.js';

export const ZONE_NAMES = ['management', 'cluster', 'storage', 'vm', 'public', 'dmz'] as const;
export const RULE_ACTIONS = ['accept', 'drop', 'reject'] as const;
export const NAME_PATTERN = '^[a-z][a-z0-9_-]{0,30}$';
const NAME_HINT = 'lower-case letters, digits, _ and -, starting with a letter, at most 31 characters';

/** nft refuses a comment longer than this many bytes (not characters: `é` takes two). */
export const COMMENT_MAX_BYTES = 128;
/** Interface names are at most 15 bytes (IFNAMSIZ less the NUL); a trailing `*` counts, as nft compares the pattern itself. */
export const IFNAME_MAX_BYTES = 15;
/** A kernel interface name, or a prefix and a trailing `*`; `*` alone, `.` and `..` are not names. */
export const IFNAME_PATTERN = `^(?!\\.\\.?$)[A-Za-z0-9_.-]{1,${IFNAME_MAX_BYTES}}$|^[A-Za-z0-9_.-]{1,${IFNAME_MAX_BYTES - 1}}\\*$`;
/** IP protocol: a name, `any`, or a number 0-255 without leading zeros. */
export const PROTO_PATTERN = '^(tcp|udp|icmp|icmpv6|sctp|any|[0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])$';
/**
 * Counts no real node reaches, refused so that a broken or hostile file cannot make validation,
 * compilation or loading crawl. Per list (rules, each group, each set) or per map.
 */
export const FIREWALL_LIMITS = { rules: 4096, groups: 256, aliases: 4096, ipsets: 256, setEntries: 65536, zoneInterfaces: 64 } as const;

export const FirewallRuleSchema = obj(
  'One firewall rule. Give either `action` (with `macro` or `proto`/`dport`; an accept rule needs one of them) or `group`.',
  {
    direction: oneOfStrings('`in` (to the node) or `out` (from the node).', ['in', 'out'] as const, 'in'),
    action: Type.Optional(oneOfStrings('What to do with matching packets.', RULE_ACTIONS)),
    group: Type.Optional(str('Apply the rules of this security group instead of one action.', { pattern: NAME_PATTERN, 'x-hint': NAME_HINT })),
    macro: Type.Optional(str('A named service (Proxmox macro names, for example `SSH`, `HTTPS`, `Ceph`): sets protocol and ports.')),
    proto: Type.Optional(
      str(
        'Protocol: tcp, udp, sctp, icmp, icmpv6, a protocol number (0-255), or `any` for every protocol (an accept rule needs `macro` or `proto`, so an open-everything rule says so).',
        { pattern: PROTO_PATTERN, 'x-hint': 'use tcp, udp, sctp, icmp, icmpv6, any or a protocol number 0-255' },
      ),
    ),
    dport: Type.Optional(
      Type.Union([Type.Integer(), line()], { description: 'Destination ports: `22`, `80,443`, `5900:5999` or a mix. Needs tcp, udp or sctp.' }),
    ),
    sport: Type.Optional(Type.Union([Type.Integer(), line()], { description: 'Source ports, same syntax as `dport`.' })),
    source: Type.Optional(str('Source: an address, CIDR or range `a-b`, a comma list, `+set` for an IP set, or an alias name.')),
    dest: Type.Optional(str('Destination, same syntax as `source`.')),
    zone: Type.Optional(oneOfStrings('Match only packets arriving on (in) or leaving by (out) the interfaces of this zone.', ZONE_NAMES)),
    log: bool('Log matching packets (rate-limited).', false),
    enabled: bool('Set to false to keep a rule without applying it.', true),
    comment: Type.Optional(
      str(`Free text, kept in the ruleset as a comment: at most ${COMMENT_MAX_BYTES} bytes in UTF-8 (nft's limit).`, { maxLength: COMMENT_MAX_BYTES }),
    ),
  },
);

export const FirewallSchema = obj(
  'The node firewall (nftables, one inet table). Non-blocking for the ports DebVisor uses; `lockdown` restricts management ports to the `management` set.',
  {
    enabled: bool('Load the firewall at boot.', true),
    lockdown: bool('Accept management ports (SSH, panel, console) only from the `management` IP set.', false),
    policyIn: oneOfStrings('What happens to inbound traffic no rule accepts.', ['drop', 'reject'] as const, 'drop'),
    policyOut: oneOfStrings('What happens to outbound traffic no rule handles.', ['accept', 'drop'] as const, 'accept'),
    logDrops: bool('Log dropped inbound packets, rate-limited.', true),
    zones: Type.Partial(
      Type.Object(
        Object.fromEntries(
          ZONE_NAMES.map((z) => [
            z,
            obj(`Interfaces of the ${z} zone.`, {
              interfaces: list(
                `Interface names, or a prefix and \`*\` (\`vmbr*\`): at most ${IFNAME_MAX_BYTES} characters, letters, digits, \`_\`, \`.\` and \`-\`.`,
                str('An interface name.', {
                  pattern: IFNAME_PATTERN,
                  'x-hint': `an interface name (eth0, vmbr0) or a prefix and * (vmbr*), at most ${IFNAME_MAX_BYTES} characters; * alone would match every interface`,
                }),
                { minItems: 1, maxItems: FIREWALL_LIMITS.zoneInterfaces },
              ),
            }),
          ]),
        ),
        { additionalProperties: false },
      ),
      { description: 'Zones bound to interfaces: management, cluster, storage, vm, public, dmz.', default: {} },
    ),
    ipsets: Type.Record(
      Type.String({ pattern: NAME_PATTERN }),
      list(`Entries: addresses, CIDRs or ranges \`a-b\`, IPv4 and IPv6 mixed; at most ${FIREWALL_LIMITS.setEntries}.`, str('One entry.'), {
        maxItems: FIREWALL_LIMITS.setEntries,
      }),
      {
        description:
          'Named IP sets. `management` and `cluster` are built in (cluster peers are added by cluster join); `blocklist` holds static bans beside the ones the IDS adds with timeouts.',
        additionalProperties: false,
        maxProperties: FIREWALL_LIMITS.ipsets,
        default: {},
      },
    ),
    aliases: Type.Record(Type.String({ pattern: NAME_PATTERN }), str('An address or CIDR (without host bits: `10.0.0.0/8`, not `10.0.0.5/8`).'), {
      description: 'Names for addresses, usable as `source` or `dest`.',
      additionalProperties: false,
      maxProperties: FIREWALL_LIMITS.aliases,
      default: {},
    }),
    groups: Type.Record(Type.String({ pattern: NAME_PATTERN }), list('Rules of the group.', FirewallRuleSchema, { maxItems: FIREWALL_LIMITS.rules }), {
      description: 'Security groups: named rule lists that rules refer to with `group`.',
      additionalProperties: false,
      maxProperties: FIREWALL_LIMITS.groups,
      default: {},
    }),
    rules: list(
      'Host rules, evaluated in order after the blocklist and ICMP and before the DebVisor service ports, so they can also close a default port for some sources.',
      FirewallRuleSchema,
      { default: [], maxItems: FIREWALL_LIMITS.rules },
    ),
  },
  { default: {} },
);

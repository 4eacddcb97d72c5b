import { obj, str, bool, oneOfStrings, list, line, Type } from './helpers.js';

export const ZONE_NAMES = ['management', 'cluster', 'storage', 'vm', 'public', 'dmz'] as const;
export const RULE_ACTIONS = ['accept', 'drop', 'reject'] as const;
export const NAME_PATTERN = '^[a-z][a-z0-9_-]{0,30}$';
const NAME_HINT = 'lower-case letters, digits, _ and -, starting with a letter, at most 31 characters';

export const FirewallRuleSchema = obj('One firewall rule. Give either `action` (with `macro` or `proto`/`dport`) or `group`.', {
  direction: oneOfStrings('`in` (to the node) or `out` (from the node).', ['in', 'out'] as const, 'in'),
  action: Type.Optional(oneOfStrings('What to do with matching packets.', RULE_ACTIONS)),
  group: Type.Optional(str('Apply the rules of this security group instead of one action.', { pattern: NAME_PATTERN, 'x-hint': NAME_HINT })),
  macro: Type.Optional(str('A named service (Proxmox macro names, for example `SSH`, `HTTPS`, `Ceph`): sets protocol and ports.')),
  proto: Type.Optional(str('Protocol: tcp, udp, icmp, icmpv6, or a protocol number.', { pattern: '^(tcp|udp|icmp|icmpv6|sctp|[0-9]{1,3})$', 'x-hint': 'use tcp, udp, icmp, icmpv6, sctp or a protocol number' })),
  dport: Type.Optional(Type.Union([Type.Integer(), line()], { description: 'Destination ports: `22`, `80,443`, `5900:5999` or a mix. Needs tcp, udp or sctp.' })),
  sport: Type.Optional(Type.Union([Type.Integer(), line()], { description: 'Source ports, same syntax as `dport`.' })),
  source: Type.Optional(str('Source: an address, CIDR or range `a-b`, a comma list, `+set` for an IP set, or an alias name.')),
  dest: Type.Optional(str('Destination, same syntax as `source`.')),
  zone: Type.Optional(oneOfStrings('Match only packets arriving on (in) or leaving by (out) the interfaces of this zone.', ZONE_NAMES)),
  log: bool('Log matching packets (rate-limited).', false),
  enabled: bool('Set to false to keep a rule without applying it.', true),
  comment: Type.Optional(str('Free text, kept in the ruleset as a comment.', { maxLength: 128 })),
});

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
          ZONE_NAMES.map((z) => [z, obj(`Interfaces of the ${z} zone.`, { interfaces: list('Interface names (or globs such as `vmbr*`).', str('An interface name.'), { minItems: 1 }) })]),
        ),
        { additionalProperties: false },
      ),
      { description: 'Zones bound to interfaces: management, cluster, storage, vm, public, dmz.', default: {} },
    ),
    ipsets: Type.Record(Type.String({ pattern: NAME_PATTERN }), list('Entries: addresses, CIDRs or ranges `a-b`, IPv4 and IPv6 mixed.', str('One entry.')), {
      description: 'Named IP sets. `management` and `cluster` are built in (cluster peers are added by cluster join); `blocklist` holds static bans beside the ones the IDS adds with timeouts.',
      additionalProperties: false,
      default: {},
    }),
    aliases: Type.Record(Type.String({ pattern: NAME_PATTERN }), str('An address or CIDR.'), {
      description: 'Names for addresses, usable as `source` or `dest`.',
      additionalProperties: false,
      default: {},
    }),
    groups: Type.Record(Type.String({ pattern: NAME_PATTERN }), list('Rules of the group.', FirewallRuleSchema), {
      description: 'Security groups: named rule lists that rules refer to with `group`.',
      additionalProperties: false,
      default: {},
    }),
    rules: list('Host rules, evaluated in order after the blocklist and ICMP and before the DebVisor service ports, so they can also close a default port for some sources.', FirewallRuleSchema, { default: [] }),
  },
  { default: {} },
);

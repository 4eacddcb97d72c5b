import { obj, str, bool, int, oneOfStrings, list, glob, Type } from '../../core/schema-helpers.js';

export const BOND_MODES = ['active-backup', '802.3ad', 'balance-rr', 'balance-xor', 'broadcast', 'balance-tlb', 'balance-alb'] as const;

export const NicMatchSchema = obj('Properties of a network interface; every given property must match. Text values are globs.', {
  name: Type.Optional(glob('Kernel interface name (glob), for example `enp3s0f*`.')),
  mac: Type.Optional(glob('MAC address (glob), for example `52:54:00:*`.')),
  driver: Type.Optional(glob('Kernel driver (glob), for example `ixgbe`.')),
});

export const NetworkSchema = obj(
  'Management network of the node.',
  {
    interface: obj(
      'The management interface, chosen by selector. It must match exactly one interface (an empty selector means the one with a link). Leave it out when `bond` is set.',
      { match: { ...NicMatchSchema, default: {} } },
      { default: { match: {} } },
    ),
    bond: Type.Optional(
      obj('Bond the management traffic over several interfaces.', {
        name: str('Bond interface name.', { default: 'bond0', pattern: '^[a-z][a-z0-9]{0,14}$' }),
        mode: oneOfStrings('Bonding mode.', BOND_MODES, 'active-backup'),
        members: list('Member interfaces, each a selector that must match exactly one interface.', NicMatchSchema, { minItems: 1 }),
        miimon: int('Link monitoring interval in milliseconds.', { minimum: 0, maximum: 60000, default: 100 }),
        xmitHashPolicy: Type.Optional(
          oneOfStrings('Transmit hash policy (802.3ad and balance-xor).', ['layer2', 'layer2+3', 'layer3+4', 'encap2+3', 'encap3+4'] as const),
        ),
      }),
    ),
    vlan: Type.Optional(obj('Put the management address on a VLAN of the interface or bond.', { id: int('VLAN id.', { minimum: 1, maximum: 4094 }) })),
    bridge: obj(
      'Linux bridge that carries the management address and the guests.',
      {
        enabled: bool('Create the bridge.', true),
        name: str('Bridge name.', { default: 'vmbr0', pattern: '^[a-z][a-z0-9_]{0,14}$' }),
        vlanAware: bool('Let guests use VLAN tags on the bridge.', true),
      },
      { default: {} },
    ),
    mtu: Type.Optional(int('MTU of the management link.', { minimum: 576, maximum: 9216 })),
    ipv4: obj(
      'IPv4 configuration.',
      {
        method: oneOfStrings('`dhcp`, `static`, or `none` for no IPv4.', ['dhcp', 'static', 'none'] as const, 'dhcp'),
        address: Type.Optional(str('Address with prefix length, for example `192.0.2.10/24` (static only).')),
        gateway: Type.Optional(str('Default gateway, inside the address prefix (static only).')),
      },
      { default: {} },
    ),
    ipv6: obj(
      'IPv6 configuration.',
      {
        method: oneOfStrings('`auto` (SLAAC), `dhcp`, `static`, or `none`.', ['auto', 'dhcp', 'static', 'none'] as const, 'auto'),
        address: Type.Optional(str('Address with prefix length, for example `2001:db8::10/64` (static only).')),
        gateway: Type.Optional(str('Default gateway (static only); a link-local gateway is allowed.')),
      },
      { default: {} },
    ),
    dns: obj(
      'Resolvers and search domains.',
      {
        servers: list('Resolver addresses (IPv4 or IPv6). Empty means those from DHCP.', str('An IP address.'), { default: [], maxItems: 3 }),
        search: list('Search domains.', str('A domain.'), { default: [], maxItems: 6 }),
      },
      { default: {} },
    ),
    pinning: obj(
      'Interface name pinning: stable names written as systemd .link files, so a new card or firmware does not rename the management NIC.',
      {
        enabled: bool('Pin the names of all physical interfaces by MAC address.', true),
        names: Type.Optional(
          Type.Record(Type.String({ pattern: '^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$' }), str('The pinned name.', { pattern: '^[a-z][a-z0-9]{0,14}$' }), {
            description: 'Explicit names by MAC address, for example `"52:54:00:12:34:56": nic0`. Interfaces not listed keep their current name.',
            additionalProperties: false,
          }),
        ),
      },
      { default: {} },
    ),
  },
  { default: {} },
);

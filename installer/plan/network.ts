import type { Profile } from '../../profiles/schema/profile.js';
import type { HardwareFacts, NicFacts } from '../../profiles/facts.js';
import { selectNics } from '../../profiles/rules/select.js';
import type { NetworkPlan } from './types.js';

function only(match: Profile['network']['interface']['match'], nics: readonly NicFacts[]): NicFacts | undefined {
  const hits = selectNics(match, nics).filter((c) => c.matched);
  return hits.length === 1 ? hits[0]!.device : undefined;
}

/**
 * Pure: the network as Proxmox users know it, from the profile and the interfaces found: the
 * management NIC (or a bond), an optional VLAN, the `vmbr0` bridge carrying the address, names
 * pinned by MAC. Undefined when the selectors do not each name one interface (the rules say why).
 */
export function planNetwork(p: Profile, facts: HardwareFacts, notes: string[]): NetworkPlan | undefined {
  const n = p.network;
  const nics = facts.nics ?? [];
  const pinned = (nic: NicFacts): string =>
    n.pinning.enabled
      ? (n.pinning.names?.[nic.mac] ?? Object.entries(n.pinning.names ?? {}).find(([m]) => m.toLowerCase() === nic.mac)?.[1] ?? nic.name)
      : nic.name;
  let lower: string;
  let roles = new Map<string, NetworkPlan['interfaces'][number]['role']>();
  let bond: NetworkPlan['bond'];
  if (n.bond) {
    const members = n.bond.members.map((m) => only(m, nics));
    if (members.some((m) => m === undefined)) return undefined;
    for (const m of members) roles.set(m!.name, 'bond member');
    bond = {
      name: n.bond.name,
      mode: n.bond.mode,
      members: members.map((m) => pinned(m!)),
      miimon: n.bond.miimon,
      ...(n.bond.xmitHashPolicy ? { xmitHashPolicy: n.bond.xmitHashPolicy } : {}),
    };
    lower = n.bond.name;
    const down = members.filter((m) => !m!.link).map((m) => m!.name);
    if (down.length) notes.push(`bond member${down.length > 1 ? 's' : ''} ${down.join(', ')} had no link when the facts were gathered`);
  } else {
    const nic = only(n.interface.match, nics);
    if (!nic) return undefined;
    roles = new Map([[nic.name, 'management']]);
    lower = pinned(nic);
    if (!nic.link) notes.push(`the management interface ${nic.name} had no link when the facts were gathered: check the cable before a DHCP install`);
  }
  const bridge = n.bridge.enabled ? { name: n.bridge.name, ports: [lower], vlanAware: n.bridge.vlanAware } : undefined;
  const base = bridge ? bridge.name : lower;
  const vlan = n.vlan ? { id: n.vlan.id, device: `${base}.${n.vlan.id}` } : undefined;
  if (vlan && bridge && !bridge.vlanAware)
    notes.push(`the management VLAN ${vlan.id} sits on bridge ${bridge.name}, which is not VLAN-aware: guests on the bridge see untagged traffic only`);
  for (const mac of Object.keys(n.pinning.names ?? {})) {
    if (!nics.some((x) => x.mac === mac.toLowerCase())) notes.push(`network.pinning.names lists ${mac}, which no interface of this machine has`);
  }
  const fam = (c: { method: string; address?: string; gateway?: string }) => ({
    method: c.method,
    ...(c.address ? { address: c.address } : {}),
    ...(c.gateway ? { gateway: c.gateway } : {}),
  });
  return {
    stack: 'ifupdown2',
    interfaces: nics.map((x) => ({
      name: x.name,
      mac: x.mac,
      ...(n.pinning.enabled ? { pinnedName: pinned(x) } : {}),
      role: roles.get(x.name) ?? 'unused',
      link: x.link,
    })),
    ...(bond ? { bond } : {}),
    ...(bridge ? { bridge } : {}),
    ...(vlan ? { vlan } : {}),
    addressOn: vlan ? vlan.device : base,
    ...(n.mtu ? { mtu: n.mtu } : {}),
    ipv4: fam(n.ipv4),
    ipv6: fam(n.ipv6),
    dns: { servers: [...n.dns.servers], search: [...n.dns.search] },
  };
}

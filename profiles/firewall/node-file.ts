import type { Static } from '@sinclair/typebox';
import { FirewallSchema } from '../schema/firewall.js';
import { obj, str, list, oneOfStrings, Type } from '../../core/schema-helpers.js';
import type { Profile } from '../schema/profile.js';
import { defaultServices } from './services.js';

export const FIREWALL_FILE_VERSION = 1;
export const FIREWALL_FILE = '/etc/debvisor/firewall.yaml';

export const ServiceSchema = obj('A port DebVisor itself uses.', {
  name: str('Service name.'),
  proto: oneOfStrings('Protocol.', ['tcp', 'udp'] as const),
  ports: str('Ports: `22`, `80,443` or `5900-5999`.'),
  access: list(
    'Who may reach it: public, management (lockdown-able), cluster (peers only).',
    oneOfStrings('One class.', ['public', 'management', 'cluster'] as const),
    { minItems: 1 },
  ),
  description: str('What it is.'),
});

/** /etc/debvisor/firewall.yaml: the node firewall model that `debvisor firewall` reads and edits. */
export const FirewallFileSchema = obj('The node firewall: DebVisor services and the profile firewall model.', {
  version: Type.Literal(FIREWALL_FILE_VERSION, { description: 'File format version.' }),
  services: list('Ports DebVisor uses, with who may reach them.', ServiceSchema),
  firewall: FirewallSchema,
});

export type FirewallFile = Static<typeof FirewallFileSchema>;

export function firewallFileFrom(p: Profile): FirewallFile {
  return { version: FIREWALL_FILE_VERSION, services: defaultServices(p), firewall: structuredClone(p.security.firewall) };
}

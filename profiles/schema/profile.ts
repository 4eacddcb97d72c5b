import type { Static } from '@sinclair/typebox';
import { obj, str, Type } from '../../core/schema-helpers.js';
import { NodeSchema } from './node.js';
import { InstallSchema } from './install.js';
import { NetworkSchema } from './network.js';
import { UsersSchema } from './users.js';
import { SecuritySchema } from './security.js';
import { TlsSchema } from './tls.js';
import { DnsSchema } from './dns.js';
import { ClusterSchema } from './cluster.js';
import { FirstbootSchema } from './firstboot.js';

export const PROFILE_VERSION = 1;

export const ProfileSchema = obj(
  'A DebVisor profile: what a node should be. Keys left out take the secure defaults shown here.',
  {
    version: Type.Literal(PROFILE_VERSION, { description: 'Profile format version; always 1.' }),
    extends: Type.Optional(
      str("Path of a parent profile, relative to this file. Maps merge deeply; lists and values here replace the parent's; `null` removes an inherited key."),
    ),
    node: NodeSchema,
    install: InstallSchema,
    network: NetworkSchema,
    users: UsersSchema,
    security: SecuritySchema,
    tls: TlsSchema,
    dns: DnsSchema,
    cluster: ClusterSchema,
    firstboot: FirstbootSchema,
  },
  { $id: 'https://debvisor.com/schemas/profile-v1.json', $schema: 'http://json-schema.org/draft-07/schema#' },
);

/** The effective profile: every default applied (what renderers and planners read). */
export type Profile = Static<typeof ProfileSchema>;
export type FirewallRule = Profile['security']['firewall']['rules'][number];
export type FirewallModel = Profile['security']['firewall'];

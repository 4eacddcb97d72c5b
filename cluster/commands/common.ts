import { hostname } from 'node:os';
import { createEmitter, plainSink, type Emitter } from '../../core/events.js';
import type { Io } from '../../core/cli/command.js';
import { UsageError } from '../../core/errors.js';
import type { NodeIdentity } from '../ca.js';
import { defaultHost, type ClusterHost } from '../host.js';
import { identityProblem } from '../state.js';

export const ROOT_OPTION = { root: { type: 'string', help: 'system root to work on (default /)' } } as const;
export const IDENTITY_OPTIONS = {
  'node-name': { type: 'string', help: "this node's short name (default: the host name)" },
  fqdn: { type: 'string', help: "this node's FQDN (default: the node name)" },
  address: { type: 'string', help: "this node's address on the cluster network (required)" },
} as const;

export function hostFor(root: string | undefined, io: Io): ClusterHost {
  const events: Emitter = createEmitter({ sinks: [plainSink(io.stderr)] });
  return defaultHost(root ?? '/', events.stage('cluster'));
}

export function identityFrom(values: { 'node-name'?: string; fqdn?: string; address?: string }): NodeIdentity {
  const name = values['node-name'] ?? hostname().split('.')[0]!;
  const id = { name, fqdn: values.fqdn ?? name, address: values.address ?? '' };
  const bad = identityProblem(id);
  if (bad) throw new UsageError(bad, 'give --node-name, --fqdn and --address');
  return id;
}

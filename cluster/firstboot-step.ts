import { isIP } from 'node:net';
import { DebvisorError } from '../core/errors.js';
import type { Emitter } from '../core/events.js';
import { run } from '../core/run.js';
import { StepError, type FirstbootStep, type StepContext, type StepResult } from '../firstboot/step.js';
import type { Profile } from '../profiles/schema/profile.js';
import type { NodeIdentity } from './ca.js';
import { defaultHost, type ClusterHost } from './host.js';
import { readState, type ClusterState } from './state.js';

export interface ClusterStepOptions {
  /** The node's services (corosync); default: systemd on `/`, a private /run under another root. */
  host?: (root: string, emit: Emitter) => ClusterHost;
  /** The node's cluster address when the profile has no static one; default: the first global IPv4 of the node. */
  address?: () => Promise<string>;
}

async function firstGlobalIpv4(): Promise<string> {
  const r = await run(['ip', '-j', '-4', 'addr', 'show', 'scope', 'global']);
  const links = JSON.parse(r.stdout) as { addr_info?: { local?: string }[] }[];
  const a = links.flatMap((l) => l.addr_info ?? []).find((i) => i.local)?.local;
  if (!a)
    throw new StepError('E_CLUSTER_ADDRESS', 'the node has no global IPv4 address for the cluster network yet', {
      retryable: true,
      hint: 'the network is not up yet, or set network.ipv4.address',
    });
  return a;
}

/** Name, FQDN and cluster address of the node, from its profile. */
export async function nodeIdentity(p: Profile, opts: ClusterStepOptions = {}): Promise<NodeIdentity> {
  const name = p.node.hostname;
  if (!name) throw new StepError('E_CLUSTER_IDENTITY', 'the node has no hostname in its profile', { retryable: false, hint: 'set node.hostname' });
  const fqdn = p.node.domain ? `${name}.${p.node.domain}` : name;
  const staticV4 = p.network.ipv4.method === 'static' ? p.network.ipv4.address?.split('/')[0] : undefined;
  const address = staticV4 && isIP(staticV4) ? staticV4 : await (opts.address ?? firstGlobalIpv4)();
  return { name: name.toLowerCase(), fqdn: fqdn.toLowerCase(), address };
}

function summary(s: ClusterState, verb: string): StepResult {
  return {
    summary: `${verb} cluster ${s.name} (${s.members.length} members, config version ${s.configVersion})`,
    details: { cluster: s.name, members: s.members.map((m) => `${m.nodeid} ${m.name} ${m.address}`), caHolder: s.caHolder },
  };
}

/**
 * The first-boot `cluster` step for a profile: `init` founds the cluster (local), `join` joins
 * it (remote: retried while the endpoint cannot be reached; a wrong pin, a used, expired or
 * revoked token and a name clash stop with their message). Both are idempotent: a node that
 * is already in the cluster only makes sure corosync runs.
 */
export function clusterStep(profile: Pick<Profile, 'cluster'>, opts: ClusterStepOptions = {}): FirstbootStep {
  const role = profile.cluster.role;
  return {
    name: 'cluster',
    kind: role === 'join' ? 'remote' : 'local',
    skip: (ctx) => (ctx.profile.cluster.role === 'standalone' ? 'cluster.role is standalone' : undefined),
    async run(ctx: StepContext): Promise<StepResult> {
      const emit = ctx.emit.stage('cluster');
      const host = (opts.host ?? defaultHost)(ctx.root, emit);
      const c = ctx.profile.cluster;
      if (ctx.signal.aborted) throw new StepError('E_ABORTED', 'the cluster step was stopped before it began', { retryable: true });
      const id = await nodeIdentity(ctx.profile, opts);
      if (c.role === 'init') {
        const { initCluster } = await import('./init.js');
        const r = await initCluster(host, c.name!, id);
        ctx.state.pin = r.pin;
        await ctx.save();
        return summary(r.state, 'founded');
      }
      const j = c.join;
      if (!j?.endpoint || !j.token || !j.caPin)
        throw new StepError('E_CLUSTER_JOIN_PROFILE', 'cluster.join needs endpoint, token and caPin', { retryable: false, hint: 'see docs/cluster.md' });
      ctx.state.phase = 'joining';
      ctx.state.endpoint = j.endpoint;
      await ctx.save();
      try {
        const { joinCluster } = await import('./join-client.js');
        const s = await joinCluster(host, { endpoint: j.endpoint, token: j.token, caPin: j.caPin, node: id });
        ctx.state.phase = 'joined';
        await ctx.save();
        return summary(s, 'joined');
      } catch (err) {
        if (err instanceof StepError || !(err instanceof DebvisorError)) throw err;
        throw new StepError(err.code, err.message, { retryable: false, remote: `cluster:${new URL(j.endpoint).origin}`, hint: err.hint, cause: err });
      }
    },
  };
}

/** True when the node's files say it is in a cluster (for status and the hand-off). */
export function inCluster(root: string): boolean {
  return readState(root) !== undefined;
}

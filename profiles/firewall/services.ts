import type { Profile } from '../schema/profile.js';
import { parsePortSpec } from './ports.js';

/**
 * Who may reach a service: `public` from anywhere (only the blocklist applies), `management`
 * from anywhere unless lockdown is on (then only from the `management` set), `cluster` only
 * from the `cluster` set. A service may be in both management and cluster.
 */
export type Access = 'public' | 'management' | 'cluster';

export interface Service {
  name: string;
  proto: 'tcp' | 'udp';
  ports: string;
  access: Access[];
  description: string;
}

/** Fixed DebVisor ports (the configurable ones come from the profile). */
export const PORTS = {
  console: '5900-5999',
  spice: '3128',
  migration: '60000-60050',
  joinApi: '8443',
  corosync: '5405-5412',
} as const;

/** The ports a DebVisor node uses and who may reach them: the firewall's non-blocking defaults. */
export function defaultServices(p: Profile): Service[] {
  const http01 = p.tls.acme.enabled && p.tls.acme.challenge === 'http-01';
  const clustered = p.cluster.role !== 'standalone';
  const list: Service[] = [
    { name: 'ssh', proto: 'tcp', ports: String(p.security.ssh.port), access: ['management'], description: 'SSH (admin with key and TOTP)' },
    { name: 'panel', proto: 'tcp', ports: String(p.security.panel.httpsPort), access: ['management'], description: 'web panel and API over HTTPS' },
    {
      name: 'http',
      proto: 'tcp',
      ports: String(p.security.panel.httpPort),
      // The CA must reach HTTP-01 from the internet, so lockdown cannot close port 80 then; it only redirects and answers challenges.
      access: http01 ? ['public'] : ['management'],
      description: http01 ? 'HTTP: redirect to HTTPS and ACME HTTP-01 (public while ACME uses HTTP-01)' : 'HTTP: redirect to HTTPS',
    },
    { name: 'console', proto: 'tcp', ports: PORTS.console, access: ['management'], description: 'VNC console of guests (websocket proxied)' },
    { name: 'spice', proto: 'tcp', ports: PORTS.spice, access: ['management'], description: 'SPICE display proxy' },
  ];
  if (clustered) {
    // Guests migrate between members only: unlike Proxmox (management may reach 60000-60050),
    // the migration ports are open to exactly the cluster set, and closed on a standalone node.
    list.push(
      { name: 'migration', proto: 'tcp', ports: PORTS.migration, access: ['cluster'], description: 'live migration (TLS-encrypted) from cluster members only' },
      { name: 'join-api', proto: 'tcp', ports: PORTS.joinApi, access: ['management', 'cluster'], description: 'cluster join API (mTLS)' },
      { name: 'corosync', proto: 'udp', ports: PORTS.corosync, access: ['cluster'], description: 'corosync (knet, encrypted) from cluster peers only' },
    );
  }
  return list;
}

/** A port the node listens on, with the profile key that sets it (none for the fixed ones). */
export interface Listener {
  name: string;
  proto: 'tcp' | 'udp';
  ports: string;
  path?: string;
}

const SERVICE_PATHS: Record<string, string> = {
  ssh: '/security/ssh/port',
  panel: '/security/panel/httpsPort',
  http: '/security/panel/httpPort',
};

/** Every listening port of the node: the firewall's services and the panel's local upstream. */
export function listeningPorts(p: Profile): Listener[] {
  const out: Listener[] = defaultServices(p).map((s) => {
    const path = SERVICE_PATHS[s.name];
    return path ? { name: s.name, proto: s.proto, ports: s.ports, path } : { name: s.name, proto: s.proto, ports: s.ports };
  });
  out.push({ name: 'panel upstream', proto: 'tcp', ports: String(p.security.panel.upstreamPort), path: '/security/panel/upstreamPort' });
  return out;
}

/** Pairs of entries (by index) whose ports overlap on the same protocol: sorted by start, n log n. */
export function portCollisions(list: readonly { proto: string; ports: string }[]): [number, number][] {
  const spans: { proto: string; lo: number; hi: number; i: number }[] = [];
  list.forEach((l, i) => {
    const r = parsePortSpec(l.ports);
    if (r.ok) for (const [lo, hi] of r.ranges) spans.push({ proto: l.proto, lo, hi, i });
  });
  spans.sort((a, b) => (a.proto === b.proto ? a.lo - b.lo || a.i - b.i : a.proto < b.proto ? -1 : 1));
  const seen = new Set<string>();
  const out: [number, number][] = [];
  let reach: (typeof spans)[number] | undefined;
  for (const cur of spans) {
    if (reach && reach.proto === cur.proto && cur.lo <= reach.hi && reach.i !== cur.i) {
      const pair: [number, number] = [Math.min(reach.i, cur.i), Math.max(reach.i, cur.i)];
      const key = pair.join(',');
      if (!seen.has(key)) {
        seen.add(key);
        out.push(pair);
      }
    }
    if (!reach || reach.proto !== cur.proto || cur.hi > reach.hi) reach = cur;
  }
  return out;
}

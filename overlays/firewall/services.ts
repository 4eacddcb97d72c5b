import type { Profile } from '../../profiles/schema/profile.js';

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
    { name: 'migration', proto: 'tcp', ports: PORTS.migration, access: ['management', 'cluster'], description: 'live migration (TLS-encrypted)' },
  ];
  if (clustered) {
    list.push(
      { name: 'join-api', proto: 'tcp', ports: PORTS.joinApi, access: ['management', 'cluster'], description: 'cluster join API (mTLS)' },
      { name: 'corosync', proto: 'udp', ports: PORTS.corosync, access: ['cluster'], description: 'corosync (knet, encrypted) from cluster peers only' },
    );
  }
  return list;
}

import { fqdnOf } from '../../overlays/panel/nginx.js';
import type { Profile } from '../../profiles/schema/profile.js';
import { type DnsTarget, type UpdateOp, ensureKeyFile, sendUpdate } from '../dns/nsupdate.js';
import { queryPrimaryTypes } from '../dns/query.js';
import { type FirstbootStep, StepError } from '../step.js';
import type { StepTools } from '../tools.js';

/** The primary and zone the profile names (dns.zone defaults to the node's domain). */
export function dnsTarget(p: Profile): DnsTarget | undefined {
  const zone = p.dns.zone ?? p.node.domain;
  if (!p.dns.server || !zone) return undefined;
  return { server: p.dns.server, port: p.dns.port, zone };
}

/** Pure: the wanted RRsets (A and AAAA as the profile asks and the node has), the others to delete. */
export function wantedRecords(p: Profile, addrs: { v4: string[]; v6: string[] }): { A: string[]; AAAA: string[] } {
  return { A: p.dns.records.includes('A') ? addrs.v4 : [], AAAA: p.dns.records.includes('AAAA') ? addrs.v6 : [] };
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Registers the node's FQDN: replaces its A and AAAA RRsets in one signed UPDATE (the stale
 * records go in the same message), then reads them back from the primary.
 */
export function dnsStep(tools: Pick<StepTools, 'run' | 'addresses'>): FirstbootStep {
  return {
    name: 'dns',
    kind: 'remote',
    skip: ({ profile }) => (profile.dns.register ? undefined : 'dns.register is off'),
    async run(ctx) {
      const p = ctx.profile;
      const t = dnsTarget(p);
      if (!t)
        throw new StepError('E_DNS_CONFIG', 'dns.server or the zone is not set', { retryable: false, hint: 'set dns.server and dns.zone (or node.domain)' });
      const { file, key } = ensureKeyFile(ctx.root, p);
      const fqdn = fqdnOf(p);
      const want = wantedRecords(p, tools.addresses());
      if (want.A.length + want.AAAA.length === 0)
        throw new StepError('E_DNS_NO_ADDRESS', `the node has no global address to register for ${fqdn}`, {
          retryable: true,
          hint: 'retried: the network may not be configured yet',
        });
      const have = await queryPrimaryTypes(t, fqdn, ['A', 'AAAA'] as const);
      const stale = [...have.A.filter((a) => !want.A.includes(a)), ...have.AAAA.filter((a) => !want.AAAA.includes(a))];
      if (!same(have.A, want.A) || !same(have.AAAA, want.AAAA)) {
        const ops: UpdateOp[] = [];
        for (const type of ['A', 'AAAA'] as const) {
          if (same(have[type], want[type])) continue;
          ops.push({ op: 'delete', name: fqdn, type });
          for (const v of want[type]) ops.push({ op: 'add', name: fqdn, ttl: p.dns.ttl, type, value: v });
        }
        await sendUpdate(tools.run, file, key, t, ops, ctx.emit);
      }
      const got = await queryPrimaryTypes(t, fqdn, ['A', 'AAAA'] as const);
      if (!same(got.A, want.A) || !same(got.AAAA, want.AAAA))
        throw new StepError(
          'E_DNS_VERIFY',
          `${t.server} does not serve the records just sent for ${fqdn} (A ${got.A.join(' ') || '-'}, AAAA ${got.AAAA.join(' ') || '-'})`,
          {
            retryable: true,
            remote: `dns:${t.server}`,
            hint: 'dns.server must be the primary of the zone; retried',
          },
        );
      const shown = [...want.A.map((a) => `A ${a}`), ...want.AAAA.map((a) => `AAAA ${a}`)];
      return {
        summary: `${fqdn}: ${shown.join(', ')} registered at ${t.server}${stale.length ? ` (removed ${stale.join(', ')})` : ''}`,
        details: { fqdn, zone: t.zone, server: t.server, A: want.A, AAAA: want.AAAA, removed: stale },
      };
    },
  };
}

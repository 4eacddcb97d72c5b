import { describe, it, expect } from 'vitest';
import { applyDefaults } from '../profiles/validate.js';
import { clusterStep, nodeIdentity } from './firstboot-step.js';

const profile = (cluster: object, extra: object = {}) => applyDefaults({ version: 1, users: { admin: { name: 'ops' } }, cluster, ...extra });

describe('the first-boot cluster step', () => {
  it('is named cluster; join is remote, init local; standalone is skipped', () => {
    const join = profile({ role: 'join' });
    expect(clusterStep(join)).toMatchObject({ name: 'cluster', kind: 'remote' });
    expect(clusterStep(profile({ role: 'init', name: 'lab' })).kind).toBe('local');
    const alone = profile({});
    expect(clusterStep(alone).skip?.({ profile: alone })).toMatch(/standalone/);
    expect(clusterStep(join).skip?.({ profile: join })).toBeUndefined();
  });
  it("takes the node's identity from the profile (static address) or the injected address", async () => {
    const p = profile({ role: 'join' }, { node: { hostname: 'Node2', domain: 'lab.test' }, network: { ipv4: { method: 'static', address: '10.0.0.2/24' } } });
    expect(await nodeIdentity(p)).toEqual({ name: 'node2', fqdn: 'node2.lab.test', address: '10.0.0.2' });
    const dhcp = profile({ role: 'join' }, { node: { hostname: 'node3' } });
    expect(await nodeIdentity(dhcp, { address: async () => '10.0.0.3' })).toEqual({ name: 'node3', fqdn: 'node3', address: '10.0.0.3' });
  });
  it('a join profile without endpoint, token or pin stops with a clear, final error', async () => {
    const p = profile({ role: 'join' }, { node: { hostname: 'node2' }, network: { ipv4: { method: 'static', address: '10.0.0.2/24' } } });
    const step = clusterStep(p);
    await expect(
      step.run({
        profile: p,
        root: '/nonexistent',
        emit: (await import('../core/events.js')).silentEmitter,
        signal: new AbortController().signal,
        state: {},
        save: async () => undefined,
      }),
    ).rejects.toMatchObject({ code: 'E_CLUSTER_JOIN_PROFILE', retryable: false });
  });
});

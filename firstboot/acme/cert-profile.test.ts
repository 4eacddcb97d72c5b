import type * as acme from 'acme-client';
import { describe, expect, it } from 'vitest';
import { createEmitter } from '../../core/events.js';
import { StepError } from '../step.js';
import { offeredProfiles, orderPayload, profileChange, profileRefusal, profileRefusedByCa } from './cert-profile.js';
import { extendOrder } from './issue.js';
import { profileLine } from './renewal-text.js';

const DIR = 'https://ca.example/dir';
/** Let's Encrypt's directory as it answers with profiles (meta.profiles: { name: description }). */
const LE_DIRECTORY = {
  newOrder: 'https://ca.example/new-order',
  renewalInfo: 'https://ca.example/ari',
  meta: {
    termsOfService: 'https://ca.example/tos.pdf',
    profiles: { classic: 'The same profile you are accustomed to', shortlived: 'A short-lived cert profile', tlsserver: 'https://ca.example/tlsserver' },
  },
};
const silent = createEmitter({ sinks: [] });

describe('ACME profiles: what the CA offers', () => {
  it('reads the names of meta.profiles', () => {
    expect(offeredProfiles(LE_DIRECTORY)).toEqual(['classic', 'shortlived', 'tlsserver']);
  });
  it('a directory without profiles (pebble 2.4 and 2.6, most CAs), or a malformed one, offers none', () => {
    for (const d of [
      { meta: { termsOfService: 'x' } },
      {},
      null,
      'text',
      { meta: { profiles: {} } },
      { meta: { profiles: ['a'] } },
      { meta: { profiles: 'a' } },
    ])
      expect(offeredProfiles(d), JSON.stringify(d)).toBeUndefined();
  });
});

describe('ACME profiles: the profile asked for against the directory', () => {
  it('an offered name passes', () => {
    expect(profileRefusal('shortlived', offeredProfiles(LE_DIRECTORY), DIR)).toBeUndefined();
  });
  it('a name the CA does not offer is a final configuration error naming what was asked, what is offered and what to do', () => {
    const e = profileRefusal('tlsclient', offeredProfiles(LE_DIRECTORY), DIR);
    expect(e).toBeInstanceOf(StepError);
    expect(e?.code).toBe('E_ACME_PROFILE');
    expect(e?.retryable).toBe(false);
    // Not the CA's fault: its circuit breaker is not touched.
    expect(e?.remote).toBeUndefined();
    expect(e?.message).toBe(`tls.acme.profile asks for the ACME profile "tlsclient", but the CA at ${DIR} offers only: classic, shortlived, tlsserver`);
    expect(e?.hint).toMatch(/one of the offered names or remove it/);
  });
  it('a CA that offers no profiles: the refusal says so and the hint is to remove the key', () => {
    const e = profileRefusal('shortlived', undefined, DIR);
    expect(e?.code).toBe('E_ACME_PROFILE');
    expect(e?.retryable).toBe(false);
    expect(e?.message).toBe(
      `tls.acme.profile asks for the ACME profile "shortlived", but the CA at ${DIR} offers no certificate profiles (its directory has no meta.profiles)`,
    );
    expect(e?.hint).toMatch(/^remove tls\.acme\.profile/);
  });
  it("the CA's names reach a terminal: control characters replaced, long names and long lists cut", () => {
    const names = ['a\u001b[31mred', 'x'.repeat(200), ...Array.from({ length: 20 }, (_, i) => `p${i}`)];
    const e = profileRefusal('shortlived', names, DIR);
    expect(e?.message).not.toMatch(/[\u0000-\u001f]/);
    expect(e?.message).toContain('a?[31mred');
    expect(e?.message).toContain(`${'x'.repeat(64)}…`);
    expect(e?.message).toMatch(/and 10 more$/);
  });
});

describe('ACME profiles: the newOrder payload', () => {
  const identifiers = [{ type: 'dns', value: 'node.example.com' }];
  it('profile and replaces together, beside the identifiers', () => {
    expect(orderPayload({ identifiers }, { profile: 'shortlived', replaces: 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE' })).toEqual({
      identifiers,
      profile: 'shortlived',
      replaces: 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE',
    });
  });
  it('nothing added when neither is given', () => {
    expect(orderPayload({ identifiers }, {})).toEqual({ identifiers });
    expect(orderPayload({ identifiers }, { profile: undefined, replaces: undefined })).toEqual({ identifiers });
  });

  /** A client whose newOrder is answered by `answer` (what the CA would say), recording each payload sent. */
  function clientAnswering(answer: (payload: Record<string, unknown>) => unknown) {
    const sent: Record<string, unknown>[] = [];
    const client = {
      createOrder: async (data: Record<string, unknown>) => {
        sent.push(data);
        const a = answer(data);
        if (a instanceof Error) throw a;
        return a;
      },
    } as unknown as acme.Client;
    return { client, sent };
  }

  it("the client's createOrder (what auto() calls) sends profile and replaces in one order", async () => {
    const { client, sent } = clientAnswering(() => ({ status: 'pending' }));
    extendOrder(client, { profile: 'shortlived', replaces: 'ID.01' }, DIR, silent);
    await client.createOrder({ identifiers });
    expect(sent).toEqual([{ identifiers, profile: 'shortlived', replaces: 'ID.01' }]);
  });
  it('a CA that refuses the replacement gets the order again without replaces, still with the profile', async () => {
    const { client, sent } = clientAnswering((p) => (p.replaces ? new Error('certificate already replaced') : { status: 'pending' }));
    extendOrder(client, { profile: 'shortlived', replaces: 'ID.01' }, DIR, silent);
    await client.createOrder({ identifiers });
    expect(sent).toEqual([
      { identifiers, profile: 'shortlived', replaces: 'ID.01' },
      { identifiers, profile: 'shortlived' },
    ]);
  });
  it("a CA that refuses the profile (its invalidProfile problem's detail) is E_ACME_PROFILE, final", async () => {
    const { client, sent } = clientAnswering(() => new Error('profile name "shortlived" not recognized'));
    extendOrder(client, { profile: 'shortlived' }, DIR, silent);
    const err = await client.createOrder({ identifiers }).catch((e: unknown) => e);
    expect(sent).toHaveLength(1);
    expect(err).toBeInstanceOf(StepError);
    expect((err as StepError).code).toBe('E_ACME_PROFILE');
    expect((err as StepError).retryable).toBe(false);
    expect((err as StepError).message).toContain('refused an order for the ACME profile "shortlived"');
  });
  it('other refusals and network errors pass through unchanged (classified later as before)', async () => {
    const refused = new Error('rate limit exceeded');
    const down = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    for (const e of [refused, down]) {
      const { client } = clientAnswering(() => e);
      extendOrder(client, { profile: 'shortlived', replaces: 'ID.01' }, DIR, silent);
      await expect(client.createOrder({ identifiers })).rejects.toBe(e);
    }
    expect(profileRefusedByCa(down, 'shortlived', DIR)).toBeUndefined();
  });
});

describe('ACME profiles: a changed profile and what status shows', () => {
  it('a certificate ordered with another profile (or none) is ordered again', () => {
    expect(profileChange(undefined, undefined)).toBeUndefined();
    expect(profileChange('shortlived', 'shortlived')).toBeUndefined();
    expect(profileChange('shortlived', undefined)).toBe(
      'tls.acme.profile asks for the ACME profile "shortlived" and the certificate in place was ordered without a profile',
    );
    expect(profileChange(undefined, 'shortlived')).toBe(
      'tls.acme.profile asks for no ACME profile and the certificate in place was ordered with the profile "shortlived"',
    );
  });
  it('the status line names the profile asked for and whether the certificate in place has it', () => {
    expect(profileLine({})).toBeUndefined();
    expect(profileLine({ profile: 'shortlived' })).toBe('shortlived (tls.acme.profile; the certificate in place was not ordered with it)');
    expect(profileLine({ profile: 'shortlived', orderedProfile: 'shortlived' })).toBe(
      'shortlived (tls.acme.profile; the certificate in place was ordered with it)',
    );
  });
});

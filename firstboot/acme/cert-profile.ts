import { StepError } from '../step.js';

/**
 * ACME certificate profiles (draft-ietf-acme-profiles, as Let's Encrypt runs them): the CA's
 * directory lists them in `meta.profiles` as { name: description }, and the client asks for one
 * with `"profile": "<name>"` in the newOrder payload. All pure.
 */

/** How many of the CA's names an error lists, and how long each may be: the CA's text reaches a terminal. */
const MAX_NAMES_SHOWN = 12;
const MAX_NAME_CHARS = 64;

/** The names the CA's directory advertises (`meta.profiles` keys), or undefined when it advertises none. */
export function offeredProfiles(directory: unknown): string[] | undefined {
  const p = (directory as { meta?: { profiles?: unknown } } | null)?.meta?.profiles;
  if (!p || typeof p !== 'object' || Array.isArray(p)) return undefined;
  const names = Object.keys(p);
  return names.length ? names : undefined;
}

/** A CA-supplied name as it may be printed: no control characters, bounded. */
const shown = (name: string) => {
  const s = name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return s.length > MAX_NAME_CHARS ? `${s.slice(0, MAX_NAME_CHARS)}…` : s;
};

/** The offered names as one list for a message (the first MAX_NAMES_SHOWN, then how many more). */
export function offeredList(names: string[]): string {
  const head = names.slice(0, MAX_NAMES_SHOWN).map(shown).join(', ');
  return names.length > MAX_NAMES_SHOWN ? `${head} and ${names.length - MAX_NAMES_SHOWN} more` : head;
}

/**
 * The refusal for `tls.acme.profile` when the CA does not advertise that name (or no profiles
 * at all), else undefined. A configuration error: final for the step (not retried, and not
 * counted against the CA's circuit breaker: the CA answered). The panel keeps its certificate.
 */
export function profileRefusal(asked: string, offered: string[] | undefined, directoryUrl: string): StepError | undefined {
  if (offered?.includes(asked)) return undefined;
  const what = offered
    ? `the CA at ${directoryUrl} offers only: ${offeredList(offered)}`
    : `the CA at ${directoryUrl} offers no certificate profiles (its directory has no meta.profiles)`;
  return new StepError('E_ACME_PROFILE', `tls.acme.profile asks for the ACME profile "${shown(asked)}", but ${what}`, {
    retryable: false,
    hint: offered
      ? `set tls.acme.profile to one of the offered names or remove it, then run debvisor firstboot --retry`
      : 'remove tls.acme.profile (this CA has no profiles), then run debvisor firstboot --retry',
  });
}

/** What this client adds to acme-client's newOrder payload (acme-client 5.4 sends identifiers only). */
export interface OrderExtras {
  /** The ACME profile (tls.acme.profile), already checked against the directory. */
  profile?: string;
  /** The ARI identifier of the certificate this order replaces (RFC 9773 §5). */
  replaces?: string;
}

/** The newOrder payload: acme-client's fields with `profile` and `replaces` when given. */
export function orderPayload<T extends object>(data: T, extras: OrderExtras): T & OrderExtras {
  return { ...data, ...(extras.profile ? { profile: extras.profile } : {}), ...(extras.replaces ? { replaces: extras.replaces } : {}) };
}

/**
 * A CA that advertised the profile may still refuse the order for it (ACME's `invalidProfile`
 * problem: the profile withdrawn, not allowed for this account). acme-client keeps only the
 * problem's detail, so the refusal is recognised by its text naming a profile.
 */
export function profileRefusedByCa(err: unknown, asked: string, directoryUrl: string): StepError | undefined {
  const e = err as { code?: string; message?: string };
  if (e?.code || !/invalidProfile|\bprofile\b/i.test(e?.message ?? '')) return undefined;
  const msg = (e.message ?? '').replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').slice(0, 400);
  return new StepError('E_ACME_PROFILE', `the CA at ${directoryUrl} refused an order for the ACME profile "${shown(asked)}": ${msg}`, {
    retryable: false,
    hint: 'remove tls.acme.profile or pick another profile the CA offers, then run debvisor firstboot --retry',
  });
}

/**
 * Why the certificate in place must be ordered again because `tls.acme.profile` changed since it
 * was ordered (`orderedWith`: the profile its order carried, as renewal.json remembers), or
 * undefined. Only for a certificate this node ordered; the self-signed stand-in is replaced anyway.
 */
export function profileChange(asked: string | undefined, orderedWith: string | undefined): string | undefined {
  if ((asked ?? '') === (orderedWith ?? '')) return undefined;
  const now = asked ? `asks for the ACME profile "${shown(asked)}"` : 'asks for no ACME profile';
  const before = orderedWith ? `with the profile "${shown(orderedWith)}"` : 'without a profile';
  return `tls.acme.profile ${now} and the certificate in place was ordered ${before}`;
}

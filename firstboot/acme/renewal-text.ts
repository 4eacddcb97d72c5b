import type { RenewalRecord } from './renewal-record.js';

/**
 * Pure: why renewal is due when it is, in words for `debvisor cert status` and `debvisor status`:
 * the CA's ARI window (and when the CA is asked again), or two thirds of the lifetime and why
 * there is no ARI answer.
 */
export function dueExplanation(r: RenewalRecord): string {
  const a = r.ari;
  if (r.dueSource === 'ARI' && a?.window)
    return `ARI: the CA's window ${a.window.start} to ${a.window.end}${a.nextCheckAt ? `, asked again after ${a.nextCheckAt}` : ''}`;
  const why = a?.error ? `; ${a.error}` : '';
  return `two thirds of the lifetime${why}`;
}

/** Pure: the renewal line of a status, or undefined before the first renewal check. */
export function renewalLine(r: RenewalRecord): string | undefined {
  return r.nextDueAt ? `due ${r.nextDueAt} (${dueExplanation(r)})` : undefined;
}

/** Pure: the ACME profile line of a status (the one asked for, and whether the certificate in place was ordered with it), or undefined when none is asked for. */
export function profileLine(r: RenewalRecord): string | undefined {
  if (!r.profile) return undefined;
  const held = r.orderedProfile === r.profile ? 'the certificate in place was ordered with it' : 'the certificate in place was not ordered with it';
  return `${r.profile} (tls.acme.profile; ${held})`;
}

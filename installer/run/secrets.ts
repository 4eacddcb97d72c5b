import { REDACTED, redactSecrets } from '../../profiles/redact.js';

/**
 * The secret values of a profile (password hashes, TSIG secrets, the webhook secret...): the
 * strings redactSecrets replaces, found by walking the data beside its redacted copy. The
 * events and the support bundle are masked for them as a last guard.
 */
export function secretValues(data: unknown): string[] {
  const out: string[] = [];
  const walk = (orig: unknown, red: unknown) => {
    if (typeof orig === 'string') {
      if (red === REDACTED && orig !== REDACTED) out.push(orig);
      return;
    }
    if (Array.isArray(orig) && Array.isArray(red)) {
      for (const [i, v] of orig.entries()) walk(v, red[i]);
    } else if (orig && typeof orig === 'object' && red && typeof red === 'object')
      for (const [k, v] of Object.entries(orig as Record<string, unknown>)) walk(v, (red as Record<string, unknown>)[k]);
  };
  walk(data, redactSecrets(data));
  return [...new Set(out)];
}

import { parseRenewalInfo, retryAfterMs, type AriWindow } from './ari.js';

/** One ARI request (directory or renewalInfo); a CA that hangs gives no window instead of holding the timer. */
export const ARI_HTTP_TIMEOUT_MS = 15_000;

export type AriAnswer = { ok: true; window: AriWindow; explanationUrl?: string; retryAfterMs: number } | { ok: false; error: string; noRenewalInfo?: true };

async function getJson(url: string): Promise<{ body: unknown; headers: Headers }> {
  const r = await fetch(url, { signal: AbortSignal.timeout(ARI_HTTP_TIMEOUT_MS), headers: { accept: 'application/json' } });
  if (!r.ok) throw new Error(`HTTP ${r.status} from ${url}`);
  return { body: await r.json(), headers: r.headers };
}

/** The directory's `renewalInfo` URL, or undefined when the CA offers no ARI. */
export async function renewalInfoUrl(directoryUrl: string): Promise<string | undefined> {
  const { body } = await getJson(directoryUrl);
  const u = (body as { renewalInfo?: unknown } | null)?.renewalInfo;
  return typeof u === 'string' && u ? u : undefined;
}

/**
 * Asks the CA for the renewal window of one certificate (an unauthenticated GET of
 * `<renewalInfo>/<certId>`). Never throws: every failure is an answer that says why, and the
 * caller falls back to two thirds of the lifetime.
 */
export async function fetchRenewalInfo(directoryUrl: string, certId: string, now: () => number): Promise<AriAnswer> {
  try {
    const base = await renewalInfoUrl(directoryUrl);
    if (!base) return { ok: false, error: 'the CA offers no renewalInfo (ARI) in its directory', noRenewalInfo: true };
    const { body, headers } = await getJson(`${base.replace(/\/+$/, '')}/${certId}`);
    return { ok: true, ...parseRenewalInfo(body), retryAfterMs: retryAfterMs(headers.get('retry-after'), now()) };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const why = e.name === 'TimeoutError' ? `no answer within ${ARI_HTTP_TIMEOUT_MS / 1000} s` : `${e.message}${e.cause?.code ? ` (${e.cause.code})` : ''}`;
    return { ok: false, error: `the ARI request failed: ${why}` };
  }
}

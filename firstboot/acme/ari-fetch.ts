import { acmeHttp } from './acme-http.js';
import { parseRenewalInfo, retryAfterMs, type AriWindow } from './ari.js';

/** One ARI request (directory or renewalInfo); a CA that hangs gives no window instead of holding the timer. */
export const ARI_HTTP_TIMEOUT_MS = 15_000;

export type AriAnswer = { ok: true; window: AriWindow; explanationUrl?: string; retryAfterMs: number } | { ok: false; error: string; noRenewalInfo?: true };

export interface AriFetchOptions {
  /** tls.acme.caBundle: the CAs trusted for the CA's HTTPS (else the node's store). */
  caBundle?: string;
  /** The directory as an order just read it: not asked again. */
  directory?: unknown;
}

/** A GET through the ACME client's HTTP instance (same trust, no retries of its own); non-2xx is an error. */
async function getJson(url: string, caBundle: string | undefined): Promise<{ body: unknown; retryAfter: string | null }> {
  const r = await acmeHttp(caBundle).get(url, { timeout: ARI_HTTP_TIMEOUT_MS, headers: { accept: 'application/json' }, responseType: 'json' });
  const retry = (r.headers as Record<string, unknown>)['retry-after'];
  return { body: r.data as unknown, retryAfter: typeof retry === 'string' ? retry : null };
}

/** Pure: the directory's `renewalInfo` URL, or undefined when the CA offers no ARI. */
export function renewalInfoOf(directory: unknown): string | undefined {
  const u = (directory as { renewalInfo?: unknown } | null)?.renewalInfo;
  return typeof u === 'string' && u ? u : undefined;
}

/** Pure: why a request failed, in a status line's words (an HTTP status, no answer in time, or the network's code). */
export function ariFailure(err: unknown, url: string): string {
  const e = err as Error & { code?: string; response?: { status?: number }; config?: { url?: string } };
  if (e.response?.status) return `HTTP ${e.response.status} from ${e.config?.url ?? url}`;
  if (e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT') return `no answer within ${ARI_HTTP_TIMEOUT_MS / 1000} s`;
  return `${e.message}${e.code && !e.message.includes(e.code) ? ` (${e.code})` : ''}`;
}

/**
 * Asks the CA for the renewal window of one certificate (an unauthenticated GET of
 * `<renewalInfo>/<certId>`). Never throws: every failure is an answer that says why, and the
 * caller falls back to two thirds of the lifetime.
 */
export async function fetchRenewalInfo(directoryUrl: string, certId: string, now: () => number, opts: AriFetchOptions = {}): Promise<AriAnswer> {
  try {
    const base = opts.directory !== undefined ? renewalInfoOf(opts.directory) : renewalInfoOf((await getJson(directoryUrl, opts.caBundle)).body);
    if (!base) return { ok: false, error: 'the CA offers no renewalInfo (ARI) in its directory', noRenewalInfo: true };
    const { body, retryAfter } = await getJson(`${base.replace(/\/+$/, '')}/${certId}`, opts.caBundle);
    return { ok: true, ...parseRenewalInfo(body), retryAfterMs: retryAfterMs(retryAfter, now()) };
  } catch (err) {
    return { ok: false, error: `the ARI request failed: ${ariFailure(err, directoryUrl)}` };
  }
}

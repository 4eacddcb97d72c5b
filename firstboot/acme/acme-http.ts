import { Agent } from 'node:https';
import { caBundleCertificates } from '../../core/pem.js';
import { StepError } from '../step.js';
import * as acme from './acme-client.js';

/** One HTTP request to the CA; a CA that swallows packets fails the attempt instead of hanging it. */
export const ACME_HTTP_TIMEOUT_MS = 30_000;

let configured = false;
const agents = new Map<string, Agent>();

/**
 * acme-client's HTTP instance (axios), set up once per process for first boot and renewal, and
 * used for ARI too (one HTTP stack: the `fetch` API would load Node's second one, undici, a second
 * or two of an emulated first boot):
 * - acme-client retries failed requests itself (5 times, 5 to 25 s apart: over a minute for a CA
 *   that is down) and then, for an error without a response, throws a TypeError that hides the
 *   cause. The state machine owns retries (backoff, breaker, deadline): acme-client's retry is
 *   turned off, and an error without a response (connection refused, timeout) passes through as
 *   it is, with its code.
 * - The trust for the CA's HTTPS: tls.acme.caBundle when the profile gives one (only those CAs),
 *   else Node's (the units' --use-openssl-ca: the system store).
 */
export function acmeHttp(caBundle?: string): typeof acme.axios {
  const ax = acme.axios as unknown as {
    defaults: { timeout?: number; httpsAgent?: Agent; acmeSettings: { retryMaxAttempts: number } };
    interceptors: { response: { handlers: ({ rejected?: (e: unknown) => unknown } | null)[] } };
  };
  if (!configured) {
    configured = true;
    ax.defaults.acmeSettings.retryMaxAttempts = 0;
    ax.defaults.timeout = ACME_HTTP_TIMEOUT_MS;
    for (const h of ax.interceptors.response.handlers) {
      if (!h?.rejected) continue;
      const orig = h.rejected;
      h.rejected = (e: unknown) => ((e as { response?: unknown }).response ? orig(e) : Promise.reject(e));
    }
  }
  let agent: Agent | undefined;
  if (caBundle) {
    agent = agents.get(caBundle);
    if (!agent) {
      let ca: string[];
      try {
        ca = caBundleCertificates(caBundle);
      } catch (err) {
        // The profile check refuses such a bundle; an installed profile edited by hand can still hold one.
        throw new StepError('E_ACME_CA_BUNDLE', `tls.acme.caBundle is not a CA bundle: ${(err as Error).message}`, {
          retryable: false,
          hint: 'give the PEM file of the CA as one base64 line (base64 -w0 ca.pem), then run debvisor firstboot --retry',
        });
      }
      agent = new Agent({ keepAlive: true, ca });
      agents.set(caBundle, agent);
    }
  }
  ax.defaults.httpsAgent = agent;
  return acme.axios;
}

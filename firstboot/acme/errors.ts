import { StepError } from '../step.js';

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED', 'EPIPE']);
const TLS = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Pure: an error of acme-client (or axios below it) as a StepError that says what to do. */
export function classifyAcmeError(err: unknown, directoryUrl: string): StepError {
  if (err instanceof StepError) return err;
  const e = err as { code?: string; message?: string; response?: { status?: number } };
  const msg = (e?.message ?? String(err)).replace(/\s+/g, ' ').slice(0, 400);
  const remote = `acme:${directoryUrl}`;
  if (e?.code && TLS.has(e.code))
    return new StepError('E_ACME_CA_UNTRUSTED', `the CA at ${directoryUrl} is not trusted: its HTTPS certificate fails verification (${e.code})`, {
      retryable: false,
      remote,
      hint: "check tls.acme.ca/directoryUrl; for a CA of your own, give its root in tls.acme.caBundle (base64 -w0 ca.pem): when set, only the bundle's CAs are trusted for the ACME server",
    });
  if (e?.code && NETWORK.has(e.code))
    return new StepError('E_ACME_UNREACHABLE', `the CA at ${directoryUrl} cannot be reached (${e.code})`, {
      retryable: true,
      remote,
      hint: 'retried with backoff; the panel keeps its current certificate meanwhile',
    });
  const dir = /ACME directory returned error (\d+)/.exec(msg);
  if (dir && Number(dir[1]) < 500)
    return new StepError('E_ACME_DIRECTORY', `${directoryUrl} is not an ACME directory (HTTP ${dir[1]})`, {
      retryable: false,
      remote,
      hint: 'check tls.acme.ca and tls.acme.directoryUrl',
    });
  if (/no data|Unable to locate API resource/i.test(msg))
    return new StepError('E_ACME_DIRECTORY', `${directoryUrl} is not an ACME directory: ${msg}`, {
      retryable: false,
      remote,
      hint: 'check tls.acme.directoryUrl',
    });
  if (/external ?account|\beab\b|externalAccountBinding/i.test(msg))
    return new StepError('E_ACME_EAB', `the CA refused the external account binding: ${msg}`, {
      retryable: false,
      remote,
      hint: 'check tls.acme.eab.kid and hmacKey against the values in your CA account',
    });
  if (/terms of service|account (is )?deactivated|unauthorized.*account/i.test(msg))
    return new StepError('E_ACME_ACCOUNT', `the CA refused the account: ${msg}`, { retryable: false, remote, hint: 'check tls.acme.email and the CA account' });
  return new StepError('E_ACME_FAILED', `the certificate order failed: ${msg}`, {
    retryable: true,
    remote,
    hint: 'retried with backoff (the challenge may not be reachable yet: DNS, firewall port 80)',
  });
}

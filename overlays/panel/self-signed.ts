import { mkdirSync, chmodSync, existsSync, renameSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { run } from '../../core/run.js';
import type { Emitter } from '../../core/events.js';
import { PANEL_CERT, PANEL_KEY } from './nginx.js';

/** Short-lived: it is a stand-in until ACME delivers, and renewing it costs nothing. */
export const SELF_SIGNED_DAYS = 90;

/**
 * An ECDSA P-256 certificate for the panel, so it never runs over plain HTTP before ACME
 * succeeds. Kept if one exists, unless `force`.
 */
export async function makeSelfSigned(root: string, names: string[], opts: { force?: boolean; events?: Emitter } = {}): Promise<{ cert: string; key: string; created: boolean }> {
  const cert = join(root, PANEL_CERT);
  const key = join(root, PANEL_KEY);
  if (existsSync(cert) && existsSync(key) && !opts.force) return { cert, key, created: false };
  mkdirSync(dirname(cert), { recursive: true, mode: 0o755 });
  const tmpKey = `${key}.tmp`;
  const tmpCert = `${cert}.tmp`;
  rmSync(tmpKey, { force: true });
  // The key is created under umask 077 by openssl genpkey; its mode is set again to be sure.
  await run(['openssl', 'genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', tmpKey], { events: opts.events, step: 'self-signed' });
  chmodSync(tmpKey, 0o600);
  const san = names.map((n) => `DNS:${n}`).join(',');
  await run(
    ['openssl', 'req', '-new', '-x509', '-key', tmpKey, '-out', tmpCert, '-days', String(SELF_SIGNED_DAYS), '-subj', `/CN=${names[0]}`, '-addext', `subjectAltName=${san}`, '-addext', 'keyUsage=critical,digitalSignature', '-addext', 'extendedKeyUsage=serverAuth'],
    { events: opts.events, step: 'self-signed' },
  );
  chmodSync(tmpCert, 0o644);
  renameSync(tmpKey, key);
  renameSync(tmpCert, cert);
  return { cert, key, created: true };
}

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../core/run.js';
import type { Emitter } from '../../core/events.js';
import { writeFileSet } from '../../core/fileset.js';
import { fileUnder, openTargetRoot } from '../../core/target-root.js';
import { PANEL_CERT, PANEL_KEY } from './nginx.js';

/** Short-lived: it is a stand-in until ACME delivers, and renewing it costs nothing. */
export const SELF_SIGNED_DAYS = 90;
/** X.520 caps commonName at 64 characters; the names themselves go into subjectAltName, which has no such cap. */
export const MAX_CN_LENGTH = 64;

/** The subject: the first name that fits in a CN, or no CN at all (clients match on the SAN). */
export function subjectFor(names: string[]): string {
  const cn = names.find((n) => n.length <= MAX_CN_LENGTH);
  return cn ? `/CN=${cn}` : '/O=DebVisor self-signed';
}

/**
 * An ECDSA P-256 certificate for the panel, so it never runs over plain HTTP before ACME
 * succeeds. Kept if one exists, unless `force`. The key is made in a private scratch
 * directory outside the root, removed whatever happens; only the finished pair is written.
 */
export async function makeSelfSigned(
  root: string,
  names: string[],
  opts: { force?: boolean; events?: Emitter } = {},
): Promise<{ cert: string; key: string; created: boolean }> {
  const real = openTargetRoot(root, { allowSystem: true });
  const cert = join(real, PANEL_CERT);
  const key = join(real, PANEL_KEY);
  if (fileUnder(real, PANEL_CERT) && fileUnder(real, PANEL_KEY) && !opts.force) return { cert, key, created: false };
  const scratch = mkdtempSync(join(tmpdir(), 'debvisor-tls-'));
  try {
    const k = join(scratch, 'key.pem');
    const c = join(scratch, 'cert.pem');
    const o = { events: opts.events, step: 'self-signed' };
    await run(['openssl', 'genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', k], o);
    const san = names.map((n) => `DNS:${n}`).join(',');
    await run(
      [
        'openssl',
        'req',
        '-new',
        '-x509',
        '-key',
        k,
        '-out',
        c,
        '-days',
        String(SELF_SIGNED_DAYS),
        '-subj',
        subjectFor(names),
        '-addext',
        `subjectAltName=${san}`,
        '-addext',
        'keyUsage=critical,digitalSignature',
        '-addext',
        'extendedKeyUsage=serverAuth',
      ],
      o,
    );
    await writeFileSet(
      real,
      [
        { id: 'panel-key', path: PANEL_KEY, content: readFileSync(k, 'utf8'), mode: 0o600, owner: 'root' },
        { id: 'panel-cert', path: PANEL_CERT, content: readFileSync(c, 'utf8'), mode: 0o644, owner: 'root' },
      ],
      { allowSystem: true, events: opts.events },
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { cert, key, created: true };
}

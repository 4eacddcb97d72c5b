import { existsSync, readFileSync } from 'node:fs';
import type { Emitter } from '../../core/events.js';
import { PANEL_CERT, PANEL_KEY } from '../../overlays/panel/nginx.js';
import { at, writeAtomic } from '../atomic.js';
import { StepError } from '../step.js';
import type { StepTools } from '../tools.js';

/** The pair in place before the last deployment (restored when nginx refuses the new one). */
export const PREVIOUS_SUFFIX = '.previous';

/**
 * Puts a new certificate and key in place for the panel: both written atomically, `nginx -t`,
 * then reload. When the check fails the previous pair goes back and nginx is not reloaded, so
 * the panel keeps serving what it served.
 */
export async function deployCertificate(
  root: string,
  certPem: string,
  keyPem: string,
  tools: Pick<StepTools, 'run' | 'nginxTest' | 'nginxReload'>,
  emit: Emitter,
): Promise<void> {
  const cert = at(root, PANEL_CERT);
  const key = at(root, PANEL_KEY);
  const old = existsSync(cert) && existsSync(key) ? { cert: readFileSync(cert), key: readFileSync(key) } : undefined;
  if (old) {
    writeAtomic(`${key}${PREVIOUS_SUFFIX}`, old.key, 0o600);
    writeAtomic(`${cert}${PREVIOUS_SUFFIX}`, old.cert, 0o644);
  }
  writeAtomic(key, keyPem, 0o600);
  writeAtomic(cert, certPem, 0o644);
  const t = await tools
    .run(tools.nginxTest, { allowFailure: true, events: emit, step: 'certificate' })
    .catch((e: Error) => ({ exitCode: -1, stderr: e.message, stdout: '' }));
  if (t.exitCode !== 0) {
    if (old) {
      writeAtomic(key, old.key, 0o600);
      writeAtomic(cert, old.cert, 0o644);
    }
    throw new StepError(
      'E_CERT_DEPLOY',
      `nginx refused the new certificate; the previous one stays in place (${t.stderr.trim().split('\n').slice(-2).join('; ')})`,
      {
        retryable: false,
        hint: 'check the nginx configuration with nginx -t',
      },
    );
  }
  await tools.run(tools.nginxReload, { events: emit, step: 'certificate' });
}

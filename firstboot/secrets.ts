import type { RenderedFile } from '../core/fileset.js';
import { REDACTED } from '../profiles/redact.js';
import type { Profile } from '../profiles/schema/profile.js';
import { renderKeyFile } from './dns/nsupdate.js';
import { ACME_EAB_FILE, TSIG_KEY_FILE } from './paths.js';

/**
 * Pure: the root-only files that carry the profile's first-boot secrets onto the node (the saved
 * profile has them redacted): the TSIG key for nsupdate and the EAB HMAC key. The installer
 * writes them with writeFileSet; first boot reads them.
 */
export function renderSecretFiles(p: Profile): RenderedFile[] {
  const out: RenderedFile[] = [];
  const tsig = p.dns.tsig;
  if (tsig && tsig.secret !== REDACTED)
    out.push({ id: 'tsig-key', path: TSIG_KEY_FILE, content: renderKeyFile(tsig), mode: 0o600, owner: 'root', dir: { mode: 0o700 } });
  const eab = p.tls.acme.eab;
  if (eab && eab.hmacKey !== REDACTED)
    out.push({ id: 'acme-eab', path: ACME_EAB_FILE, content: `${eab.hmacKey}\n`, mode: 0o600, owner: 'root', dir: { mode: 0o700 } });
  return out;
}

import type { Profile } from '../../profiles/schema/profile.js';

/** ACME directories of the CAs a profile can name (tls.acme.ca). */
export const CA_DIRECTORIES: Readonly<Record<string, string>> = {
  letsencrypt: 'https://acme-v02.api.letsencrypt.org/directory',
  'letsencrypt-staging': 'https://acme-staging-v02.api.letsencrypt.org/directory',
  zerossl: 'https://acme.zerossl.com/v2/DV90',
  buypass: 'https://api.buypass.com/acme/directory',
  google: 'https://dv.acme-v02.api.pki.goog/directory',
};

/** Pure: the directory URL first boot talks to. */
export function directoryUrlOf(acme: Profile['tls']['acme']): string | undefined {
  if (acme.ca === 'custom') return acme.directoryUrl;
  return CA_DIRECTORIES[acme.ca];
}

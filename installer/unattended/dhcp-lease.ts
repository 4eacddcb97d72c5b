/**
 * The profile URL from a DHCP lease (pure). DebVisor reads DHCP option 114 (`default-url`,
 * RFC 3679's "URL" option) as ISC dhclient records it in its lease files:
 *
 *   option default-url "https://10.0.0.5:8443/profile";
 *
 * The last lease in a file is the newest, so its URL wins. Such a lease comes from a dhclient
 * someone configured to ask for it, or from the installer's own ask (dhcp-ask.ts).
 */
export const DHCP_URL_OPTION = 114;
/** dhclient 4.4's name for option 114 (dhcp-options(5): `option default-url string;`). */
export const DHCLIENT_URL_OPTION = 'default-url';
/** Where dhclient keeps its leases on Debian. */
export const DHCLIENT_LEASE_DIRS = ['/var/lib/dhcp', '/run'];

export function urlFromDhclientLeases(text: string): string | undefined {
  let url: string | undefined;
  for (const m of text.matchAll(new RegExp(`option\\s+${DHCLIENT_URL_OPTION}\\s+"([^"\\n]{1,2048})"\\s*;`, 'g'))) url = m[1];
  return url;
}

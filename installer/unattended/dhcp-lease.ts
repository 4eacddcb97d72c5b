/**
 * The profile URL from a DHCP lease (pure). DebVisor reads DHCP option 114 (`default-url`,
 * RFC 3679's "URL" option) as ISC dhclient records it in its lease files:
 *
 *   option default-url "https://10.0.0.5:8443/profile";
 *
 * The last lease in a file is the newest, so its URL wins.
 */
export const DHCP_URL_OPTION = 114;
/** Where dhclient keeps its leases on Debian. */
export const DHCLIENT_LEASE_DIRS = ['/var/lib/dhcp', '/run'];

export function urlFromDhclientLeases(text: string): string | undefined {
  let url: string | undefined;
  for (const m of text.matchAll(/option\s+default-url\s+"([^"\n]{1,2048})"\s*;/g)) url = m[1];
  return url;
}

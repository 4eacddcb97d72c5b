/**
 * The IP sets every node has, whether or not the profile lists entries: `management` (who may
 * reach management ports under lockdown), `cluster` (peers, filled by cluster join) and
 * `blocklist` (static bans, plus the IDS's bans with timeouts).
 */
export const BUILTIN_SETS = ['management', 'cluster', 'blocklist'] as const;
export type BuiltinSet = (typeof BUILTIN_SETS)[number];

/** The set fail2ban (and the `firewall ban` command) add offenders to. */
export const BLOCKLIST_SET: BuiltinSet = 'blocklist';

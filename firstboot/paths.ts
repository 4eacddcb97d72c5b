/** Where first boot keeps its state on a node (all paths are node paths, joined under a root in tests). */

/** The marker debvisor-firstboot.service and its retry timer are gated on (ConditionPathExists=!...). */
export const FIRSTBOOT_MARKER = '/var/lib/debvisor/firstboot.done';
/** One `<step>.json` (recorded state) and one `<step>.done` (marker) per step, plus breakers.json. */
export const STATE_DIR = '/var/lib/debvisor/firstboot';
/** Held while a run is under way: the timer and a manual run never overlap. */
export const LOCK_FILE = `${STATE_DIR}/run.lock`;
export const BREAKERS_FILE = `${STATE_DIR}/breakers.json`;
/** The last overall summary a run wrote (what `debvisor status` shows without recomputing). */
export const SUMMARY_FILE = `${STATE_DIR}/summary.json`;
/** The effective profile the installer saved (secrets removed; they live in the root-only files below). */
export const NODE_PROFILE = '/etc/debvisor/installed-profile.yaml';
/** Its checked form (defaults filled), keyed by the file's SHA-256 and the tool's version: see profile.ts. */
export const NODE_PROFILE_CACHE = `${STATE_DIR}/installed-profile.json`;
/** The node's TSIG key in BIND key-file syntax (`nsupdate -k`), mode 0600, owned by root. */
export const TSIG_KEY_FILE = '/etc/debvisor/dns/tsig.key';
/** ACME state: the account key, the certificate key of an order under way, the account URL. */
export const ACME_STATE_DIR = '/var/lib/debvisor/acme';
export const ACME_ACCOUNT_KEY = `${ACME_STATE_DIR}/account.key`;
export const ACME_PENDING_KEY = `${ACME_STATE_DIR}/pending.key`;
/** The EAB HMAC key when the profile's copy was redacted (mode 0600). */
export const ACME_EAB_FILE = '/etc/debvisor/acme/eab.key';
/** Renewal state: last attempt, last error, the certificate's expiry. */
export const RENEWAL_FILE = `${ACME_STATE_DIR}/renewal.json`;
/** debvisor-runtime.target's ConditionPathExists: written by the hand-off just before it starts the target. */
export const RUNTIME_GATE = `${STATE_DIR}/handoff.ready`;
/** The runtime services hook in here with WantedBy=. */
export const RUNTIME_TARGET = 'debvisor-runtime.target';
/** Console login screen and message of the day, rewritten by every run. */
export const ISSUE_FILE = '/etc/issue';
export const MOTD_FILE = '/etc/motd';

export type HashCheck = { ok: true; scheme: 'yescrypt' | 'sha512crypt' } | { ok: false; reason: string; hint: string };

const YESCRYPT = /^\$y\$[./A-Za-z0-9]+\$[./A-Za-z0-9]{1,86}\$[./A-Za-z0-9]{43}$/;
const SHA512 = /^\$6\$(rounds=[0-9]{4,9}\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{86}$/;
export const HASH_HINT = "hash it with `mkpasswd -m yescrypt` (Debian package whois) or `openssl passwd -6`, and quote it in YAML: '$y$...'";

const WEAK: Record<string, string> = {
  $1$: 'MD5-crypt',
  $2a$: 'bcrypt',
  $2b$: 'bcrypt',
  $2y$: 'bcrypt',
  $5$: 'SHA-256 crypt',
  $7$: 'scrypt',
  $gy$: 'gost-yescrypt',
};

/** Only yescrypt (Debian's default) and SHA-512 crypt are accepted; anything else is refused. */
export function checkPasswordHash(value: string): HashCheck {
  if (YESCRYPT.test(value)) return { ok: true, scheme: 'yescrypt' };
  if (SHA512.test(value)) return { ok: true, scheme: 'sha512crypt' };
  const weak = Object.keys(WEAK).find((p) => value.startsWith(p));
  if (weak) return { ok: false, reason: `${WEAK[weak]} hashes are not accepted`, hint: `use yescrypt or SHA-512: ${HASH_HINT}` };
  if (value.startsWith('$y$') || value.startsWith('$6$'))
    return { ok: false, reason: 'the hash is malformed (wrong length or characters)', hint: `was it cut short or unquoted? ${HASH_HINT}` };
  return { ok: false, reason: 'this looks like a plain password, not a hash: plain passwords are refused', hint: HASH_HINT };
}

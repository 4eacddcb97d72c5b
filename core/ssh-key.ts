/** Key types accepted for login. DSA is gone from OpenSSH 10; RSA below 3072 bits is refused. */
export const SSH_KEY_TYPES = [
  'ssh-ed25519',
  'sk-ssh-ed25519@openssh.com',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'ssh-rsa',
] as const;
/** The shortest RSA key accepted, for users and host keys: sshd's RequiredRSASize and the audit use it too (ssh-audit's guides ask for 3072). */
export const MIN_RSA_BITS = 3072;

export interface SshPublicKey {
  type: string;
  blob: Buffer;
  comment: string;
  bits?: number;
}

export type SshKeyParse = { ok: true; key: SshPublicKey } | { ok: false; reason: string };

function readString(buf: Buffer, off: number): [Buffer, number] | undefined {
  if (off + 4 > buf.length) return undefined;
  const len = buf.readUInt32BE(off);
  if (off + 4 + len > buf.length) return undefined;
  return [buf.subarray(off + 4, off + 4 + len), off + 4 + len];
}

/** Parses one authorized_keys line without options: `type base64 [comment]`, checking the blob's inner structure. */
export function parseSshPublicKey(line: string): SshKeyParse {
  // One authorized_keys line: a line break would start a second key (with its own options), unchecked.
  if (/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/.test(line.trim()))
    return { ok: false, reason: 'a key is one line: it holds a line break or another control character' };
  const parts = line.trim().split(/[ \t]+/);
  const [type, b64, ...rest] = parts;
  if (!type || !b64) return { ok: false, reason: 'expected "<type> <base64> [comment]"' };
  if (type === 'ssh-dss') return { ok: false, reason: 'DSA keys are not accepted (removed from OpenSSH 10)' };
  if (!(SSH_KEY_TYPES as readonly string[]).includes(type)) return { ok: false, reason: `unknown key type '${type}'` };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return { ok: false, reason: 'the key data is not base64' };
  const blob = Buffer.from(b64, 'base64');
  const first = readString(blob, 0);
  if (!first) return { ok: false, reason: 'the key data is truncated' };
  const [inner, off] = first;
  if (inner.toString('latin1') !== type) return { ok: false, reason: `the key data is a '${inner.toString('latin1')}' key, not '${type}'` };
  const key: SshPublicKey = { type, blob, comment: rest.join(' ') };
  if (type === 'ssh-rsa') {
    const e = readString(blob, off);
    const n = e && readString(blob, e[1]);
    if (!n) return { ok: false, reason: 'the RSA key data is truncated' };
    const mod = n[0][0] === 0 ? n[0].subarray(1) : n[0];
    key.bits = mod.length * 8 - Math.clz32(mod[0] ?? 0) + 24;
    if (key.bits < MIN_RSA_BITS) return { ok: false, reason: `RSA key of ${key.bits} bits is too short (at least ${MIN_RSA_BITS})` };
  } else if (type === 'ssh-ed25519') {
    const pk = readString(blob, off);
    if (pk?.[0].length !== 32 || pk[1] !== blob.length) return { ok: false, reason: 'the ed25519 key data is malformed' };
  } else {
    if (!readString(blob, off)) return { ok: false, reason: 'the key data is truncated' };
  }
  return { ok: true, key };
}

import { atLeast, type TargetFacts } from '../../core/facts.js';

export type SshLevel = 'basic' | 'standard' | 'hardened';

export interface AlgorithmSet {
  /** Lists replace OpenSSH's defaults; a leading `-` removes from them (basic). */
  kex: string;
  ciphers: string;
  macs: string;
  hostKeyAlgorithms: string;
  pubkeyAlgorithms: string;
}

const AEAD_AND_CTR = ['chacha20-poly1305@openssh.com', 'aes256-gcm@openssh.com', 'aes256-ctr', 'aes192-ctr', 'aes128-gcm@openssh.com', 'aes128-ctr'];
const HOST_KEYS = [
  'sk-ssh-ed25519-cert-v01@openssh.com',
  'ssh-ed25519-cert-v01@openssh.com',
  'rsa-sha2-512-cert-v01@openssh.com',
  'rsa-sha2-256-cert-v01@openssh.com',
  'sk-ssh-ed25519@openssh.com',
  'ssh-ed25519',
  'rsa-sha2-512',
  'rsa-sha2-256',
];
const ECDSA_KEYS = ['ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'sk-ecdsa-sha2-nistp256@openssh.com'];

/**
 * Algorithm lists per level and OpenSSH version. `hardened` is ssh-audit's hardening guide for
 * the Debian release that ships that OpenSSH (Debian 13 / 10.0: post-quantum key exchange only;
 * Debian 12 / 9.2: sntrup761 and curve25519, DH groups 16 and 18). Group exchange is left out so
 * no moduli file needs filtering. `standard` adds widely supported modern choices; `basic` keeps
 * OpenSSH's defaults minus SHA-1 and small-tag MACs.
 */
export function algorithms(level: SshLevel, facts: TargetFacts): AlgorithmSet {
  const v10 = atLeast(facts.openssh, 9, 9);
  const pq = v10 ? ['mlkem768x25519-sha256', 'sntrup761x25519-sha512', 'sntrup761x25519-sha512@openssh.com'] : ['sntrup761x25519-sha512@openssh.com'];
  if (level === 'hardened') {
    const kex = v10 ? pq : [...pq, 'curve25519-sha256', 'curve25519-sha256@libssh.org', 'diffie-hellman-group16-sha512', 'diffie-hellman-group18-sha512'];
    const macs = v10
      ? ['hmac-sha2-512-etm@openssh.com', 'hmac-sha2-256-etm@openssh.com', 'umac-128-etm@openssh.com']
      : ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com', 'umac-128-etm@openssh.com'];
    return {
      kex: kex.join(','),
      ciphers: AEAD_AND_CTR.join(','),
      macs: macs.join(','),
      hostKeyAlgorithms: HOST_KEYS.join(','),
      pubkeyAlgorithms: HOST_KEYS.join(','),
    };
  }
  if (level === 'standard') {
    const kex = [
      ...pq,
      'curve25519-sha256',
      'curve25519-sha256@libssh.org',
      'ecdh-sha2-nistp256',
      'ecdh-sha2-nistp384',
      'ecdh-sha2-nistp521',
      'diffie-hellman-group16-sha512',
      'diffie-hellman-group18-sha512',
    ];
    const macs = ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-512-etm@openssh.com', 'umac-128-etm@openssh.com', 'hmac-sha2-256', 'hmac-sha2-512'];
    const keys = [...HOST_KEYS, ...ECDSA_KEYS].join(',');
    return { kex: kex.join(','), ciphers: AEAD_AND_CTR.join(','), macs: macs.join(','), hostKeyAlgorithms: keys, pubkeyAlgorithms: keys };
  }
  return {
    kex: '-diffie-hellman-group1-sha1,diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1',
    ciphers: '-3des-cbc,aes128-cbc,aes192-cbc,aes256-cbc',
    macs: '-hmac-sha1,hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-64-etm@openssh.com,hmac-md5,hmac-md5-96',
    hostKeyAlgorithms: '-ssh-rsa,ssh-rsa-cert-v01@openssh.com,ssh-dss',
    pubkeyAlgorithms: '-ssh-rsa,ssh-rsa-cert-v01@openssh.com,ssh-dss',
  };
}

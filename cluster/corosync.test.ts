import { describe, it, expect } from 'vitest';
import { renderCorosyncConf } from './corosync.js';
import type { ClusterState } from './state.js';
import { parseQuorum } from './status.js';

const state: ClusterState = {
  name: 'lab',
  caHolder: 'node1',
  configVersion: 4,
  revoked: [],
  members: [
    { name: 'node2', fqdn: 'node2.lab.test', address: '10.0.0.2', nodeid: 2, serial: 'B', key: 'k2' },
    { name: 'node1', fqdn: 'node1.lab.test', address: '10.0.0.1', nodeid: 1, serial: 'A', key: 'k1' },
  ],
};

describe('corosync.conf', () => {
  it('is knet with aes256/sha256, the config version, and the nodelist in node id order', () => {
    const text = renderCorosyncConf(state, { keyfile: '/etc/corosync/authkey' });
    expect(text).toContain('    transport: knet\n    crypto_cipher: aes256\n    crypto_hash: sha256\n    keyfile: /etc/corosync/authkey');
    expect(text).toContain('config_version: 4');
    expect(text.indexOf('name: node1')).toBeLessThan(text.indexOf('name: node2'));
    expect(text).toContain('ring0_addr: 10.0.0.2');
    expect(text).toContain('to_syslog: yes');
    expect(text).not.toContain('state_dir');
    expect(text).not.toMatch(/^\s+token:/m);
  });
  it('off the running system: a private state dir and log file', () => {
    const text = renderCorosyncConf(state, {
      keyfile: '/r/etc/corosync/authkey',
      stateDir: '/r/var/lib/corosync',
      logFile: '/r/var/log/corosync/corosync.log',
    });
    expect(text).toContain('state_dir: /r/var/lib/corosync');
    expect(text).toContain('logfile: /r/var/log/corosync/corosync.log');
    expect(renderCorosyncConf(state, { keyfile: 'k', tokenMs: 1000 })).toContain('    token: 1000\n');
  });
});

describe('corosync-quorumtool -s', () => {
  const out = `Quorum information
------------------
Quorate:          Yes

Votequorum information
----------------------
Expected votes:   3
Highest expected: 3
Total votes:      3
Quorum:           2
Flags:            Quorate

Membership information
----------------------
    Nodeid      Votes Name
         1          1 node1 (local)
         2          1 node2
         3          1 node3
`;
  it('reads quorum, votes and the node ids', () => {
    expect(parseQuorum(out, 0)).toEqual({ running: true, quorate: true, totalVotes: 3, expectedVotes: 3, nodeIds: [1, 2, 3] });
  });
  it('exit 2 is running but not quorate; anything else is not running', () => {
    expect(parseQuorum(out.replace('Quorate:          Yes', 'Quorate:          No'), 2)).toMatchObject({ running: true, quorate: false });
    expect(parseQuorum('', 1)).toMatchObject({ running: false, quorate: false, nodeIds: [] });
  });
});

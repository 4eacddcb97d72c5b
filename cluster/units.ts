/** Where the join API's unit goes on a node. */
export const JOIN_SERVICE = '/etc/systemd/system/debvisor-join.service';

/**
 * debvisor-join.service: the join API on every member (token joins on the CA holder, mTLS
 * membership calls everywhere). It starts only once the node has its cluster certificate.
 */
export function renderJoinService(): string {
  return [
    '[Unit]',
    'Description=DebVisor cluster join API (token joins, mTLS between members)',
    'After=network-online.target corosync.service',
    'Wants=network-online.target',
    'ConditionPathExists=/etc/debvisor/cluster/node.crt',
    '',
    '[Service]',
    'ExecStart=/usr/bin/debvisor cluster serve',
    'Restart=on-failure',
    'RestartSec=5',
    'NoNewPrivileges=yes',
    'ProtectHome=yes',
    'PrivateTmp=yes',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

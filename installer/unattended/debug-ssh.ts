import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { run } from '../../core/run.js';

/** The live firewall's table (builder/live-build.ts LIVE_FIREWALL). */
export const LIVE_FIREWALL_TABLE = ['inet', 'debvisor_live'];

/**
 * Opens the live system for remote debugging of the install, as the profile's
 * install.debugSshKeys allow: root's authorized_keys (keys only: root has no password, and
 * sshd's PasswordAuthentication is off in the live image), tcp/22 in the live firewall, sshd
 * started. Nothing of this reaches the installed node.
 */
export async function openDebugSsh(keys: readonly string[], root = '/'): Promise<void> {
  const dir = `${root}root/.ssh`;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  writeFileSync(`${dir}/authorized_keys`, `${keys.join('\n')}\n`, { mode: 0o600 });
  await run(['nft', 'add', 'rule', ...LIVE_FIREWALL_TABLE, 'input', 'tcp', 'dport', '22', 'accept']);
  await run(['systemctl', 'start', 'ssh.service']);
}

import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A small system root for tests: this machine's account databases and shadow-utils settings,
 * so `useradd --root` and friends work on it as on an installed system.
 */
export function makeSystemRoot(root: string): string {
  for (const f of ['passwd', 'shadow', 'group', 'gshadow', 'login.defs', 'default/useradd', 'skel', 'pam.d', 'security', 'ssh/sshd_config', 'ssh/moduli']) {
    cpSync(join('/etc', f), join(root, 'etc', f), { recursive: true });
  }
  for (const d of ['home', 'root', 'var/lib', 'var/log', 'run', 'etc/ssh']) mkdirSync(join(root, d), { recursive: true });
  return root;
}

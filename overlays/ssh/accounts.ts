import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../core/run.js';
import type { Emitter } from '../../core/events.js';
import type { Profile } from '../../profiles/schema/profile.js';
import { ADMIN_GROUP } from './sshd.js';

export interface AccountPlan {
  admin: { name: string; groups: string[]; passwordHash?: string; shell: string };
  createGroups: string[];
  lockRoot: boolean;
}

/** Pure: the accounts a profile asks for. */
export function planAccounts(p: Profile): AccountPlan {
  const a = p.users.admin;
  return {
    admin: { name: a.name, groups: ['sudo', ADMIN_GROUP], shell: '/bin/bash', ...(a.passwordHash ? { passwordHash: a.passwordHash } : {}) },
    createGroups: [ADMIN_GROUP],
    lockRoot: true,
  };
}

export function userExists(root: string, name: string): boolean {
  const passwd = join(root, 'etc/passwd');
  return existsSync(passwd) && readFileSync(passwd, 'utf8').split('\n').some((l) => l.split(':')[0] === name);
}

/** Applies the plan to a system root with shadow-utils (`--root`); the hash goes over stdin, never argv. */
export async function applyAccounts(root: string, plan: AccountPlan, events?: Emitter): Promise<void> {
  const o = { events, step: 'accounts' };
  for (const g of plan.createGroups) await run(['groupadd', '--root', root, '-f', g], o);
  const { name, groups, shell, passwordHash } = plan.admin;
  if (userExists(root, name)) await run(['usermod', '--root', root, '-a', '-G', groups.join(','), '-s', shell, name], o);
  else await run(['useradd', '--root', root, '-m', '-U', '-G', groups.join(','), '-s', shell, name], o);
  if (passwordHash) await run(['chpasswd', '--root', root, '-e'], { ...o, input: `${name}:${passwordHash}\n`, redact: [passwordHash] });
  // '!' in the hash field: no password can ever match, and SSH refuses root anyway.
  if (plan.lockRoot) await run(['usermod', '--root', root, '-p', '!', 'root'], o);
}

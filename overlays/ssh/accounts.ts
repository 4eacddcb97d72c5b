import { run } from '../../core/run.js';
import { DebvisorError } from '../../core/errors.js';
import type { Emitter } from '../../core/events.js';
import { lookupUser } from '../../core/fileset.js';
import { readUnder } from '../../core/target-root.js';
import type { Profile } from '../../profiles/schema/profile.js';
import { assertLoginName } from '../../profiles/rules/login-name.js';
import { ADMIN_GROUP } from './sshd.js';

/** Debian's defaults when the target's /etc/login.defs does not say (see login.defs(5)). */
export const DEFAULT_UID_MIN = 1000;
export const DEFAULT_UID_MAX = 60000;
/** Shells that mean "this account does not log in". */
const NO_LOGIN_SHELL = /(^|\/)(nologin|false)$/;

export interface AccountPlan {
  admin: { name: string; home: string; groups: string[]; passwordHash?: string; shell: string };
  createGroups: string[];
  lockRoot: boolean;
}

export interface PasswdEntry {
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** Pure: the accounts a profile asks for; an existing account keeps its home. */
export function planAccounts(p: Profile, existing?: PasswdEntry): AccountPlan {
  const a = p.users.admin;
  return {
    admin: {
      name: a.name,
      home: existing?.home ?? `/home/${a.name}`,
      groups: ['sudo', ADMIN_GROUP],
      shell: '/bin/bash',
      ...(a.passwordHash ? { passwordHash: a.passwordHash } : {}),
    },
    createGroups: [ADMIN_GROUP],
    lockRoot: true,
  };
}

export function userExists(root: string, name: string): boolean {
  return name === 'root' || (readUnder(root, '/etc/passwd') ?? '').split('\n').some((l) => l.split(':')[0] === name);
}

/** UID_MIN and UID_MAX from the target's /etc/login.defs. */
export function uidRange(root: string): { min: number; max: number } {
  const defs = readUnder(root, '/etc/login.defs') ?? '';
  const value = (key: string, fallback: number) => {
    const m = new RegExp(`^\\s*${key}\\s+(\\d+)\\s*$`, 'm').exec(defs);
    return m ? Number(m[1]) : fallback;
  };
  return { min: value('UID_MIN', DEFAULT_UID_MIN), max: value('UID_MAX', DEFAULT_UID_MAX) };
}

/**
 * The target's account of this name, if it may become the admin: a system account (UID below
 * UID_MIN or above UID_MAX, such as messagebus or nobody) or one that is shut off (a nologin
 * shell) is refused, since making it a sudo login with a password would open a door.
 */
export function adminAccount(root: string, name: string): PasswdEntry | undefined {
  assertLoginName(name, 'admin name');
  const e = name === 'root' ? { uid: 0, gid: 0, home: '/root', shell: '' } : lookupUser(root, name);
  if (!e) return undefined;
  const { min, max } = uidRange(root);
  if (e.uid < min || e.uid > max) {
    throw new DebvisorError(
      'E_ADMIN_SYSTEM_ACCOUNT',
      `${name} is a system account of the target (uid ${e.uid}, outside ${min}..${max}); it cannot become the admin`,
      {
        hint: 'pick another users.admin.name: DebVisor creates the admin as a new personal account',
      },
    );
  }
  if (NO_LOGIN_SHELL.test(e.shell)) {
    throw new DebvisorError(
      'E_ADMIN_NO_LOGIN',
      `${name} exists on the target with the shell ${JSON.stringify(e.shell)}, so it is shut off from logins; it is not made an admin`,
      {
        hint: 'pick another users.admin.name, or give the account a login shell first if it really is the admin',
      },
    );
  }
  if (!e.home.startsWith('/'))
    throw new DebvisorError('E_ADMIN_HOME', `${name} has no absolute home directory in the target's /etc/passwd`, {
      hint: 'fix its home field (usermod --root ... -d)',
    });
  return e;
}

/** Applies the plan to a system root with shadow-utils (`--root`); the hash goes over stdin, never argv. */
export async function applyAccounts(root: string, plan: AccountPlan, events?: Emitter): Promise<void> {
  const o = { events, step: 'accounts' };
  const { name, home, groups, shell, passwordHash } = plan.admin;
  const existing = adminAccount(root, name);
  for (const g of plan.createGroups) await run(['groupadd', '--root', root, '-f', g], o);
  if (existing) await run(['usermod', '--root', root, '-a', '-G', groups.join(','), '-s', shell, name], o);
  else await run(['useradd', '--root', root, '-m', '-d', home, '-U', '-G', groups.join(','), '-s', shell, name], o);
  if (passwordHash) await run(['chpasswd', '--root', root, '-e'], { ...o, input: `${name}:${passwordHash}\n`, redact: [passwordHash] });
  // '!' in the hash field: no password can ever match, and SSH refuses root anyway.
  if (plan.lockRoot) await run(['usermod', '--root', root, '-p', '!', 'root'], o);
}

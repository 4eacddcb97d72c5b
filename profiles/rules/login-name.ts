import { UsersSchema } from '../schema/users.js';
import { UsageError } from '../../core/errors.js';

/**
 * The login-name rule, taken from the one place it is written (the schema's users.admin.name),
 * for every command that takes a user name: a name that passes it has no `/`, no `..`, no
 * control character and at most 32 bytes, so it is safe as a file name and in passwd.
 */
const nameSchema = UsersSchema.properties.admin.properties.name as unknown as { pattern: string; 'x-hint': string };
const LOGIN_NAME = new RegExp(nameSchema.pattern);
export const LOGIN_NAME_HINT = nameSchema['x-hint'];

export function isLoginName(s: string): boolean {
  return LOGIN_NAME.test(s);
}

/** Throws a usage error naming the rule when `s` is not a login name. */
export function assertLoginName(s: string, what = 'user name'): string {
  if (!isLoginName(s)) throw new UsageError(`${JSON.stringify(s)} is not a valid ${what}`, LOGIN_NAME_HINT);
  return s;
}

import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminAccount, uidRange } from './accounts.js';
import { isLoginName } from '../../profiles/rules/login-name.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'debvisor-accounts-'));
  mkdirSync(join(root, 'etc'));
  writeFileSync(
    join(root, 'etc/passwd'),
    [
      'root:x:0:0:root:/root:/bin/bash',
      'messagebus:x:100:102::/nonexistent:/usr/sbin/nologin',
      'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
      'bob:x:1000:1000::/srv/bob:/bin/bash',
      'gone:x:1001:1001::/home/gone:/bin/false',
      '',
    ].join('\n'),
  );
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the admin account on the target (issue 9, point 15)', () => {
  it('refuses system accounts (outside UID_MIN..UID_MAX) and shut-off accounts', () => {
    for (const name of ['root', 'messagebus', 'nobody'])
      expect(() => adminAccount(root, name), name).toThrow(expect.objectContaining({ code: 'E_ADMIN_SYSTEM_ACCOUNT' }));
    expect(() => adminAccount(root, 'gone')).toThrow(expect.objectContaining({ code: 'E_ADMIN_NO_LOGIN' }));
  });
  it('takes the home of an existing account from passwd; a new one has none yet', () => {
    expect(adminAccount(root, 'bob')).toMatchObject({ uid: 1000, home: '/srv/bob' });
    expect(adminAccount(root, 'alice')).toBeUndefined();
  });
  it("reads UID_MIN from the target's login.defs", () => {
    expect(uidRange(root)).toEqual({ min: 1000, max: 60000 });
    writeFileSync(join(root, 'etc/login.defs'), '# comment\nUID_MIN\t\t 2000\nUID_MAX 3000\n');
    expect(uidRange(root)).toEqual({ min: 2000, max: 3000 });
    expect(() => adminAccount(root, 'bob')).toThrow(expect.objectContaining({ code: 'E_ADMIN_SYSTEM_ACCOUNT' }));
  });
});

describe('the login-name rule, from the schema (issue 9, point 16)', () => {
  it('accepts login names and refuses paths, empty names and control characters', () => {
    for (const ok of ['alice', '_svc', 'a-b_9']) expect(isLoginName(ok), ok).toBe(true);
    for (const bad of ['', '../x', 'a/b', 'Alice', '-x', 'a\n', 'a'.repeat(33), '..']) expect(isLoginName(bad), JSON.stringify(bad)).toBe(false);
  });
});

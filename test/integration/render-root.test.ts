import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateProfile } from '../../profiles/validate.js';
import { renderFiles } from '../../overlays/render.js';
import { writeFileSet } from '../../core/fileset.js';
import { detectHostFacts } from '../../core/host-facts.js';
import { makeSelfSigned } from '../../overlays/panel/self-signed.js';
import { makeSystemRoot } from './helpers/node-root.js';

/** Issue 9, points 1 (render runs its checks), 13-18: writing into a target root. */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(repo, 'bin/debvisor.js');
const KEY = readFileSync(join(repo, 'test/fixtures/keys/ed25519.pub'), 'utf8').trim();
const HASH = '$y$j9T$acrhuYhRJDsGQYJNuubr81$YZItglN4LP/5Tq1L4hC5.Xl50yr.hpH8hMoUVdnqj9.';
let dir: string;
let n = 0;

const dv = (args: string[]) => execa(process.execPath, [BIN, ...args], { reject: false, stdin: 'ignore' });
/** The CLI in a private mount namespace where this machine's / is read-only: a refusal that failed could not write here. */
const dvGuarded = (args: string[]) =>
  execa('unshare', ['-m', 'sh', '-c', 'mount -o remount,bind,ro / && exec "$@"', 'guard', process.execPath, BIN, ...args], { reject: false, stdin: 'ignore' });
const fresh = (name: string) => {
  const d = join(dir, `${name}-${n++}`);
  mkdirSync(d, { recursive: true });
  return d;
};
const noStack = (r: { stderr: unknown }) => expect(String(r.stderr)).not.toMatch(/^\s+at /m);

function profileFile(admin: string, extra = ''): string {
  const f = join(dir, `profile-${admin}-${n++}.yaml`);
  writeFileSync(
    f,
    [
      'version: 1',
      'node: { hostname: node, domain: lab.example.com }',
      'users:',
      '  admin:',
      `    name: ${admin}`,
      `    passwordHash: '${HASH}'`,
      `    sshKeys: ['${KEY}']`,
      'dns: { register: false }',
      extra,
      '',
    ].join('\n'),
  );
  return f;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-rootw-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("render runs the daemons' checks before anything is written (point 1)", () => {
  const breakers: [string, string, (s: string) => string, RegExp][] = [
    ['firewall-ruleset', 'nft -c', (s) => `${s}\ntable inet debvisor { chain x { bogus; } }\n`, /syntax error|Error/],
    ['sudoers', 'visudo -c', (s) => `${s}alice ALL=(ALL) NOPASSWD ALL\n`, /syntax error/],
    ['sshd-dropin', 'sshd -t', (s) => `${s}PermitRootLogin maybe\n`, /PermitRootLogin|bad .*argument|unsupported/i],
    ['panel-site', 'nginx -t', (s) => `${s}server { listen 8443 ssl; bogus_directive on; }\n`, /unknown directive "bogus_directive"/],
    [
      'fail2ban-jails',
      'fail2ban-client -t',
      (s) => `${s}\n[bogus-jail]\nenabled = true\nfilter = debvisor-no-such-filter\nport = 22\nlogpath = /dev/null\n`,
      /debvisor-no-such-filter|Unable to read the filter|bogus-jail/,
    ],
  ];
  it("with this machine's tool versions every file passes its check, none is left unchecked", async () => {
    const r = validateProfile(profileFile('alice'));
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const res = await writeFileSet(fresh('good'), renderFiles(r.profile, await detectHostFacts()));
    expect(res.unchecked).toEqual([]);
    expect(
      renderFiles(r.profile)
        .filter((f) => f.check)
        .map((f) => f.checkName),
    ).toEqual(['nft -c', 'fail2ban-client -t', 'sshd -t', 'visudo -c', 'nginx -t']);
  });
  for (const [id, tool, breakIt, said] of breakers) {
    it(`${id}: a file ${tool} rejects refuses the set with the tool's message; the root is unchanged`, async () => {
      const r = validateProfile(profileFile('alice'));
      if (!r.ok) throw new Error(JSON.stringify(r.issues));
      const files = renderFiles(r.profile, await detectHostFacts()).map((f) => (f.id === id ? { ...f, content: breakIt(f.content) } : f));
      const root = fresh(id);
      const err = (await writeFileSet(root, files).catch((e: unknown) => e)) as { code: string; message: string; details: string[] };
      expect(err.code).toBe('E_CHECK_FAILED');
      expect(err.message).toContain(`does not pass ${tool}`);
      expect(err.details.join('\n')).toMatch(said);
      expect(readdirSync(root)).toEqual([]);
    });
  }
});

describe('--root rules (points 13, 17)', () => {
  it('refuses a root that is this running system, also through a link, unless --this-system', async () => {
    const link = join(fresh('slash'), 'to-slash');
    symlinkSync('/', link);
    for (const root of ['/', link]) {
      const r = await dvGuarded(['render', profileFile('alice'), '--root', root]);
      expect(r.exitCode, String(r.stderr)).toBe(1);
      expect(String(r.stderr)).toContain('is this running system; nothing was written');
      expect(String(r.stderr)).toContain('--this-system');
      noStack(r);
    }
  });
  it('a read-only root: refused up front, nothing written, no stack trace', async () => {
    const root = fresh('ro');
    const r = await execa(
      'unshare',
      [
        '-m',
        'sh',
        '-c',
        'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"',
        'ro',
        root,
        process.execPath,
        BIN,
        'render',
        profileFile('alice'),
        '--root',
        root,
      ],
      { reject: false, stdin: 'ignore' },
    );
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toContain('is on a read-only file system; nothing was written');
    noStack(r);
    expect(readdirSync(root)).toEqual([]);
  });
  it('a root that is a file or missing: a message with a hint, exit 1', async () => {
    const f = join(fresh('file'), 'root');
    writeFileSync(f, '');
    for (const [root, said] of [
      [f, 'is not a directory'],
      [join(dir, 'missing'), 'does not exist'],
    ] as const) {
      const r = await dv(['render', profileFile('alice'), '--root', root]);
      expect(r.exitCode).toBe(1);
      expect(String(r.stderr)).toContain(said);
      noStack(r);
    }
  });
});

describe('links inside the root are never followed (point 14)', () => {
  it('render: a linked /home does not put authorized_keys outside the root', async () => {
    const root = fresh('link-home');
    const outside = fresh('outside-home');
    symlinkSync(outside, join(root, 'home'));
    const r = await dv(['render', profileFile('alice'), '--root', root, '--target', 'host']);
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toContain('is a symbolic link');
    expect(readdirSync(outside)).toEqual([]);
    expect(readdirSync(root)).toEqual(['home']);
  });
  it('mfa enroll, ssh hostkeys and tls self-signed refuse a linked directory; the files outside stay as they were', async () => {
    const root = fresh('link-tools');
    const outside = fresh('outside-tools');
    writeFileSync(join(outside, 'alice'), 'keep', { mode: 0o644 });
    for (const d of ['var/lib/debvisor', 'etc/debvisor']) mkdirSync(join(root, d), { recursive: true });
    symlinkSync(outside, join(root, 'var/lib/debvisor/mfa'));
    symlinkSync(outside, join(root, 'etc/ssh'));
    symlinkSync(outside, join(root, 'etc/debvisor/tls'));
    for (const args of [
      ['mfa', 'enroll', 'alice', '--force'],
      ['ssh', 'hostkeys', 'generate'],
      ['tls', 'self-signed', 'node.lab.example.com'],
    ]) {
      const r = await dv([...args, '--root', root]);
      expect(r.exitCode, args.join(' ')).toBe(1);
      expect(String(r.stderr)).toContain('is a symbolic link');
      noStack(r);
    }
    expect(readdirSync(outside)).toEqual(['alice']);
    expect(readFileSync(join(outside, 'alice'), 'utf8')).toBe('keep');
    expect(statSync(join(outside, 'alice')).mode & 0o777).toBe(0o644);
  });
});

describe('the admin account (point 15)', () => {
  it('an existing system account (messagebus) or a nologin account is refused; nothing changes', async () => {
    const root = makeSystemRoot(fresh('sysacct'));
    if (!/^messagebus:/m.test(readFileSync(join(root, 'etc/passwd'), 'utf8')))
      writeFileSync(join(root, 'etc/passwd'), 'messagebus:x:100:102::/nonexistent:/usr/sbin/nologin\n', { flag: 'a' });
    await execa('useradd', ['--root', root, '-M', '-s', '/usr/sbin/nologin', 'shutoff']);
    const passwd = readFileSync(join(root, 'etc/passwd'), 'utf8');
    for (const [name, said] of [
      ['messagebus', 'is a system account of the target'],
      ['shutoff', 'shut off from logins'],
    ] as const) {
      const r = await dv(['render', profileFile(name), '--root', root, '--target', 'host']);
      expect(r.exitCode, name).toBe(1);
      expect(String(r.stderr)).toContain(said);
      noStack(r);
    }
    expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).toBe(passwd);
    expect(existsSync(join(root, 'etc/nftables.conf'))).toBe(false);
  });
  it('an existing admin keeps its home from passwd; authorized_keys goes there', async () => {
    const root = makeSystemRoot(fresh('home'));
    await execa('useradd', ['--root', root, '-m', '-d', '/srv/bob', '-s', '/bin/bash', 'bob']);
    const r = await dv(['render', profileFile('bob'), '--root', root, '--target', 'host']);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const keys = join(root, 'srv/bob/.ssh/authorized_keys');
    expect(readFileSync(keys, 'utf8')).toContain(KEY);
    const uid = Number(/^bob:x:(\d+)/m.exec(readFileSync(join(root, 'etc/passwd'), 'utf8'))![1]);
    expect(statSync(keys).uid).toBe(uid);
    expect(statSync(join(root, 'srv/bob/.ssh')).mode & 0o777).toBe(0o700);
    expect(existsSync(join(root, 'home/bob'))).toBe(false);
  });
});

describe('user names on the command line (point 16)', () => {
  it('mfa enroll refuses ../ and empty names, with and without --force; nothing is written', async () => {
    const root = fresh('mfa-names');
    for (const name of ['../../escaped', '', 'a/b', 'Alice', '-x']) {
      for (const force of [[], ['--force']]) {
        const r = await dv(['mfa', 'enroll', '--root', root, ...force, '--', name]);
        expect(r.exitCode, JSON.stringify(name)).toBe(2);
        expect(String(r.stderr)).toContain('is not a valid user name');
      }
    }
    expect(readdirSync(root)).toEqual([]);
    expect(existsSync(join(dir, 'escaped'))).toBe(false);
  });
});

describe('tls self-signed (point 18)', () => {
  it('a valid FQDN over 64 characters gets a certificate with the name in the SAN', async () => {
    const root = fresh('long');
    const long = `${'a'.repeat(60)}.${'b'.repeat(20)}.example.com`;
    const r = await dv(['tls', 'self-signed', long, '--root', root]);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const text = String((await execa('openssl', ['x509', '-in', join(root, 'etc/debvisor/tls/panel.crt'), '-noout', '-text'])).stdout);
    expect(text).toContain(`DNS:${long}`);
    expect(readdirSync(join(root, 'etc/debvisor/tls')).sort()).toEqual(['panel.crt', 'panel.key']);
  });
  it('a failure leaves no key behind, in the root or in a scratch directory', async () => {
    const root = fresh('tls-fail');
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('debvisor-tls-'));
    await expect(makeSelfSigned(root, ['bad,name'])).rejects.toMatchObject({ code: 'E_COMMAND' });
    expect(readdirSync(root)).toEqual([]);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('debvisor-tls-'))).toEqual(before);
  });
});

describe('a damaged pending firewall apply (point 17)', () => {
  it('apply and confirm refuse it and say how to clear it; rollback --discard clears it', async () => {
    const root = fresh('pending');
    const state = join(root, 'run/debvisor/firewall');
    mkdirSync(state, { recursive: true });
    writeFileSync(join(state, 'pending.json'), '{"token": "x", "dead');
    for (const args of [
      ['firewall', 'confirm'],
      ['firewall', 'apply'],
    ]) {
      const r = await dv([...args, '--root', root]);
      expect(r.exitCode, args.join(' ')).toBe(1);
      expect(String(r.stderr)).toContain('is damaged; nothing was done');
      expect(String(r.stderr)).toContain(`debvisor firewall rollback --discard --root ${JSON.stringify(root)}`);
      noStack(r);
    }
    const d = await dv(['firewall', 'rollback', '--discard', '--root', root]);
    expect(d.exitCode).toBe(0);
    expect(String(d.stdout)).toContain('discarded the pending apply');
    expect(readdirSync(state)).toEqual([]);
    expect(String((await dv(['firewall', 'confirm', '--root', root])).stderr)).toContain('no firewall apply is waiting');
  });
});

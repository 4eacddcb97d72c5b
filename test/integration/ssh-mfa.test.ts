import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, statSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { authenticator } from 'otplib';
import { makeSystemRoot } from './helpers/node-root.js';
import { killInNamespace } from './helpers/netns-pids.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const IN_ROOT = join(repo, 'test/integration/helpers/in-root.sh');
const LOGIN = join(repo, 'test/integration/helpers/ssh-login.mjs');
const NS = `dvssh${process.pid % 100000}`;
const YESCRYPT_OF_DEBVISOR = '$y$j9T$acrhuYhRJDsGQYJNuubr81$YZItglN4LP/5Tq1L4hC5.Xl50yr.hpH8hMoUVdnqj9.';
/** Bound on waiting for sshd to listen. */
const SSHD_START_MS = 10_000;

let dir: string;
let root: string;
let key: string;
let secret: string;
/** Other users, each with its own TOTP state: pam_google_authenticator allows 3 tries per 30 s per user. */
const secrets: Record<string, string> = {};
let recovery: string[];
let sshd: ResultPromise | undefined;

const dv = (args: string[]) => execa(process.execPath, [join(repo, 'bin/debvisor.js'), ...args], { reject: false, stdin: 'ignore' });
/** A command inside the test namespace, with the test root's accounts, /etc/ssh and PAM. */
const inNode = (argv: string[], input?: string) =>
  execa('ip', ['netns', 'exec', NS, 'unshare', '-m', IN_ROOT, root, ...argv], {
    reject: false,
    ...(input === undefined ? { stdin: 'ignore' as const } : { input }),
  });
const codeAt = (offsetSteps: number, s = secret) => authenticator.clone({ epoch: Date.now() + offsetSteps * 30_000 }).generate(s);

async function addEnrolledUser(name: string): Promise<string[]> {
  await execa('useradd', ['--root', root, '-m', '-G', 'debvisor-admin', name]);
  mkdirSync(join(root, 'home', name, '.ssh'), { recursive: true });
  copyFileSync(`${key}.pub`, join(root, 'home', name, '.ssh/authorized_keys'));
  await execa('chown', ['-R', '--reference', join(root, 'home', name), join(root, 'home', name, '.ssh')]);
  const en = await dv(['mfa', 'enroll', name, '--root', root]);
  if (en.exitCode !== 0) throw new Error(en.stderr);
  const state = readFileSync(join(root, 'var/lib/debvisor/mfa', name), 'utf8').split('\n');
  secrets[name] = state[0]!;
  return state.filter((l) => /^\d{8}$/.test(l));
}

async function login(opts: { user: string; key?: string; code?: string; password?: string }): Promise<{ ok: boolean; output?: string; error?: string }> {
  const r = await execa('ip', ['netns', 'exec', NS, process.execPath, LOGIN, JSON.stringify({ host: '127.0.0.1', port: 22, ...opts })], { stdin: 'ignore' });
  return JSON.parse(String(r.stdout)) as { ok: boolean; output?: string; error?: string };
}

function profileWithKey(pub: string, level = 'hardened', userCa?: string): string {
  return [
    'version: 1',
    'node: { hostname: node, domain: lab.example.com }',
    'users:',
    '  admin:',
    '    name: alice',
    `    passwordHash: '${YESCRYPT_OF_DEBVISOR}'`,
    `    sshKeys: ['${pub}']`,
    'security:',
    userCa ? `  ssh: { level: ${level}, userCaKeys: ['${userCa}'] }` : `  ssh: { level: ${level} }`,
    'dns: { register: false }',
    '',
  ].join('\n');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-ssh-'));
  root = makeSystemRoot(join(dir, 'root'));
  key = join(dir, 'id_ed25519');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'alice@test', '-f', key]);
  // The operators' user CA the profile trusts (TrustedUserCAKeys), and another CA it does not.
  for (const ca of ['user-ca', 'other-ca']) await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', ca, '-f', join(dir, ca)]);
  writeFileSync(
    join(dir, 'node.yaml'),
    profileWithKey(readFileSync(`${key}.pub`, 'utf8').trim(), 'hardened', readFileSync(join(dir, 'user-ca.pub'), 'utf8').trim()),
  );
  const r = await dv(['render', join(dir, 'node.yaml'), '--root', root, '--target', 'host']);
  if (r.exitCode !== 0) throw new Error(r.stderr + r.stdout);
  const hk = await dv(['ssh', 'hostkeys', 'generate', '--root', root]);
  if (hk.exitCode !== 0) throw new Error(hk.stderr);
  const en = await dv(['mfa', 'enroll', 'alice', '--root', root, '--label', 'alice@node.lab.example.com']);
  if (en.exitCode !== 0) throw new Error(en.stderr);
  const state = readFileSync(join(root, 'var/lib/debvisor/mfa/alice'), 'utf8').split('\n');
  secret = state[0]!;
  await addEnrolledUser('carol');
  recovery = await addEnrolledUser('dave');
  // erin has no authorized_keys: only a user certificate (and TOTP) can let her in.
  await addEnrolledUser('erin');
  rmSync(join(root, 'home/erin/.ssh/authorized_keys'));
  // Root gets the same key, so "root fails" proves the policy and not a missing key.
  mkdirSync(join(root, 'root/.ssh'), { recursive: true });
  copyFileSync(`${key}.pub`, join(root, 'root/.ssh/authorized_keys'));
  await execa('ip', ['netns', 'add', NS]);
  await execa('ip', ['netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up']);
  sshd = execa('ip', ['netns', 'exec', NS, 'unshare', '-m', IN_ROOT, root, '/usr/sbin/sshd', '-D', '-e'], { stdin: 'ignore', reject: false, all: true });
  const deadline = Date.now() + SSHD_START_MS;
  while (Date.now() < deadline) {
    const probe = await execa('ip', ['netns', 'exec', NS, 'bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/22'], { reject: false });
    if (probe.exitCode === 0) return;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error('sshd did not start');
});

afterAll(async () => {
  if (sshd?.pid) {
    await killInNamespace(NS);
    await sshd.catch(() => undefined);
  }
  await execa('ip', ['netns', 'del', NS], { reject: false });
  rmSync(dir, { recursive: true, force: true });
});

describe('accounts and sudo', () => {
  it('creates the admin in sudo and debvisor-admin, sets the hash, locks root', () => {
    const passwd = readFileSync(join(root, 'etc/passwd'), 'utf8');
    expect(passwd).toMatch(/^alice:x:\d+:\d+::\/home\/alice:\/bin\/bash$/m);
    const group = readFileSync(join(root, 'etc/group'), 'utf8');
    expect(group).toMatch(/^sudo:x:27:(.*,)?alice(,.*)?$/m);
    expect(group).toMatch(/^debvisor-admin:x:\d+:alice(,|$)/m);
    const shadow = readFileSync(join(root, 'etc/shadow'), 'utf8');
    expect(shadow).toContain(`alice:${YESCRYPT_OF_DEBVISOR}:`);
    expect(shadow).toMatch(/^root:!:/m);
    const keys = statSync(join(root, 'home/alice/.ssh/authorized_keys'));
    expect(keys.mode & 0o777).toBe(0o600);
    expect(keys.uid).toBe(Number(/^alice:x:(\d+)/m.exec(passwd)![1]));
  });
  it('the sudoers drop-in passes visudo -c', async () => {
    const f = join(root, 'etc/sudoers.d/debvisor');
    expect(statSync(f).mode & 0o777).toBe(0o440);
    const r = await execa('visudo', ['-c', '-f', f], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
  });
});

describe('sshd with the rendered drop-in', () => {
  it('sshd -t accepts it and sshd -T shows the hardened values', async () => {
    expect((await inNode(['/usr/sbin/sshd', '-t'])).exitCode).toBe(0);
    const t = String((await inNode(['/usr/sbin/sshd', '-T', '-C', 'user=alice,host=client,addr=127.0.0.1'])).stdout);
    const v = Object.fromEntries(t.split('\n').map((l) => [l.split(' ')[0], l.slice(l.indexOf(' ') + 1)]));
    expect(v).toMatchObject({
      permitrootlogin: 'no',
      passwordauthentication: 'no',
      permitemptypasswords: 'no',
      kbdinteractiveauthentication: 'yes',
      usepam: 'yes',
      authenticationmethods: 'publickey,keyboard-interactive:pam',
      allowgroups: 'debvisor-admin',
      maxauthtries: '3',
      logingracetime: '30',
      requiredrsasize: '3072',
      x11forwarding: 'no',
      disableforwarding: 'yes',
    });
    expect(v.hostkeyalgorithms).not.toMatch(/ecdsa|ssh-rsa(,|$)|dss/);
    expect(v.kexalgorithms).not.toMatch(/sha1|nistp/);
    expect(v.macs).not.toMatch(/sha1|md5|umac-64/);
    expect(v.ciphers).not.toMatch(/cbc|3des/);
  });
  it('host keys are ed25519 and RSA 4096 only, private keys root-only; rotation changes them', async () => {
    expect(statSync(join(root, 'etc/ssh/ssh_host_ed25519_key')).mode & 0o777).toBe(0o600);
    const rsa = await execa('ssh-keygen', ['-l', '-f', join(root, 'etc/ssh/ssh_host_rsa_key.pub')]);
    expect(String(rsa.stdout)).toMatch(/^4096 /);
    const scratch = join(dir, 'rot');
    mkdirSync(join(scratch, 'etc/ssh'), { recursive: true });
    const gen = await dv(['ssh', 'hostkeys', 'generate', '--root', scratch]);
    const rot = await dv(['ssh', 'hostkeys', 'rotate', '--root', scratch]);
    expect(rot.exitCode, rot.stderr).toBe(0);
    const before = /ed25519: (\S+ \S+)/.exec(String(gen.stdout))![1]!;
    const after = /now: (\S+ \S+)/.exec(String(rot.stdout))![1]!;
    expect(after).not.toBe(before);
    expect(statSync(join(scratch, 'etc/ssh/ssh_host_ed25519_key.previous')).isFile()).toBe(true);
  });
});

describe('TOTP through PAM', () => {
  it('stores the secret root-only and the enrolment shows a QR code and the otpauth URI', async () => {
    const st = statSync(join(root, 'var/lib/debvisor/mfa/alice'));
    expect(st.mode & 0o777).toBe(0o600);
    expect(st.uid).toBe(0);
    expect(statSync(join(root, 'var/lib/debvisor/mfa')).mode & 0o777).toBe(0o700);
    expect(recovery).toHaveLength(5);
    const again = await dv(['mfa', 'enroll', 'alice', '--root', root]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('already enrolled');
    const other = makeSystemRoot(join(dir, 'other'));
    await execa('useradd', ['--root', other, 'bob']);
    const view = await dv(['mfa', 'enroll', 'bob', '--root', other, '--label', 'bob@n1']);
    expect(view.stdout).toMatch(/otpauth:\/\/totp\/DebVisor:bob%40n1\?secret=[A-Z2-7]+&period=30&digits=6&algorithm=SHA1&issuer=DebVisor/);
    expect(view.stdout).toMatch(/[▀▄█]/);
    expect((await dv(['mfa', 'enroll', 'nobody-here', '--root', other])).exitCode).toBe(1);
  });
  it('pamtester accepts a code made by otplib and rejects a wrong one; the PAM stack never asks for the password', async () => {
    const good = await inNode(['pamtester', 'sshd', 'carol', 'authenticate'], `${codeAt(0, secrets.carol)}\n`);
    expect(good.exitCode, good.stderr).toBe(0);
    expect(good.stderr + good.stdout).toMatch(/Verification code/);
    expect(good.stderr + good.stdout).not.toMatch(/[Pp]assword:/);
    const bad = await inNode(['pamtester', 'sshd', 'carol', 'authenticate'], '000000\n');
    expect(bad.exitCode).not.toBe(0);
    const pw = await inNode(['pamtester', 'sshd', 'carol', 'authenticate'], 'debvisor\n');
    expect(pw.exitCode).not.toBe(0);
  });
});

describe('logging in to the real sshd', () => {
  it('key plus a valid code logs in', async () => {
    expect(await login({ user: 'alice', key, code: codeAt(0) })).toMatchObject({ ok: true, output: 'alice' });
  });
  it('the key alone fails, a wrong code fails', async () => {
    expect((await login({ user: 'alice', key })).ok).toBe(false);
    expect((await login({ user: 'alice', key, code: '123456' })).ok).toBe(false);
  });
  it('the password fails, even with a valid code', async () => {
    expect((await login({ user: 'alice', password: 'debvisor', code: codeAt(1) })).ok).toBe(false);
  });
  it('root fails, with a key it holds and a code', async () => {
    expect((await login({ user: 'root', key, code: codeAt(1) })).ok).toBe(false);
  });
  it('a recovery code works once', async () => {
    expect((await login({ user: 'dave', key, code: recovery[0] })).ok).toBe(true);
    expect((await login({ user: 'dave', key, code: recovery[0] })).ok).toBe(false);
    expect((await login({ user: 'dave', key, code: recovery[1] })).ok).toBe(true);
  });
  it("a user certificate from the profile's CA plus a valid code logs in; without the code, or from another CA, it fails", async () => {
    // OpenSSH's own client (ssh2 has no certificates); the TOTP prompt is answered through SSH_ASKPASS.
    const erinKey = join(dir, 'erin');
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'erin@test', '-f', erinKey]);
    const askpass = join(dir, 'askpass.sh');
    const certLogin = async (ca: string, code: string | undefined) => {
      await execa('ssh-keygen', ['-q', '-s', join(dir, ca), '-I', `erin-${ca}`, '-n', 'erin', '-V', '-5m:+1h', `${erinKey}.pub`]);
      writeFileSync(askpass, code === undefined ? '#!/bin/sh\nexit 1\n' : `#!/bin/sh\necho ${code}\n`, { mode: 0o700 });
      const r = await execa(
        'ip',
        [
          'netns',
          'exec',
          NS,
          'ssh',
          '-F',
          '/dev/null',
          '-i',
          erinKey,
          '-o',
          `CertificateFile=${erinKey}-cert.pub`,
          '-o',
          'IdentitiesOnly=yes',
          '-o',
          'StrictHostKeyChecking=no',
          '-o',
          'UserKnownHostsFile=/dev/null',
          '-o',
          'NumberOfPasswordPrompts=1',
          '-o',
          'ConnectTimeout=10',
          '-o',
          'PreferredAuthentications=publickey,keyboard-interactive',
          '-p',
          '22',
          'erin@127.0.0.1',
          'id',
          '-un',
        ],
        { reject: false, stdin: 'ignore', timeout: 30_000, env: { SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' } },
      );
      return { ok: r.exitCode === 0 && String(r.stdout).trim() === 'erin', out: `${r.stdout}\n${r.stderr}` };
    };
    const withCode = await certLogin('user-ca', codeAt(0, secrets.erin));
    expect(withCode.ok, withCode.out).toBe(true);
    expect((await certLogin('user-ca', undefined)).ok).toBe(false);
    const foreign = await certLogin('other-ca', codeAt(1, secrets.erin));
    expect(foreign.ok, foreign.out).toBe(false);
  });
  it('ssh-audit passes the hardening policy for this OpenSSH version, and a weaker level fails it', async () => {
    const ver = /OpenSSH_(\d+\.\d+)/.exec(String((await execa('sshd', ['-V'], { reject: false })).stderr))![1];
    const policy = join(repo, `overlays/ssh/policies/hardened-openssh-${ver}.txt`);
    const audit = await execa('ip', ['netns', 'exec', NS, 'ssh-audit', '-n', '-P', policy, '127.0.0.1'], { reject: false });
    expect(audit.exitCode, String(audit.stdout)).toBe(0);
    expect(String(audit.stdout)).toMatch(/Passed/);
    // The same check against the "standard" level must fail, or it proves nothing.
    const std = join(dir, 'std');
    makeSystemRoot(std);
    writeFileSync(join(dir, 'std.yaml'), profileWithKey(readFileSync(`${key}.pub`, 'utf8').trim(), 'standard'));
    await dv(['render', join(dir, 'std.yaml'), '--root', std, '--target', 'host']);
    await dv(['ssh', 'hostkeys', 'generate', '--root', std]);
    const weak = execa('ip', ['netns', 'exec', NS, 'unshare', '-m', IN_ROOT, std, '/usr/sbin/sshd', '-D', '-e', '-p', '2222'], {
      stdin: 'ignore',
      reject: false,
    });
    try {
      let audited = await execa('ip', ['netns', 'exec', NS, 'ssh-audit', '-n', '-P', policy, '127.0.0.1:2222'], { reject: false });
      for (let i = 0; i < 20 && /Could not connect|failed|refused/i.test(String(audited.stdout)) && !/Failed!/.test(String(audited.stdout)); i++) {
        await new Promise((res) => setTimeout(res, 250));
        audited = await execa('ip', ['netns', 'exec', NS, 'ssh-audit', '-n', '-P', policy, '127.0.0.1:2222'], { reject: false });
      }
      expect(audited.exitCode, String(audited.stdout)).not.toBe(0);
      expect(String(audited.stdout)).toMatch(/Failed!/);
    } finally {
      await killInNamespace(NS, '2222');
      await weak;
    }
  });
});

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execa } from 'execa';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeSystemRoot } from './helpers/node-root.js';
import { RULESET_FILE } from '../../overlays/firewall/compile.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const PROFILE = join(repo, 'test/fixtures/profiles/lab-node.yaml');
let dir: string;
let good: string;

const dv = (args: string[]) => execa(process.execPath, [join(repo, 'bin/debvisor.js'), ...args], { reject: false, stdin: 'ignore' });

interface Report {
  grade: string;
  checks: { id: string; passed: boolean; reason: string; severity: string }[];
}

async function audit(root: string): Promise<Report & { exitCode: number }> {
  const r = await dv(['audit', '--root', root, '--json']);
  return { ...(JSON.parse(String(r.stdout)) as Report), exitCode: r.exitCode ?? -1 };
}

/** A copy of the good root with one thing weakened. */
async function weakened(name: string, change: (root: string) => void | Promise<void>): Promise<string> {
  const root = join(dir, name);
  await execa('cp', ['-a', good, root]);
  await change(root);
  return root;
}

const edit = (file: string, from: RegExp | string, to: string) => writeFileSync(file, readFileSync(file, 'utf8').replace(from, to));
const failed = (r: Report) => r.checks.filter((c) => !c.passed).map((c) => c.id);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-audit-'));
  good = makeSystemRoot(join(dir, 'good'));
  for (const args of [
    ['render', PROFILE, '--root', good, '--target', 'host'],
    ['ssh', 'hostkeys', 'generate', '--root', good],
    ['mfa', 'enroll', 'alice', '--root', good],
    ['tls', 'self-signed', 'node.lab.example.com', '--root', good],
  ]) {
    const r = await dv(args);
    if (r.exitCode !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  }
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('debvisor audit on rendered roots', () => {
  it('a freshly rendered node gets an A with every check passed', async () => {
    const r = await audit(good);
    expect(failed(r)).toEqual([]);
    expect(r.grade).toBe('A');
    expect(r.exitCode).toBe(0);
    expect(r.checks.length).toBeGreaterThanOrEqual(14);
  });

  const cases: [string, (root: string) => void | Promise<void>, string[], string][] = [
    [
      'root login allowed',
      (r) => edit(join(r, 'etc/ssh/sshd_config.d/10-debvisor.conf'), 'PermitRootLogin no', 'PermitRootLogin yes'),
      ['ssh.root-login'],
      'F',
    ],
    [
      'password login allowed',
      (r) => edit(join(r, 'etc/ssh/sshd_config.d/10-debvisor.conf'), 'PasswordAuthentication no', 'PasswordAuthentication yes'),
      ['ssh.password'],
      'F',
    ],
    [
      'a CBC cipher and SHA-1 MAC',
      (r) => {
        edit(join(r, 'etc/ssh/sshd_config.d/10-debvisor.conf'), /^Ciphers .*$/m, 'Ciphers aes256-gcm@openssh.com,aes128-cbc');
        edit(join(r, 'etc/ssh/sshd_config.d/10-debvisor.conf'), /^MACs .*$/m, 'MACs hmac-sha2-256-etm@openssh.com,hmac-sha1');
      },
      ['ssh.algorithms'],
      'D',
    ],
    [
      'key only, no TOTP',
      (r) =>
        edit(join(r, 'etc/ssh/sshd_config.d/10-debvisor.conf'), 'AuthenticationMethods publickey,keyboard-interactive:pam', 'AuthenticationMethods publickey'),
      ['ssh.mfa'],
      'D',
    ],
    ['root has a password', (r) => edit(join(r, 'etc/shadow'), /^root:!:/m, 'root:$6$x$y:'), ['accounts.root-locked'], 'D'],
    [
      'PAM asks for the password',
      (r) => edit(join(r, 'etc/pam.d/sshd'), /^auth required pam_google_authenticator.*$/m, '@include common-auth'),
      ['mfa.pam'],
      'D',
    ],
    ['TOTP secret readable by others', (r) => chmodSync(join(r, 'var/lib/debvisor/mfa/alice'), 0o644), ['mfa.secrets'], 'D'],
    [
      'firewall policy accept',
      (r) => edit(join(r, RULESET_FILE), 'hook input priority filter; policy drop;', 'hook input priority filter; policy accept;'),
      ['firewall.loaded'],
      'F',
    ],
    [
      'TLS 1.0 and a CBC suite on the panel',
      (r) => {
        edit(join(r, 'etc/nginx/sites-enabled/debvisor-panel'), 'ssl_protocols TLSv1.2 TLSv1.3;', 'ssl_protocols TLSv1 TLSv1.2 TLSv1.3;');
        edit(join(r, 'etc/nginx/sites-enabled/debvisor-panel'), 'ssl_ciphers ', 'ssl_ciphers ECDHE-RSA-AES128-SHA:');
      },
      ['panel.tls'],
      'D',
    ],
    ['short HSTS', (r) => edit(join(r, 'etc/nginx/sites-enabled/debvisor-panel'), /max-age=63072000/g, 'max-age=3600'), ['panel.hsts'], 'C'],
    // Issue 9 point 18: a location with its own add_header does not inherit the server's HSTS.
    [
      'HSTS only on the status page',
      (r) => edit(join(r, 'etc/nginx/sites-enabled/debvisor-panel'), /^\tadd_header Strict-Transport-Security.*\n/m, ''),
      ['panel.hsts'],
      'C',
    ],
    [
      'HSTS everywhere but the status page',
      (r) => edit(join(r, 'etc/nginx/sites-enabled/debvisor-panel'), /^\t\tadd_header Strict-Transport-Security.*\n/m, ''),
      ['panel.hsts'],
      'C',
    ],
    [
      'an ECDSA host key',
      async (r) => {
        await execa('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-f', join(r, 'etc/ssh/ssh_host_ecdsa_key')]);
      },
      ['ssh.host-keys'],
      'C',
    ],
    [
      'a certificate that expires in two days',
      async (r) => {
        await execa('openssl', [
          'req',
          '-new',
          '-x509',
          '-key',
          join(r, 'etc/debvisor/tls/panel.key'),
          '-out',
          join(r, 'etc/debvisor/tls/panel.crt'),
          '-days',
          '2',
          '-subj',
          '/CN=node.lab.example.com',
        ]);
      },
      ['panel.certificate-expiry'],
      'B',
    ],
  ];
  for (const [name, change, ids, want] of cases) {
    it(`${name}: fails ${ids.join(', ')}, grade ${want}`, async () => {
      const r = await audit(await weakened(name.replace(/\W+/g, '-'), change));
      expect(failed(r)).toEqual(ids);
      expect(r.grade).toBe(want);
      expect(r.exitCode).toBe(1);
    });
  }

  it('prints a line per check with its reason', async () => {
    const r = await dv(['audit', '--root', good]);
    expect(String(r.stdout)).toMatch(/^PASS critical ssh\.root-login +root cannot log in over SSH: PermitRootLogin is no$/m);
    expect(String(r.stdout)).toMatch(/^grade: A$/m);
  });
});

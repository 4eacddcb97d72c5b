import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../core/run.js';
import { ADMIN_GROUP, MFA_DIR, PAM_SSHD } from '../ssh/sshd.js';
import { PANEL_CERT, PANEL_KEY, PANEL_SITE, HSTS_MAX_AGE } from '../panel/nginx.js';
import { MIN_RSA_BITS } from '../../core/ssh-key.js';
import { RULESET_FILE, TABLE } from '../firewall/compile.js';
import { findOpenAccepts } from '../firewall/open-accepts.js';
import type { CheckResult, Severity } from './grade.js';
import { hstsContexts } from './hsts.js';

export interface AuditContext {
  root: string;
  /** Auditing the running system: ask the kernel and daemons, not only the files. */
  live: boolean;
}

/** Algorithm names that must not appear in sshd's effective lists. */
const WEAK_SSH =
  /(^|,)(ssh-rsa|ssh-dss|[^,]*-sha1[^,]*|[^,]*cbc[^,]*|3des[^,]*|arcfour[^,]*|hmac-md5[^,]*|umac-64[^,]*|diffie-hellman-group1-[^,]*|diffie-hellman-group14-sha1)(,|$)/;
const CERT_WARN_DAYS = 14;

type Check = (ctx: AuditContext, state: State) => Promise<CheckResult[]>;

interface State {
  sshd?: Record<string, string>;
  sshdError?: string;
}

const result = (id: string, title: string, severity: Severity, passed: boolean, reason: string): CheckResult => ({ id, title, severity, passed, reason });
const read = (ctx: AuditContext, path: string): string | undefined => {
  const f = join(ctx.root, path);
  return existsSync(f) ? readFileSync(f, 'utf8') : undefined;
};
const mode = (ctx: AuditContext, path: string) => statSync(join(ctx.root, path));
/** Members of the admin group in the root's /etc/group. */
const adminMembers = (ctx: AuditContext): string[] =>
  (new RegExp(`^${ADMIN_GROUP}:[^:]*:[^:]*:(.*)$`, 'm').exec(read(ctx, 'etc/group') ?? '')?.[1] ?? '').split(',').filter(Boolean);

/** sshd -T with the root's /etc/ssh; for another root, in a private mount namespace so nothing here changes. */
async function sshdEffective(ctx: AuditContext): Promise<Record<string, string>> {
  const spec = 'user=debvisor-audit,host=audit,addr=127.0.0.1';
  const r = ctx.live
    ? await run(['sshd', '-T', '-C', spec], { allowFailure: true })
    : await run(
        [
          'unshare',
          '-m',
          'sh',
          '-c',
          'mount --bind "$1/etc/ssh" /etc/ssh && mount -t tmpfs tmpfs /run && mkdir /run/sshd && exec sshd -T -C "$2"',
          'audit',
          ctx.root,
          spec,
        ],
        { allowFailure: true },
      );
  if (r.exitCode !== 0) throw new Error(r.stderr.trim().split('\n').pop() ?? `sshd -T exited with ${r.exitCode}`);
  return Object.fromEntries(
    r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.split(' ')[0]!, l.slice(l.indexOf(' ') + 1)]),
  );
}

const sshChecks: Check = async (ctx, state) => {
  try {
    state.sshd = await sshdEffective(ctx);
  } catch (err) {
    state.sshdError = (err as Error).message;
  }
  const v = state.sshd;
  const id = (name: string) => `ssh.${name}`;
  if (!v) return [result(id('config'), 'sshd configuration loads', 'critical', false, `sshd -T failed: ${state.sshdError}`)];
  const algos = ['kexalgorithms', 'ciphers', 'macs', 'hostkeyalgorithms'].map((k) => [k, v[k] ?? ''] as const);
  const weak = algos
    .filter(([, list]) => WEAK_SSH.test(list))
    .map(
      ([k, list]) =>
        `${k}: ${list
          .split(',')
          .filter((a) => WEAK_SSH.test(a))
          .join(',')}`,
    );
  return [
    result(id('root-login'), 'root cannot log in over SSH', 'critical', v.permitrootlogin === 'no', `PermitRootLogin is ${v.permitrootlogin}`),
    result(
      id('password'),
      'no password-only SSH login',
      'critical',
      v.passwordauthentication === 'no' && v.permitemptypasswords === 'no',
      `PasswordAuthentication ${v.passwordauthentication}, PermitEmptyPasswords ${v.permitemptypasswords}`,
    ),
    result(
      id('mfa'),
      'SSH needs a key and a TOTP code',
      'high',
      /(^|\s)publickey,keyboard-interactive(:pam)?(\s|$)/.test(v.authenticationmethods ?? '') && v.usepam === 'yes',
      `AuthenticationMethods ${v.authenticationmethods}, UsePAM ${v.usepam}`,
    ),
    result(
      id('allow-groups'),
      'only the admin group may log in',
      'medium',
      (v.allowgroups ?? '').split(' ').includes(ADMIN_GROUP),
      `AllowGroups ${v.allowgroups ?? '(not set)'}`,
    ),
    result(
      id('auth-tries'),
      'few authentication tries and a short grace time',
      'low',
      Number(v.maxauthtries) <= 4 && Number(v.logingracetime) <= 60,
      `MaxAuthTries ${v.maxauthtries}, LoginGraceTime ${v.logingracetime}`,
    ),
    result(
      id('algorithms'),
      'no weak SSH algorithms',
      'high',
      weak.length === 0,
      weak.length ? `weak: ${weak.join('; ')}` : 'key exchange, ciphers, MACs and host key algorithms are all strong',
    ),
  ];
};

const hostKeyChecks: Check = async (ctx) => {
  const dir = join(ctx.root, 'etc/ssh');
  const keys = existsSync(dir) ? readdirSync(dir).filter((f) => /^ssh_host_.*_key$/.test(f)) : [];
  const problems: string[] = [];
  for (const k of keys) {
    if (/_(dsa|ecdsa)_key$/.test(k)) problems.push(`${k} is a weak kind`);
    if ((mode(ctx, `etc/ssh/${k}`).mode & 0o077) !== 0) problems.push(`${k} is readable by others`);
    if (k.includes('_rsa_')) {
      const bits = Number((await run(['ssh-keygen', '-l', '-f', join(dir, `${k}.pub`)], { allowFailure: true })).stdout.split(' ')[0]);
      if (!(bits >= MIN_RSA_BITS)) problems.push(`${k} has ${bits} bits`);
    }
  }
  if (!keys.some((k) => k.includes('ed25519'))) problems.push('no ed25519 host key');
  return [result('ssh.host-keys', 'strong host keys only, private keys root-only', 'medium', problems.length === 0, problems.join('; ') || keys.join(', '))];
};

const accountChecks: Check = async (ctx) => {
  const shadow = read(ctx, 'etc/shadow') ?? '';
  const rootHash = /^root:([^:]*):/m.exec(shadow)?.[1];
  const admins = adminMembers(ctx);
  const sudoers = join(ctx.root, 'etc/sudoers.d/debvisor');
  const visudo = existsSync(sudoers) ? await run(['visudo', '-c', '-q', '-f', sudoers], { allowFailure: true }) : undefined;
  return [
    result(
      'accounts.root-locked',
      'root has no usable password',
      'high',
      rootHash !== undefined && /^[!*]/.test(rootHash),
      rootHash === undefined ? 'no root entry in /etc/shadow' : /^[!*]/.test(rootHash) ? 'locked' : 'root has a password',
    ),
    result(
      'accounts.admin',
      'a named admin with sudo exists',
      'medium',
      admins.length > 0 && visudo?.exitCode === 0,
      admins.length === 0
        ? `group ${ADMIN_GROUP} has no members`
        : visudo === undefined
          ? 'no sudoers drop-in'
          : visudo.exitCode === 0
            ? `admins: ${admins.join(', ')}`
            : `visudo -c failed: ${visudo.stderr.trim()}`,
    ),
  ];
};

const mfaChecks: Check = async (ctx) => {
  const pam = read(ctx, PAM_SSHD) ?? '';
  const auth = pam.split('\n').filter((l) => /^\s*(auth\b|@include\s+common-auth)/.test(l));
  const pamOk = auth.some((l) => l.includes('pam_google_authenticator.so')) && !auth.some((l) => l.includes('common-auth'));
  const admins = adminMembers(ctx);
  const problems: string[] = [];
  for (const a of admins) {
    const f = join(MFA_DIR, a);
    if (!existsSync(join(ctx.root, f))) problems.push(`${a} is not enrolled`);
    else {
      const st = mode(ctx, f);
      if ((st.mode & 0o077) !== 0 || st.uid !== 0) problems.push(`${f} is not root-only`);
    }
  }
  return [
    result(
      'mfa.pam',
      'the SSH PAM stack asks for the TOTP code, not the password',
      'high',
      pamOk,
      pamOk ? 'pam_google_authenticator, no common-auth' : `auth lines: ${auth.join(' | ') || '(none)'}`,
    ),
    result(
      'mfa.secrets',
      'every admin has a root-only TOTP secret',
      'high',
      admins.length > 0 && problems.length === 0,
      problems.join('; ') || `enrolled: ${admins.join(', ')}`,
    ),
  ];
};

const firewallChecks: Check = async (ctx) => {
  if (ctx.live) {
    const r = await run(['nft', '-j', 'list', 'table', 'inet', TABLE], { allowFailure: true });
    if (r.exitCode !== 0)
      return [result('firewall.loaded', 'the firewall is loaded with a drop policy', 'critical', false, 'table inet debvisor is not loaded')];
    const doc = JSON.parse(r.stdout) as { nftables: { chain?: { hook?: string; policy?: string } }[] };
    const policy = doc.nftables.find((x) => x.chain?.hook === 'input')?.chain?.policy;
    return [result('firewall.loaded', 'the firewall is loaded with a drop policy', 'critical', policy === 'drop', `input policy ${policy}`)];
  }
  const text = read(ctx, RULESET_FILE);
  if (!text) return [result('firewall.loaded', 'the firewall ruleset is installed with a drop policy', 'critical', false, `${RULESET_FILE} is missing`)];
  const input = /chain input \{[^}]*policy (\w+);/.exec(text)?.[1];
  const check = await run(['unshare', '-n', 'nft', '-c', '-f', join(ctx.root, RULESET_FILE)], { allowFailure: true });
  const boot = (read(ctx, '/etc/nftables.conf') ?? '').includes(RULESET_FILE);
  return [
    result(
      'firewall.loaded',
      'the firewall ruleset is installed with a drop policy',
      'critical',
      input === 'drop' && check.exitCode === 0,
      check.exitCode !== 0 ? `nft -c failed: ${check.stderr.trim().split('\n')[0]}` : `input policy ${input}`,
    ),
    result(
      'firewall.boot',
      'the ruleset is loaded at boot',
      'medium',
      boot,
      boot ? '/etc/nftables.conf includes it' : '/etc/nftables.conf does not include it',
    ),
  ];
};

/** An inbound accept with no address, interface or port match opens every port, lockdown or not. */
export const firewallOpenAcceptChecks = async (ctx: AuditContext): Promise<CheckResult[]> => {
  const text = ctx.live
    ? await run(['nft', 'list', 'table', 'inet', TABLE], { allowFailure: true }).then((r) => (r.exitCode === 0 ? r.stdout : undefined))
    : read(ctx, RULESET_FILE);
  if (text === undefined) return []; // firewall.loaded already fails
  const open = findOpenAccepts(text);
  return [
    result(
      'firewall.open-accept',
      'no inbound rule accepts every port from everywhere',
      'critical',
      open.length === 0,
      open.length ? open.map((o) => `${o.chain}: ${o.rule}`).join('; ') : 'every inbound accept names a port, source or interface',
    ),
  ];
};

const panelChecks: Check = async (ctx) => {
  const site = read(ctx, PANEL_SITE);
  if (!site) return [result('panel.tls', 'the panel is served over strong TLS only', 'high', false, `${PANEL_SITE} is missing`)];
  const protocols = /ssl_protocols ([^;]+);/.exec(site)?.[1]?.trim();
  const ciphers = (/ssl_ciphers ([^;]+);/.exec(site)?.[1] ?? '').split(':').filter(Boolean);
  const weakCiphers = ciphers.filter((c) => !/GCM|CHACHA20/.test(c) || !c.startsWith('ECDHE'));
  // Every location of the HTTPS server: one with its own add_header does not inherit the server's HSTS.
  const hsts = hstsContexts(site);
  const shortHsts = hsts.filter((c) => (c.maxAge ?? 0) < HSTS_MAX_AGE);
  const hstsReason =
    hsts.length === 0
      ? 'no HTTPS server block'
      : shortHsts.length
        ? shortHsts.map((c) => `${c.where}: ${c.maxAge === undefined ? 'no HSTS header' : `max-age ${c.maxAge}`}`).join('; ')
        : `max-age ${HSTS_MAX_AGE} in every location`;
  const http = /location \/ \{\s*return 301 https:/.test(site);
  const out = [
    result(
      'panel.tls',
      'the panel is served over TLS 1.2/1.3 with AEAD suites only',
      'high',
      protocols === 'TLSv1.2 TLSv1.3' && ciphers.length > 0 && weakCiphers.length === 0,
      `protocols ${protocols}; ${weakCiphers.length ? `weak suites: ${weakCiphers.join(',')}` : 'all suites AEAD with forward secrecy'}`,
    ),
    result('panel.hsts', 'HSTS for at least two years', 'medium', hsts.length > 0 && shortHsts.length === 0, hstsReason),
    result('panel.http', 'plain HTTP only redirects', 'medium', http, http ? 'port 80 redirects to HTTPS' : 'port 80 serves something other than a redirect'),
  ];
  const cert = join(ctx.root, PANEL_CERT);
  if (!existsSync(cert)) return [...out, result('panel.certificate', 'the panel certificate is valid', 'high', false, `${PANEL_CERT} is missing`)];
  const valid = await run(['openssl', 'x509', '-in', cert, '-noout', '-checkend', '0'], { allowFailure: true });
  const soon = await run(['openssl', 'x509', '-in', cert, '-noout', '-checkend', String(CERT_WARN_DAYS * 86400)], { allowFailure: true });
  const end = (await run(['openssl', 'x509', '-in', cert, '-noout', '-enddate'], { allowFailure: true })).stdout.trim().replace('notAfter=', '');
  const keyOk = existsSync(join(ctx.root, PANEL_KEY)) && (mode(ctx, PANEL_KEY).mode & 0o077) === 0;
  return [
    ...out,
    result(
      'panel.certificate',
      'the panel certificate is valid',
      'high',
      valid.exitCode === 0,
      valid.exitCode === 0 ? `valid until ${end}` : `expired on ${end}`,
    ),
    result('panel.certificate-expiry', `the certificate has more than ${CERT_WARN_DAYS} days left`, 'low', soon.exitCode === 0, `valid until ${end}`),
    result('panel.key', 'the private key is root-only', 'high', keyOk, keyOk ? 'mode 0600' : `${PANEL_KEY} is missing or readable by others`),
  ];
};

/** Every check, in report order. */
export const CHECKS: Check[] = [sshChecks, hostKeyChecks, accountChecks, mfaChecks, firewallChecks, firewallOpenAcceptChecks, panelChecks];

export async function runAudit(ctx: AuditContext): Promise<CheckResult[]> {
  const state: State = {};
  const out: CheckResult[] = [];
  for (const c of CHECKS) out.push(...(await c(ctx, state)));
  return out;
}

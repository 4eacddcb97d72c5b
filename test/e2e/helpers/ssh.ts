import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/**
 * SSH to a test node with the host's OpenSSH client: the node's hardened sshd offers post-quantum
 * key exchange only (sntrup761/ML-KEM), which OpenSSH has and JavaScript clients lack. The TOTP
 * code and password answer keyboard-interactive and password prompts through SSH_ASKPASS (forced,
 * no terminal needed); one login opens a control master that later commands reuse, so one TOTP
 * code serves a whole session (pam_google_authenticator refuses a code used twice).
 */
export interface Login {
  host: string;
  port: number;
  user: string;
  /** Private key file. */
  key?: string;
  password?: string;
  /** The answer to the verification-code prompt (the TOTP code). */
  code?: string;
}

export interface Session {
  /** The host key the server showed: the base64 blob, as in the second field of a .pub file. */
  hostKey: string;
  /** Runs a command through the session; stdin gets `input` then EOF. Bounded by timeoutMs. */
  exec(command: string, input?: string, timeoutMs?: number): Promise<{ code: number | null; stdout: string; stderr: string }>;
  end(): Promise<void>;
}

/** The sessions not ended yet: a failed test leaves them to endAllSessions(). */
const open = new Set<() => Promise<void>>();

/** Ends every session still open (its control master and temporary directory): for a test's afterAll. */
export async function endAllSessions(): Promise<void> {
  for (const end of [...open]) await end();
}

/** Bound on the connection and login. */
const LOGIN_MS = 60_000;

const ASKPASS = [
  '#!/bin/sh',
  '# $1 is the prompt: the verification code for the TOTP prompt, else the password.',
  'case "$1" in',
  '  *erification*) printf "%s\\n" "$DV_SSH_CODE" ;;',
  '  *) printf "%s\\n" "$DV_SSH_PASSWORD" ;;',
  'esac',
  '',
].join('\n');

/** Logs in with the methods given (key, password, keyboard-interactive, in that order); rejects with ssh's own words on refusal. */
export async function sshLogin(o: Login): Promise<Session> {
  const dir = mkdtempSync(join(tmpdir(), 'dv-ssh-'));
  const askpass = join(dir, 'askpass');
  writeFileSync(askpass, ASKPASS);
  chmodSync(askpass, 0o700);
  const control = join(dir, 'cm');
  const methods = [
    ...(o.key ? ['publickey'] : []),
    ...(o.password !== undefined ? ['password'] : []),
    ...(o.code !== undefined ? ['keyboard-interactive'] : []),
  ];
  const common = [
    '-p',
    String(o.port),
    '-o',
    `ControlPath=${control}`,
    '-o',
    `UserKnownHostsFile=${join(dir, 'known_hosts')}`,
    '-o',
    'StrictHostKeyChecking=accept-new',
    '-o',
    'HostKeyAlgorithms=ssh-ed25519',
    '-o',
    'LogLevel=ERROR',
  ];
  const env = {
    SSH_ASKPASS: askpass,
    SSH_ASKPASS_REQUIRE: 'force',
    DISPLAY: 'none',
    DV_SSH_CODE: o.code ?? '',
    DV_SSH_PASSWORD: o.password ?? '',
  };
  // -f leaves a master behind that holds whatever it inherits: its messages go to a file (-E), not a pipe.
  const log = join(dir, 'master.log');
  const master = await execa(
    'ssh',
    [
      ...common,
      '-E',
      log,
      '-M',
      '-N',
      '-f',
      '-o',
      'ControlPersist=900',
      '-o',
      'ConnectTimeout=20',
      '-o',
      `PreferredAuthentications=${methods.join(',')}`,
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'NumberOfPasswordPrompts=1',
      ...(o.key ? ['-i', o.key] : ['-o', 'IdentityFile=none']),
      `${o.user}@${o.host}`,
    ],
    { env, stdin: 'ignore', stdout: 'ignore', stderr: 'ignore', reject: false, timeout: LOGIN_MS },
  );
  const said = () => {
    try {
      return readFileSync(log, 'utf8').trim();
    } catch {
      return '';
    }
  };
  const end = async () => {
    open.delete(end);
    await execa('ssh', [...common, '-O', 'exit', `${o.user}@${o.host}`], { reject: false, stdin: 'ignore', timeout: 10_000 });
    rmSync(dir, { recursive: true, force: true });
  };
  open.add(end);
  if (master.exitCode !== 0) {
    const why = said() || `exit ${master.exitCode}${master.timedOut ? ' (timed out)' : ''}`;
    await end();
    throw new Error(`ssh ${o.user}@${o.host}:${o.port} (${methods.join(',')}) failed: ${why}`);
  }
  const hostKey = readFileSync(join(dir, 'known_hosts'), 'utf8').split('\n')[0]?.split(' ')[2] ?? '';
  return {
    hostKey,
    end,
    exec: async (command, input, timeoutMs = 180_000) => {
      const r = await execa('ssh', [...common, '-o', 'ControlMaster=no', `${o.user}@${o.host}`, command], {
        input: input ?? '',
        reject: false,
        timeout: timeoutMs,
      });
      if (r.timedOut) throw new Error(`ssh: ${command} took more than ${timeoutMs} ms`);
      return { code: r.exitCode ?? null, stdout: r.stdout, stderr: r.stderr };
    },
  };
}

/** Whether a login with these methods gets in (the session is closed at once). */
export async function canLogin(o: Login): Promise<{ ok: boolean; error?: string }> {
  try {
    await (await sshLogin(o)).end();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** The SSH server's identification line, or undefined when none comes within timeoutMs (a dropped connection). */
export function sshBanner(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = new Socket();
    let got = '';
    const done = (v: string | undefined) => {
      clearTimeout(timer);
      s.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    s.on('data', (d) => {
      got += d.toString('latin1');
      if (got.includes('\n')) done(got.split('\n')[0]!.trim());
    });
    s.on('error', () => done(undefined));
    s.on('close', () => done(got.startsWith('SSH-') ? got.trim() : undefined));
    s.connect(port, host);
  });
}

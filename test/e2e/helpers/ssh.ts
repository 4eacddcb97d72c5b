import { Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { Client, type AnyAuthMethod } from 'ssh2';

export interface Login {
  host: string;
  port: number;
  user: string;
  /** Private key file. */
  key?: string;
  password?: string;
  /** The answer to every keyboard-interactive prompt (the TOTP code). */
  code?: string;
}

export interface Session {
  /** The host key the server showed: the base64 blob, as in the second field of a .pub file. */
  hostKey: string;
  /** Runs a command (no pty); stdin gets `input` then EOF. Bounded by timeoutMs. */
  exec(command: string, input?: string, timeoutMs?: number): Promise<{ code: number | null; stdout: string; stderr: string }>;
  end(): void;
}

/** Bound on the SSH handshake and login. */
const READY_MS = 20_000;

/** Logs in with the methods given, in order: key, password, keyboard-interactive; rejects on refusal. */
export function sshLogin(o: Login): Promise<Session> {
  const conn = new Client();
  const methods: AnyAuthMethod[] = [];
  if (o.key) methods.push({ type: 'publickey', username: o.user, key: readFileSync(o.key) });
  if (o.password !== undefined) methods.push({ type: 'password', username: o.user, password: o.password });
  if (o.code !== undefined)
    methods.push({
      type: 'keyboard-interactive',
      username: o.user,
      prompt: (_n: string, _i: string, _l: string, prompts: unknown[], finish: (answers: string[]) => void) => finish(prompts.map(() => o.code!)),
    });
  let hostKey = '';
  return new Promise((resolve, reject) => {
    conn.on('ready', () =>
      resolve({
        hostKey,
        end: () => conn.end(),
        exec: (command, input, timeoutMs = 180_000) =>
          new Promise((res, rej) => {
            const timer = setTimeout(() => rej(new Error(`ssh: ${command} took more than ${timeoutMs} ms`)), timeoutMs);
            conn.exec(command, (err, stream) => {
              if (err) {
                clearTimeout(timer);
                return rej(err);
              }
              let stdout = '';
              let stderr = '';
              let code: number | null = null;
              stream.on('data', (d: Buffer) => (stdout += d.toString()));
              stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
              stream.on('exit', (c: number | null) => (code = c));
              stream.on('close', () => {
                clearTimeout(timer);
                res({ code, stdout, stderr });
              });
              stream.end(input ?? '');
            });
          }),
      }),
    );
    conn.on('error', (e) => reject(e));
    conn.connect({
      host: o.host,
      port: o.port,
      username: o.user,
      readyTimeout: READY_MS,
      hostVerifier: (key: Buffer) => {
        hostKey = key.toString('base64');
        return true;
      },
      authHandler: (_left, _partial, next) => {
        const m = methods.shift();
        if (!m) return next(false as unknown as AnyAuthMethod);
        next(m);
      },
    });
  });
}

/** Whether a login with these methods gets in (the session is closed at once). */
export async function canLogin(o: Login): Promise<{ ok: boolean; error?: string }> {
  try {
    (await sshLogin(o)).end();
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

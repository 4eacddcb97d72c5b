import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, rmSync, cpSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateProfile } from '../../profiles/validate.js';
import { renderFiles } from '../../overlays/render.js';
import { RULESET_FILE } from '../../overlays/firewall/compile.js';
import { writeFileSet, underRoot } from '../../core/fileset.js';

const PROFILE = fileURLToPath(new URL('../fixtures/profiles/lab-node.yaml', import.meta.url));
const NS = `dvf2b${process.pid % 100000}`;
/** Upper bound for fail2ban to read the logs and ban. */
const BAN_WAIT_MS = 30_000;

let dir: string;
let server: ResultPromise | undefined;

function syslogTime(d = new Date()): string {
  const mon = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

async function nsNft(args: string[]): Promise<string> {
  return String((await execa('ip', ['netns', 'exec', NS, 'nft', ...args])).stdout);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-f2b-'));
  await execa('ip', ['netns', 'add', NS]);
});

afterAll(async () => {
  if (server?.pid) {
    try {
      process.kill(server.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
    const timer = setTimeout(() => server?.pid && process.kill(server.pid, 'SIGKILL'), 5000);
    await server.catch(() => undefined);
    clearTimeout(timer);
  }
  await execa('ip', ['netns', 'del', NS], { reject: false });
  rmSync(dir, { recursive: true, force: true });
});

describe('fail2ban feeds the firewall blocklist', () => {
  it('a real fail2ban run over logs with failed logins puts the offenders into the nftables set, with the ban time as timeout', async () => {
    const r = validateProfile(PROFILE);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const root = join(dir, 'root');
    mkdirSync(root);
    await writeFileSet(root, renderFiles(r.profile));
    await execa('ip', ['netns', 'exec', NS, 'nft', '-f', underRoot(root, RULESET_FILE)]);

    // Logs as sshd and the panel write them; the journal is not available here, so this test
    // points the rendered jails at files (polling backend); filters, action and ban times are the rendered ones.
    const logs = join(dir, 'log');
    mkdirSync(logs);
    const now = syslogTime();
    const ssh = Array.from(
      { length: 6 },
      (_, i) => `${now} node sshd[${4000 + i}]: Failed password for invalid user admin from 10.77.0.4 port ${50000 + i} ssh2`,
    );
    const panel = Array.from(
      { length: 6 },
      (_, i) => `${now} node debvisor-panel[${900 + i}]: authentication failure; rhost=fd77::4 user=root msg=bad password`,
    );
    writeFileSync(join(logs, 'auth.log'), `${ssh.join('\n')}\n`);
    writeFileSync(join(logs, 'panel.log'), `${panel.join('\n')}\n`);

    const conf = join(dir, 'f2b');
    cpSync('/etc/fail2ban', conf, { recursive: true });
    cpSync(join(root, 'etc/fail2ban'), conf, { recursive: true });
    writeFileSync(
      join(conf, 'jail.d', 'zz-test.local'),
      [
        '[sshd]',
        'backend = polling',
        `logpath = ${join(logs, 'auth.log')}`,
        '',
        '[debvisor-panel]',
        'backend = polling',
        `logpath = ${join(logs, 'panel.log')}`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(conf, 'fail2ban.local'),
      [
        '[Definition]',
        `socket = ${join(dir, 'f2b.sock')}`,
        `pidfile = ${join(dir, 'f2b.pid')}`,
        `dbfile = ${join(dir, 'f2b.sqlite3')}`,
        `logtarget = ${join(dir, 'f2b.log')}`,
        '',
      ].join('\n'),
    );

    server = execa('ip', ['netns', 'exec', NS, 'fail2ban-server', '-c', conf, '-f', '-x', 'start'], { stdin: 'ignore', reject: false });
    const deadline = Date.now() + BAN_WAIT_MS;
    let v4 = '';
    let v6 = '';
    while (Date.now() < deadline) {
      v4 = await nsNft(['list', 'set', 'inet', 'debvisor', 'blocklist_v4']);
      v6 = await nsNft(['list', 'set', 'inet', 'debvisor', 'blocklist_v6']);
      if (v4.includes('10.77.0.4') && v6.includes('fd77::4')) break;
      await new Promise((res) => setTimeout(res, 500));
    }
    expect(v4, 'sshd jail ban (IPv4)').toMatch(/10\.77\.0\.4 timeout 1h/);
    expect(v6, 'panel jail ban (IPv6)').toMatch(/fd77::4 timeout 1h/);
  });
});

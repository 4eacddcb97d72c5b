import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execa, type ResultPromise } from 'execa';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, stringify } from 'yaml';
import { createLab, type Lab } from './helpers/netns-lab.js';
import { killInNamespace } from './helpers/netns-pids.js';
import { applyDefaults } from '../../profiles/validate.js';
import { firewallFileFrom } from '../../profiles/firewall/node-file.js';
import { compileRuleset } from '../../overlays/firewall/compile.js';
import { parseFirewallFile, withLockdown } from '../../overlays/firewall/model-file.js';

/**
 * Three DebVisor nodes in network namespaces (a private /run each, node roots as directories),
 * with real corosync, openssl, OpenSSH and nftables: node1 founds the cluster, node2 joins with
 * the CLI and node3 through the first-boot step; n4 is a machine that is not a member.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(repo, 'bin/debvisor.js');
const STEP = fileURLToPath(new URL('./helpers/cluster-step.ts', import.meta.url));
const POST = fileURLToPath(new URL('./helpers/cluster-post.mjs', import.meta.url));
/** Bounds on every wait. */
const QUORUM_WAIT_MS = 30_000;
const SERVE_WAIT_MS = 20_000;
const KILL_WAIT_MS = 60_000;
/** Bytes from the member on one connection after which node3 drops the rest: above the TLS handshake, below the join reply. */
const REPLY_CUT_BYTES = 3000;

let lab: Lab;
let dir: string;
const roots: Record<string, string> = {};
const servers: Record<string, ResultPromise> = {};
let pin = '';
let node2Token = '';
const addr = (n: string) => lab.hosts[n]!.v4;
const NODES = ['n1', 'n2', 'n3'];

const dv = (host: string, args: string[], input?: string) =>
  lab.exec(host, [process.execPath, BIN, ...args], { reject: false, ...(input === undefined ? {} : { input }) });
const idArgs = (n: string) => ['--node-name', `node${n.slice(1)}`, '--fqdn', `node${n.slice(1)}.lab.test`, '--address', addr(n), '--root', roots[n]!];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(200);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

async function votes(n: string): Promise<{ quorate: boolean; total: number }> {
  const r = await lab.exec(n, ['corosync-quorumtool', '-s'], { reject: false });
  return { quorate: r.exitCode === 0, total: Number(/^Total votes:\s+(\d+)/m.exec(r.stdout)?.[1] ?? 0) };
}

async function serve(n: string): Promise<void> {
  servers[n] = execa('ip', ['netns', 'exec', lab.hosts[n]!.ns, process.execPath, BIN, 'cluster', 'serve', '--root', roots[n]!], {
    stdin: 'ignore',
    reject: false,
    all: true,
  });
  await waitFor(
    `the join API on ${n}`,
    SERVE_WAIT_MS,
    async () => (await lab.exec(n, ['bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/8443'], { reject: false })).exitCode === 0,
  );
}

/** Reloads a node's firewall from its persisted model (cluster set included), with lockdown on or off. */
async function loadFirewall(n: string, lockdown: boolean): Promise<void> {
  const doc = parseDocument(readFileSync(join(roots[n]!, 'etc/debvisor/firewall.yaml'), 'utf8'));
  // Lockdown needs someone in the management set: an admin network that is none of the lab's hosts.
  if (lockdown) doc.setIn(['firewall', 'ipsets', 'management'], ['192.0.2.10']);
  const text = withLockdown(doc.toString(), lockdown);
  const m = parseFirewallFile('firewall.yaml', text);
  if (!m.ok) throw new Error(JSON.stringify(m.issues));
  const file = join(dir, `ruleset-${n}-${lockdown}.nft`);
  writeFileSync(file, compileRuleset(m.model));
  await lab.exec(n, ['nft', '-f', file]);
}

async function token(args: string[] = []): Promise<{ token: string; caPin: string; id: string }> {
  const r = await dv('n1', ['cluster', 'token', 'create', '--json', '--root', roots.n1!, ...args]);
  if (r.exitCode !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { token: string; caPin: string; id: string };
}

async function cliJoin(n: string, tok: string, caPin = pin) {
  const file = join(dir, `token-${n}-${Date.now()}`);
  writeFileSync(file, tok, { mode: 0o600 });
  return dv(n, ['cluster', 'join', '--endpoint', `https://${addr('n1')}:8443`, '--ca-pin', caPin, '--token-file', file, ...idArgs(n)]);
}

function joinLog(): { source: string; name?: string; result: string }[] {
  const f = join(roots.n1!, 'var/log/debvisor/cluster-join.log');
  return existsSync(f)
    ? readFileSync(f, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { source: string; name?: string; result: string })
    : [];
}

function stepProfile(tok: string): string {
  const p = applyDefaults({
    version: 1,
    users: { admin: { name: 'ops' } },
    node: { hostname: 'node3', domain: 'lab.test' },
    network: { ipv4: { method: 'static', address: `${addr('n3')}/24` } },
    cluster: { role: 'join', join: { endpoint: `https://${addr('n1')}:8443`, token: tok, caPin: pin } },
  });
  const file = join(dir, 'node3-profile.json');
  writeFileSync(file, JSON.stringify(p), { mode: 0o600 });
  return file;
}

const runStep = (profileFile: string, n = 'n3') =>
  execa('ip', ['netns', 'exec', lab.hosts[n]!.ns, process.execPath, '--import', 'tsx', STEP, profileFile, roots[n]!, join(dir, `${n}-step.json`)], {
    cwd: repo,
    stdin: 'ignore',
    reject: false,
  });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-cluster-'));
  lab = await createLab(['n1', 'n2', 'n3', 'n4']);
  for (const n of NODES) {
    roots[n] = join(dir, n);
    mkdirSync(join(roots[n]!, 'etc/debvisor/firewall'), { recursive: true });
    const p = applyDefaults({ version: 1, users: { admin: { name: 'ops' } }, cluster: n === 'n1' ? { role: 'init', name: 'lab' } : { role: 'join' } });
    const model = firewallFileFrom(p);
    writeFileSync(join(roots[n]!, 'etc/debvisor/firewall.yaml'), stringify(model));
    const ruleset = join(roots[n]!, 'etc/debvisor/firewall/ruleset.nft');
    writeFileSync(ruleset, compileRuleset(model));
    await lab.exec(n, ['nft', '-f', ruleset]);
  }
}, 120_000);

afterAll(async () => {
  try {
    if (!lab) return;
    for (const h of Object.values(lab.hosts)) await killInNamespace(h.ns);
    for (const s of Object.values(servers)) await s.catch(() => undefined);
    // corosync stops on SIGTERM within about 2 s; wait for the namespaces to empty before deleting them.
    for (const h of Object.values(lab.hosts)) {
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && String((await execa('ip', ['netns', 'pids', h.ns], { reject: false })).stdout).trim()) await sleep(200);
      await killInNamespace(h.ns);
    }
    await lab.cleanup();
  } finally {
    // Also when the lab never came up or its clean-up threw.
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

describe('a three-node cluster', () => {
  it('node1 founds the cluster: CA key root-only, corosync quorate alone, join API up', async () => {
    const r = await dv('n1', ['cluster', 'init', '--name', 'lab', ...idArgs('n1')]);
    expect(r.exitCode, r.stderr).toBe(0);
    pin = /CA pin: (sha256:[0-9a-f]{64})/.exec(r.stdout)![1]!;
    const ca = await dv('n1', ['cluster', 'ca-pin', '--root', roots.n1!]);
    expect(ca.stdout.trim()).toBe(pin);
    expect(readFileSync(join(roots.n1!, 'etc/corosync/corosync.conf'), 'utf8')).toMatch(/crypto_cipher: aes256\n\s+crypto_hash: sha256/);
    const { statSync } = await import('node:fs');
    expect(statSync(join(roots.n1!, 'etc/debvisor/cluster/ca.key')).mode & 0o777).toBe(0o600);
    await waitFor('node1 quorate', QUORUM_WAIT_MS, async () => (await votes('n1')).quorate);
    // The first-boot step for role init, run again on the founded node, is local and changes nothing.
    const profileFile = join(dir, 'node1-profile.json');
    const p = applyDefaults({
      version: 1,
      users: { admin: { name: 'ops' } },
      node: { hostname: 'node1', domain: 'lab.test' },
      network: { ipv4: { method: 'static', address: `${addr('n1')}/24` } },
      cluster: { role: 'init', name: 'lab' },
    });
    writeFileSync(profileFile, JSON.stringify(p));
    const conf = readFileSync(join(roots.n1!, 'etc/corosync/corosync.conf'), 'utf8');
    const step = await runStep(profileFile, 'n1');
    expect(step.exitCode, step.stderr + step.stdout).toBe(0);
    expect(JSON.parse(step.stdout)).toMatchObject({ ok: true, kind: 'local', summary: 'founded cluster lab (1 members, config version 1)' });
    expect(JSON.parse(readFileSync(join(dir, 'n1-step.json'), 'utf8'))).toEqual({ pin });
    expect(readFileSync(join(roots.n1!, 'etc/corosync/corosync.conf'), 'utf8')).toBe(conf);
    await serve('n1');
  });

  it('a wrong CA pin: the joiner aborts after the handshake, before sending anything', async () => {
    const t = await token();
    const before = joinLog().length;
    const wrong = `sha256:${randomBytes(32).toString('hex')}`;
    const r = await cliJoin('n2', t.token, wrong);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('nothing was sent');
    expect(joinLog().length).toBe(before);
    // The token was never sent, so it is still unused and node2 joins with it now.
    node2Token = t.token;
    const ok = await cliJoin('n2', t.token);
    expect(ok.exitCode, ok.stderr).toBe(0);
    await serve('n2');
    await waitFor('node1 and node2 quorate with 2 votes', QUORUM_WAIT_MS, async () => (await votes('n1')).total === 2 && (await votes('n2')).quorate);
  });

  it('reused, expired and revoked tokens are refused with clear messages', async () => {
    const reused = await cliJoin('n3', node2Token);
    expect(reused.exitCode).not.toBe(0);
    expect(reused.stderr).toMatch(/join token [0-9a-f]{16} was already used/);
    const short = await token(['--ttl', '1s']);
    await sleep(1500);
    const expired = await cliJoin('n3', short.token);
    expect(expired.stderr).toMatch(/join token [0-9a-f]{16} expired at/);
    const rv = await token();
    expect((await dv('n1', ['cluster', 'token', 'revoke', rv.id, '--root', roots.n1!])).exitCode).toBe(0);
    const revoked = await cliJoin('n3', rv.token);
    expect(revoked.stderr).toMatch(/join token [0-9a-f]{16} was revoked/);
    // None of them left a trace on node3 beyond its key: it is not a member anywhere.
    expect(existsSync(join(roots.n3!, 'etc/debvisor/cluster/cluster.json'))).toBe(false);
    const log = joinLog().filter((l) => l.source === addr('n3'));
    expect(log.map((l) => l.result)).toEqual(['refused: E_TOKEN_USED', 'refused: E_TOKEN_EXPIRED', 'refused: E_TOKEN_REVOKED']);
  });

  it('node3 joins through the first-boot step, killed mid-join and run again: same end state', async () => {
    const t = await token();
    const profileFile = stepProfile(t.token);
    // The member's reply never reaches node3: past the TLS handshake (about 2.4 kB from the member),
    // node3 drops what the member sends on that connection. So the member has accepted the join
    // and spent the token, while node3 has nothing yet: the worst moment to be killed.
    await lab.exec('n3', ['sysctl', '-qw', 'net.netfilter.nf_conntrack_acct=1']);
    await lab.exec('n3', ['nft', '-f', '-'], {
      input: `table inet cut {\n\tchain input {\n\t\ttype filter hook input priority -10; policy accept;\n\t\tip saddr ${addr('n1')} tcp sport 8443 ct reply bytes > ${REPLY_CUT_BYTES} drop\n\t}\n}\n`,
    });
    const before = joinLog().length;
    const joiner = runStep(profileFile);
    await waitFor('the member to accept node3', KILL_WAIT_MS, async () =>
      joinLog()
        .slice(before)
        .some((l) => l.result === 'accepted'),
    );
    await killInNamespace(lab.hosts.n3!.ns, 'cluster-step');
    const killed = await joiner;
    expect(killed.exitCode).not.toBe(0);
    expect(existsSync(join(roots.n3!, 'etc/debvisor/cluster/node.crt'))).toBe(false);
    expect(existsSync(join(roots.n3!, 'etc/debvisor/cluster/node.key'))).toBe(true);
    await lab.exec('n3', ['nft', 'delete', 'table', 'inet', 'cut']);
    // The token is now spent by node3: only the resumed-join path (same node, same key) lets the rerun through.
    const rerun = await runStep(profileFile);
    expect(rerun.exitCode, rerun.stderr + rerun.stdout).toBe(0);
    const out = JSON.parse(rerun.stdout) as { ok: boolean; kind: string; summary: string };
    expect(out).toMatchObject({ ok: true, kind: 'remote' });
    expect(out.summary).toMatch(/joined cluster lab \(3 members/);
    expect(
      joinLog()
        .slice(before)
        .map((l) => l.result),
    ).toEqual(['accepted', 'accepted (resumed)']);
    // A third run changes nothing and asks nobody.
    const again = await runStep(profileFile);
    expect(again.exitCode).toBe(0);
    expect(joinLog().length).toBe(before + 2);
  });

  it('all three are quorate, and cluster status agrees on every node', async () => {
    await waitFor('3 votes everywhere', QUORUM_WAIT_MS, async () => {
      for (const n of NODES) if ((await votes(n)).total !== 3) return false;
      return true;
    });
    await serve('n3');
    const views = [];
    for (const n of NODES) {
      const r = await dv(n, ['cluster', 'status', '--json', '--root', roots[n]!]);
      expect(r.exitCode, r.stderr).toBe(0);
      const s = JSON.parse(r.stdout) as { members: { name: string; nodeid: number }[]; configVersion: number; quorum: { quorate: boolean; nodeIds: number[] } };
      expect(s.quorum.quorate).toBe(true);
      expect(s.quorum.nodeIds.sort()).toEqual([1, 2, 3]);
      views.push({ members: s.members.map((m) => `${m.nodeid}:${m.name}`), version: s.configVersion });
    }
    expect(views[1]).toEqual(views[0]);
    expect(views[2]).toEqual(views[0]);
    expect(views[0]!.members).toEqual(['1:node1', '2:node2', '3:node3']);
    // Every member's corosync.conf names all three with the same config_version.
    const confs = NODES.map((n) => readFileSync(join(roots[n]!, 'etc/corosync/corosync.conf'), 'utf8'));
    const versions = confs.map((c) => /config_version: (\d+)/.exec(c)?.[1]);
    expect(new Set(versions).size).toBe(1);
    for (const c of confs) expect(c).toMatch(/name: node3/);
  });

  it('node2 logs in to node3 over SSH with host certificates: no prompt, no known host but the CA', async () => {
    const key = join(dir, 'id_ed25519');
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${key}.pub`));
    const r3 = roots.n3!;
    const cfg = join(dir, 'sshd_config');
    writeFileSync(
      cfg,
      [
        'Port 22',
        `HostKey ${r3}/etc/ssh/ssh_host_ed25519_key`,
        `HostCertificate ${r3}/etc/ssh/ssh_host_ed25519_key-cert.pub`,
        `AuthorizedKeysFile ${dir}/authorized_keys`,
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'StrictModes no',
        'UsePAM no',
        'PidFile none',
        '',
      ].join('\n'),
    );
    servers.sshd = execa('ip', ['netns', 'exec', lab.hosts.n3!.ns, 'sh', '-c', 'mkdir -p /run/sshd && exec /usr/sbin/sshd -D -e -f "$0"', cfg], {
      stdin: 'ignore',
      reject: false,
      all: true,
    });
    await waitFor(
      'sshd on node3',
      SERVE_WAIT_MS,
      async () => (await lab.exec('n3', ['bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/22'], { reject: false })).exitCode === 0,
    );
    const ssh = (target: string, knownHosts: string) =>
      lab.exec(
        'n2',
        [
          'ssh',
          '-F',
          '/dev/null',
          '-i',
          key,
          '-o',
          'BatchMode=yes',
          '-o',
          'StrictHostKeyChecking=yes',
          '-o',
          'UserKnownHostsFile=/dev/null',
          '-o',
          `GlobalKnownHostsFile=${knownHosts}`,
          '-o',
          'ConnectTimeout=10',
          `root@${target}`,
          'echo',
          'hello-from-node3',
        ],
        { reject: false },
      );
    const ok = await ssh(addr('n3'), join(roots.n2!, 'etc/ssh/ssh_known_hosts'));
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toBe('hello-from-node3');
    // Without the @cert-authority line the same login is refused: nothing is trusted on first use.
    const empty = join(dir, 'empty_known_hosts');
    writeFileSync(empty, '');
    const refused = await ssh(addr('n3'), empty);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain('Host key verification failed');
  });

  it('a replayed join is refused; forged, foreign and revoked certificates get no member call', async () => {
    const t = await token();
    const key = join(dir, 'node4.key');
    await execa('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
    const csr = String((await execa('openssl', ['req', '-new', '-key', key, '-subj', '/CN=node4'])).stdout);
    const hostKey = join(dir, 'node4_host');
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
    const body = join(dir, 'join4.json');
    writeFileSync(
      body,
      JSON.stringify({
        token: t.token,
        csr,
        name: 'node4',
        fqdn: 'node4.lab.test',
        address: addr('n4'),
        sshHostKey: readFileSync(`${hostKey}.pub`, 'utf8'),
        nonce: randomBytes(32).toString('hex'),
        time: new Date().toISOString(),
      }),
    );
    const caFile = join(roots.n1!, 'etc/debvisor/cluster/ca.crt');
    const post = async (path: string, file: string, cert?: string, certKey?: string) =>
      JSON.parse(
        (await lab.exec('n4', [process.execPath, POST, `https://${addr('n1')}:8443${path}`, file, caFile, ...(cert ? [cert, certKey!] : [])])).stdout,
      ) as {
        status: number;
        body: Record<string, string>;
      };
    await lab.listen('n1', [60_000], [5412]);
    const first = await post('/v1/join', body);
    expect(first.status).toBe(200);
    const node4Cert = join(dir, 'node4.crt');
    writeFileSync(node4Cert, first.body.cert!);
    // The captured exchange, sent again byte for byte.
    const replay = await post('/v1/join', body);
    expect(replay.status).toBe(400);
    expect(replay.body.code).toBe('E_JOIN_REPLAY');
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '{}');
    // node4's certificate is valid now...
    expect((await post('/v1/status', empty, node4Cert, key)).status).toBe(200);
    // ...a certificate from another CA, and one forged with the cluster CA's name, are not.
    const other = join(dir, 'other');
    mkdirSync(other);
    const subject = String((await execa('openssl', ['x509', '-in', caFile, '-noout', '-subject', '-nameopt', 'compat'])).stdout)
      .replace(/^subject=/, '')
      .trim();
    for (const [name, caSubj] of [
      ['foreign', '/CN=Another cluster CA'],
      ['forged', subject.startsWith('/') ? subject : `/${subject.replace(/, /g, '/')}`],
    ] as const) {
      const k = join(other, `${name}-ca.key`);
      const c = join(other, `${name}-ca.crt`);
      await execa('openssl', [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        k,
        '-out',
        c,
        '-subj',
        caSubj,
        '-days',
        '1',
      ]);
      const nk = join(other, `${name}-node.key`);
      const ncsr = String(
        (await execa('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', nk, '-subj', '/CN=node2'])).stdout,
      );
      const nc = join(other, `${name}-node.crt`);
      await execa('openssl', ['x509', '-req', '-CA', c, '-CAkey', k, '-set_serial', '0x1234', '-days', '1', '-out', nc], { input: ncsr });
      const r = await post('/v1/members', empty, nc, nk);
      expect(r.status, name).toBe(401);
    }
    // Removing node4 revokes its certificate.
    const rm = await dv('n1', ['cluster', 'remove', 'node4', '--root', roots.n1!]);
    expect(rm.exitCode, rm.stderr).toBe(0);
    const revoked = await post('/v1/status', empty, node4Cert, key);
    expect(revoked.status).toBe(401);
    // ...and n4 is out of the firewall's cluster set again.
    expect((await lab.probe('n4', [{ host: addr('n1'), port: 5412, proto: 'udp' }]))[0]!.result).toBe('timeout');
    // Token attempts are rate-limited per source address.
    const bogus = join(dir, 'bogus.json');
    writeFileSync(bogus, JSON.stringify({ token: 'dvj1.0000000000000000.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' }));
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await post('/v1/join', bogus)).status);
    expect(codes).toContain(429);
    expect(joinLog().some((l) => l.source === addr('n4') && l.result === 'refused: rate limited')).toBe(true);
  });

  it('corosync and migration are open from members and closed from a non-member', async () => {
    // corosync and migration are for the cluster set only, with or without lockdown.
    const probes = [
      { host: addr('n1'), port: 60_000, proto: 'tcp' as const },
      { host: addr('n1'), port: 5412, proto: 'udp' as const },
    ];
    for (const lockdown of [false, true]) {
      await loadFirewall('n1', lockdown);
      expect(
        (await lab.probe('n2', probes)).map((p) => p.result),
        `member, lockdown ${lockdown}`,
      ).toEqual(['open', 'open']);
      expect(
        (await lab.probe('n4', probes)).map((p) => p.result),
        `non-member, lockdown ${lockdown}`,
      ).toEqual(['timeout', 'timeout']);
    }
    await loadFirewall('n1', false);
    // Persisted too: the model and the ruleset loaded at boot name the three members.
    const model = readFileSync(join(roots.n1!, 'etc/debvisor/firewall.yaml'), 'utf8');
    for (const n of NODES) expect(model).toContain(addr(n));
    expect(readFileSync(join(roots.n1!, 'etc/debvisor/firewall/ruleset.nft'), 'utf8')).toContain(addr('n3'));
  });

  it('node3 removed: its certificate and its corosync traffic are refused, quorum holds on two', async () => {
    const rm = await dv('n1', ['cluster', 'remove', 'node3', '--root', roots.n1!]);
    expect(rm.exitCode, rm.stderr).toBe(0);
    await waitFor('node1 and node2 at 2 votes, quorate', QUORUM_WAIT_MS, async () => {
      const [a, b] = [await votes('n1'), await votes('n2')];
      return a.quorate && b.quorate && a.total === 2 && b.total === 2;
    });
    for (const n of ['n1', 'n2']) {
      expect(readFileSync(join(roots[n]!, 'etc/corosync/corosync.conf'), 'utf8')).not.toContain('node3');
      expect(readFileSync(join(roots[n]!, 'etc/debvisor/firewall.yaml'), 'utf8')).not.toContain(addr('n3'));
    }
    // node3 still holds the authkey; it starts corosync with its old three-node config: nobody lets it in.
    const old = join(dir, 'n3-old.conf');
    const conf3 = readFileSync(join(roots.n3!, 'etc/corosync/corosync.conf'), 'utf8');
    const nodelist = [
      'nodelist {',
      ...NODES.map((n, i) => `    node {\n        name: node${i + 1}\n        nodeid: ${i + 1}\n        ring0_addr: ${addr(n)}\n    }`),
      '}',
      '',
    ].join('\n');
    writeFileSync(old, conf3.replace(/nodelist \{[\s\S]*$/, nodelist));
    await killInNamespace(lab.hosts.n3!.ns, 'corosync');
    await waitFor(
      'node3 corosync stopped',
      15_000,
      async () => ![0, 2].includes((await lab.exec('n3', ['corosync-quorumtool', '-s'], { reject: false })).exitCode),
    );
    await lab.exec('n3', ['unshare', '-m', '--propagation', 'private', 'sh', '-c', 'mount --bind "$0/run" /run && exec corosync -c "$1"', roots.n3!, old]);
    await sleep(5000);
    expect((await votes('n1')).total).toBe(2);
    expect((await votes('n2')).total).toBe(2);
    expect((await votes('n3')).quorate).toBe(false);
    // Its certificate no longer opens a member call.
    const cert = join(roots.n3!, 'etc/debvisor/cluster/node.crt');
    const key = join(roots.n3!, 'etc/debvisor/cluster/node.key');
    const empty = join(dir, 'empty.json');
    const r = JSON.parse(
      (
        await lab.exec(
          'n3',
          [process.execPath, POST, `https://${addr('n1')}:8443/v1/status`, empty, join(roots.n3!, 'etc/debvisor/cluster/ca.crt'), cert, key],
          { reject: false },
        )
      ).stdout,
    ) as { status: number; error?: string };
    expect(r.status).toBe(401);
  });

  it('node2 leaves: the CA holder revokes it, node1 stays quorate alone, corosync stops on node2', async () => {
    const r = await dv('n2', ['cluster', 'leave', '--root', roots.n2!]);
    expect(r.exitCode, r.stderr).toBe(0);
    await waitFor('node1 alone and quorate', QUORUM_WAIT_MS, async () => {
      const v = await votes('n1');
      return v.quorate && v.total === 1;
    });
    await waitFor(
      'corosync stopped on node2',
      15_000,
      async () => ![0, 2].includes((await lab.exec('n2', ['corosync-quorumtool', '-s'], { reject: false })).exitCode),
    );
    const nodes = JSON.parse((await dv('n1', ['cluster', 'nodes', '--json', '--root', roots.n1!])).stdout) as { name: string }[];
    expect(nodes.map((m) => m.name)).toEqual(['node1']);
    const state = JSON.parse(readFileSync(join(roots.n1!, 'etc/debvisor/cluster/cluster.json'), 'utf8')) as { revoked: string[] };
    expect(state.revoked).toHaveLength(3);
  });
});

import { execa, type ResultPromise } from 'execa';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Lab, createLab } from './netns-lab.js';
import { stopProcess, waitUntilUp } from './started-process.js';
import { makeTestCert } from './test-cert.js';

/**
 * The first-boot lab (notes in /work/shared/research/firstboot-testbeds.md): a CA namespace with
 * Debian's pebble, a DNS namespace with knotd (a per-node key, an ACL restricted by owner), and a
 * node namespace where the rendered nginx serves a node root and `debvisor firstboot` runs.
 */
export const repo = fileURLToPath(new URL('../../..', import.meta.url));
const OVERLAY = join(repo, 'test/integration/helpers/overlay-root.sh');
export const ZONE = 'debvisor.test';
export const FQDN = `node.${ZONE}`;
const WAIT_MS = 15_000;
const until = (what: string, probe: () => Promise<boolean>) => waitUntilUp(what, probe, WAIT_MS, 100);

export interface FirstbootLab {
  lab: Lab;
  dir: string;
  ca: string;
  dnsIp: string;
  nodeIp: string;
  /** The node's TSIG secret (knot knows it under the key FQDN.). */
  secret: string;
  directoryUrl: string;
  /** The CA that signed pebble's HTTPS listener (the node trusts it through NODE_EXTRA_CA_CERTS). */
  minica: string;
  /** The pebble binary this lab runs: Debian 12's (no ARI) unless createFirstbootLab was given another. */
  pebble: string;
  startPebble(opts?: { validitySec?: number; eab?: Record<string, string> }): Promise<string>;
  stopPebble(): Promise<void>;
  /** Pebble's issuing root of the current instance (PEM). */
  pebbleRoot(): Promise<string>;
  dig(name: string, type: string): Promise<string[]>;
  cleanup(): Promise<void>;
}

export async function createFirstbootLab(dir: string, opts: { pebble?: string } = {}): Promise<FirstbootLab> {
  const lab = await createLab(['ca', 'dns', 'node']);
  const ca = lab.hosts.ca!.v4;
  const dnsIp = lab.hosts.dns!.v4;
  const nodeIp = lab.hosts.node!.v4;
  let pebble: ResultPromise | undefined;
  let knot: ResultPromise | undefined;
  const cleanup = async () => {
    await stopProcess(pebble);
    await stopProcess(knot);
    await lab.cleanup();
  };
  try {
    const minica = await makeTestCert(dir, 'minica', { cn: 'test minica' });
    await makeTestCert(dir, 'pebble', { ca: minica, san: `IP:${ca}` });
    const secret = (await execa('openssl', ['rand', '-base64', '32'])).stdout.trim();
    for (const d of ['knot/run', 'knot/db', 'knot/zones']) mkdirSync(join(dir, d), { recursive: true });
    writeFileSync(
      join(dir, 'knot/knot.conf'),
      `server:\n    rundir: "${dir}/knot/run"\n    pidfile: "${dir}/knot/run/knot.pid"\n    user: root:root\n    listen: ${dnsIp}@53\nlog:\n  - target: stdout\n    any: info\ndatabase:\n    storage: "${dir}/knot/db"\nkey:\n  - id: ${FQDN}.\n    algorithm: hmac-sha256\n    secret: ${secret}\nacl:\n  - id: node-self-update\n    key: [ ${FQDN}. ]\n    action: update\n    update-owner: key\n    update-owner-match: sub-or-equal\n    update-type: [ A, AAAA, TXT ]\nzone:\n  - domain: ${ZONE}.\n    storage: "${dir}/knot/zones"\n    file: "${ZONE}.zone"\n    acl: [ node-self-update ]\n    zonefile-sync: -1\n    zonefile-load: difference-no-serial\n    journal-content: all\n`,
    );
    writeFileSync(
      join(dir, `knot/zones/${ZONE}.zone`),
      `$ORIGIN ${ZONE}.\n$TTL 60\n@ SOA ns1 hostmaster 1 3600 600 86400 60\n  NS ns1\nns1 A ${dnsIp}\nother A 10.77.0.99\nnode A 10.77.0.250\n`,
    );
    knot = execa('ip', ['netns', 'exec', lab.hosts.dns!.ns, 'knotd', '-c', join(dir, 'knot/knot.conf')], {
      stdin: 'ignore',
      reject: false,
      stdout: { file: join(dir, 'knotd.log') },
      stderr: { file: join(dir, 'knotd.log') },
    });
    const out: FirstbootLab = {
      lab,
      dir,
      ca,
      dnsIp,
      nodeIp,
      secret,
      directoryUrl: `https://${ca}:14000/dir`,
      minica: join(dir, 'minica.pem'),
      pebble: opts.pebble ?? 'pebble',
      async startPebble(opts = {}) {
        await stopProcess(pebble);
        const config = {
          pebble: {
            listenAddress: '0.0.0.0:14000',
            managementListenAddress: '0.0.0.0:15000',
            certificate: 'pebble.pem',
            privateKey: 'pebble.key',
            httpPort: 80,
            tlsPort: 443,
            ocspResponderURL: '',
            externalAccountBindingRequired: Boolean(opts.eab),
            ...(opts.eab ? { externalAccountMACKeys: opts.eab } : {}),
            ...(opts.validitySec ? { certificateValidityPeriod: opts.validitySec } : {}),
          },
        };
        writeFileSync(join(dir, 'pebble-config.json'), JSON.stringify(config));
        pebble = execa('ip', ['netns', 'exec', lab.hosts.ca!.ns, out.pebble, '-config', 'pebble-config.json', '-dnsserver', `${dnsIp}:53`, '-strict=false'], {
          cwd: dir,
          stdin: 'ignore',
          reject: false,
          stdout: { file: join(dir, 'pebble.log'), append: true },
          stderr: { file: join(dir, 'pebble.log'), append: true },
          env: { PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0' },
        });
        await until(
          'pebble',
          async () => (await lab.exec('node', ['curl', '-sf', '--cacert', out.minica, out.directoryUrl], { reject: false })).exitCode === 0,
        );
        return out.pebbleRoot();
      },
      async stopPebble() {
        await stopProcess(pebble);
        pebble = undefined;
      },
      async pebbleRoot() {
        return (await lab.exec('node', ['curl', '-sf', '--cacert', out.minica, `https://${ca}:15000/roots/0`])).stdout;
      },
      async dig(name, type) {
        const r = await lab.exec('node', ['dig', '+short', '+norecurse', `@${dnsIp}`, name, type], { reject: false });
        return r.stdout.split('\n').filter(Boolean).sort();
      },
      cleanup,
    };
    await until('knotd', async () => (await out.dig(`ns1.${ZONE}`, 'A')).length > 0);
    return out;
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * A node root as the installer leaves it: the hardened defaults rendered from the profile
 * (nginx's panel site), the self-signed stand-in, the installed profile. The test's nginx sees
 * the root's /etc over this machine's, and the root's /etc/debvisor and /var/lib/debvisor
 * bound live (first boot changes them while nginx runs).
 */
export async function makeNodeRoot(root: string, profileFile: string): Promise<void> {
  mkdirSync(join(root, 'etc'), { recursive: true });
  cpSync('/etc/nginx', join(root, 'etc/nginx'), { recursive: true });
  const dv = (args: string[]) => execa(process.execPath, [join(repo, 'bin/debvisor.js'), ...args], { stdin: 'ignore' });
  await dv(['render', profileFile, '--root', root, '--target', 'host']);
  await dv(['tls', 'self-signed', FQDN, '--root', root]);
  for (const d of ['var/lib/debvisor/acme/http-01', 'etc/ssh', 'var/log/debvisor']) mkdirSync(join(root, d), { recursive: true });
  // The installer makes the machine ID and host keys; first boot only checks them here.
  writeFileSync(join(root, 'etc/machine-id'), '0123456789abcdef0123456789abcdef\n');
  writeFileSync(join(root, 'etc/ssh/ssh_host_ed25519_key'), 'test\n', { mode: 0o600 });
}

export function nginxArgv(root: string): string[] {
  const script = 'mount --bind "$0/etc/debvisor" /etc/debvisor && mount --bind "$0/var/lib/debvisor" /var/lib/debvisor && exec "$@"';
  return ['unshare', '-m', OVERLAY, root, 'sh', '-c', script, root];
}

/** Starts the rendered nginx of a node root in the node namespace (wrapped: a bare child process is a thenable, and awaiting it would wait for nginx to exit). */
export async function startNginx(fl: FirstbootLab, root: string): Promise<{ proc: ResultPromise }> {
  const t = await fl.lab.exec('node', [...nginxArgv(root), 'nginx', '-t'], { reject: false });
  if (t.exitCode !== 0) throw new Error(`nginx -t: ${t.stderr}`);
  const p = execa('ip', ['netns', 'exec', fl.lab.hosts.node!.ns, ...nginxArgv(root), 'nginx', '-g', 'daemon off;'], { stdin: 'ignore', reject: false });
  await until('nginx', async () => (await fl.lab.exec('node', ['bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/443'], { reject: false })).exitCode === 0);
  return { proc: p };
}

/**
 * Revokes the certificate of a node root at the CA, as its own account (the node's account key
 * and remembered account URL), from the node namespace: what a CA's revocation looks like to the
 * node (pebble's ARI then answers a window in the past).
 */
export async function revokeNodeCertificate(fl: FirstbootLab, root: string): Promise<void> {
  const script = [
    "import * as acme from 'acme-client';",
    "import { readFileSync } from 'node:fs';",
    'const [root, dir] = process.argv.slice(1);',
    "const accountUrl = JSON.parse(readFileSync(root + '/var/lib/debvisor/acme/account.json', 'utf8'))[dir];",
    "const client = new acme.Client({ directoryUrl: dir, accountKey: readFileSync(root + '/var/lib/debvisor/acme/account.key'), accountUrl });",
    "await client.revokeCertificate(readFileSync(root + '/etc/debvisor/tls/panel.crt', 'utf8'), { reason: 4 });",
  ].join('\n');
  const r = await execa('ip', ['netns', 'exec', fl.lab.hosts.node!.ns, process.execPath, '--input-type=module', '-e', script, root, fl.directoryUrl], {
    cwd: repo,
    stdin: 'ignore',
    reject: false,
    env: { NODE_EXTRA_CA_CERTS: fl.minica },
  });
  if (r.exitCode !== 0) throw new Error(`revoking the node's certificate failed: ${r.stderr}`);
}

export function readJsonFile<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/**
 * The test seams first boot reads from DEBVISOR_FIRSTBOOT_OVERRIDES (firstboot/overrides.ts) for a
 * node root in the lab: nginx checked and reloaded in the node namespace (only `nginxPid`'s, if
 * any), systemctl recorded, the node's address, short backoffs and deadlines.
 */
export function labOverrides(
  fl: FirstbootLab,
  root: string,
  nginxPid: number | undefined,
  o: { stepDeadlineMs: number; extra?: Record<string, unknown> },
): string {
  return JSON.stringify({
    nginxTest: [...nginxArgv(root), 'nginx', '-t'],
    nginxReload: nginxPid ? ['kill', '-HUP', String(nginxPid)] : ['true'],
    systemctl: ['sh', '-c', `echo "$*" >> ${join(root, 'systemctl.log')}`, 'systemctl'],
    addresses: { v4: [fl.nodeIp], v6: [] },
    acmeBackoffMs: { min: 100, max: 500 },
    timing: {
      stepDeadlineMs: o.stepDeadlineMs,
      backoff: { baseMs: 200, capMs: 1_000 },
      breaker: { threshold: 3, openMs: 1_000, capMs: 2_000 },
      failedRetryMs: 3_600_000,
    },
    ...o.extra,
  });
}

/** `debvisor ARGS` in the node namespace, as the unit runs it, trusting the lab's CA, with these overrides. */
export function labDebvisor(fl: FirstbootLab, args: string[], overrides: string, env: Record<string, string> = {}) {
  return execa('ip', ['netns', 'exec', fl.lab.hosts.node!.ns, process.execPath, join(repo, 'bin/debvisor.js'), ...args], {
    stdin: 'ignore',
    reject: false,
    env: { NODE_EXTRA_CA_CERTS: fl.minica, DEBVISOR_FIRSTBOOT_OVERRIDES: overrides, ...env },
  });
}

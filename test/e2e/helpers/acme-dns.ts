import { execa, type ResultPromise } from 'execa';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { stopProcess, waitUntilUp } from '../../integration/helpers/started-process.js';
import { makeTestCert } from '../../integration/helpers/test-cert.js';

/**
 * Debian's knot and pebble on this machine's loopback (free ports), for a QEMU guest that reaches
 * them through guestfwd bridges (TCP only): knot holds the zone and the node's TSIG key (an ACL
 * restricted to the key's own names, as docs/firstboot.md advises); pebble asks knot directly for
 * DNS-01 (-dnsserver), and its HTTPS listener has a certificate from a test CA, valid for the
 * guest-side address the guest uses.
 */
export interface LoopbackAcmeDns {
  knotPort: number;
  pebblePort: number;
  /** The CA of pebble's HTTPS listener (PEM): the guest must trust it. */
  minicaPem: string;
  /** Pebble's issuing root (PEM), from its management API. */
  pebbleRoot(): Promise<string>;
  /** The records knot serves (asked over TCP, no recursion). */
  dig(name: string, type: string): Promise<string[]>;
  /** Removes a name's A and AAAA records (signed with the node's own key), as before its first boot. */
  forgetNode(fqdn: string): Promise<void>;
  close(): Promise<void>;
}

const WAIT_MS = 20_000;
const until = (what: string, probe: () => Promise<boolean>) => waitUntilUp(what, probe, WAIT_MS, 200);

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export async function startLoopbackAcmeDns(
  dir: string,
  o: { zone: string; keyName: string; algorithm: string; secret: string; acmeGuestIp: string },
): Promise<LoopbackAcmeDns> {
  const knotPort = await freePort();
  const pebblePort = await freePort();
  const mgmtPort = await freePort();
  let knot: ResultPromise | undefined;
  let pebble: ResultPromise | undefined;
  const close = async () => {
    await stopProcess(pebble);
    await stopProcess(knot);
  };
  try {
    const minica = await makeTestCert(dir, 'minica', { cn: 'e2e pebble listener CA' });
    await makeTestCert(dir, 'pebble', { ca: minica, san: `IP:${o.acmeGuestIp},IP:127.0.0.1` });
    for (const d of ['knot/run', 'knot/db', 'knot/zones']) mkdirSync(join(dir, d), { recursive: true });
    const key = o.keyName.endsWith('.') ? o.keyName : `${o.keyName}.`;
    writeFileSync(
      join(dir, 'knot/knot.conf'),
      [
        'server:',
        `    rundir: "${dir}/knot/run"`,
        `    pidfile: "${dir}/knot/run/knot.pid"`,
        '    user: root:root',
        `    listen: 127.0.0.1@${knotPort}`,
        'log:',
        '  - target: stdout',
        '    any: info',
        'database:',
        `    storage: "${dir}/knot/db"`,
        'key:',
        `  - id: ${key}`,
        `    algorithm: ${o.algorithm}`,
        `    secret: ${o.secret}`,
        'acl:',
        '  - id: node-self-update',
        `    key: [ ${key} ]`,
        '    action: update',
        '    update-owner: key',
        '    update-owner-match: sub-or-equal',
        '    update-type: [ A, AAAA, TXT ]',
        'zone:',
        `  - domain: ${o.zone}.`,
        `    storage: "${dir}/knot/zones"`,
        `    file: "${o.zone}.zone"`,
        '    acl: [ node-self-update ]',
        '    zonefile-sync: -1',
        '    zonefile-load: difference-no-serial',
        '    journal-content: all',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, `knot/zones/${o.zone}.zone`), `$ORIGIN ${o.zone}.\n$TTL 60\n@ SOA ns1 hostmaster 1 3600 600 86400 60\n  NS ns1\nns1 A 127.0.0.1\n`);
    knot = execa('knotd', ['-c', join(dir, 'knot/knot.conf')], {
      stdin: 'ignore',
      reject: false,
      stdout: { file: join(dir, 'knotd.log') },
      stderr: { file: join(dir, 'knotd.log') },
    });
    const dig = async (name: string, type: string) => {
      const r = await execa('dig', ['+tcp', '+short', '+norecurse', '+time=2', '+tries=1', '-p', String(knotPort), '@127.0.0.1', name, type], {
        reject: false,
      });
      return r.stdout.split('\n').filter(Boolean).sort();
    };
    await until('knotd', async () => (await dig(`ns1.${o.zone}`, 'A')).length > 0);
    writeFileSync(
      join(dir, 'pebble-config.json'),
      JSON.stringify({
        pebble: {
          listenAddress: `127.0.0.1:${pebblePort}`,
          managementListenAddress: `127.0.0.1:${mgmtPort}`,
          certificate: 'pebble.pem',
          privateKey: 'pebble.key',
          // Validation is DNS-01 only (pebble asks knot); these ports are never used.
          httpPort: 5002,
          tlsPort: 5001,
          ocspResponderURL: '',
          externalAccountBindingRequired: false,
        },
      }),
    );
    pebble = execa('pebble', ['-config', 'pebble-config.json', '-dnsserver', `127.0.0.1:${knotPort}`, '-strict=false'], {
      cwd: dir,
      stdin: 'ignore',
      reject: false,
      stdout: { file: join(dir, 'pebble.log') },
      stderr: { file: join(dir, 'pebble.log') },
      env: { PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0' },
    });
    const curl = (url: string) => execa('curl', ['-sf', '--cacert', minica.cert, url], { reject: false });
    await until('pebble', async () => (await curl(`https://127.0.0.1:${pebblePort}/dir`)).exitCode === 0);
    return {
      knotPort,
      pebblePort,
      minicaPem: readFileSync(minica.cert, 'utf8'),
      pebbleRoot: async () => (await curl(`https://127.0.0.1:${mgmtPort}/roots/0`)).stdout,
      dig,
      forgetNode: async (fqdn) => {
        const keyFile = join(dir, 'node-tsig.key');
        writeFileSync(keyFile, `key "${key}" {\n\talgorithm ${o.algorithm};\n\tsecret "${o.secret}";\n};\n`, { mode: 0o600 });
        const script = [`server 127.0.0.1 ${knotPort}`, `zone ${o.zone}.`, `update delete ${fqdn}. A`, `update delete ${fqdn}. AAAA`, 'send', ''].join('\n');
        await execa('nsupdate', ['-v', '-t', '10', '-k', keyFile], { input: script });
        if ((await dig(fqdn, 'A')).length) throw new Error(`knot still serves an A record of ${fqdn}`);
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

import { execa, type ResultPromise } from 'execa';
import { stopProcess } from './started-process.js';

/**
 * Two network namespaces joined by veth pairs: `srv` runs a real DHCP server (dnsmasq), `cli`
 * stands for the live system. Client interfaces eth0..ethN-1 in creation order; the server's
 * ends are s0..sN-1 with 10.66.I.1/24. A pair listed in `down` keeps the server end down, so the
 * client's end is up with no carrier.
 */
export interface DhcpLab {
  srv: string;
  cli: string;
  /** Starts dnsmasq in `srv` with these extra options; resolves once it listens. */
  startServer(options: string[]): Promise<void>;
  stopServer(): Promise<void>;
  /** The client namespace's addresses (per interface) and routes, as JSON, to compare before and after. */
  clientNetwork(): Promise<string>;
  cleanup(): Promise<void>;
}

/** Bound on dnsmasq coming up and going down. */
const SERVER_WAIT_MS = 10_000;

async function ip(args: string[]): Promise<string> {
  return String((await execa('ip', args, { stdin: 'ignore' })).stdout);
}

/**
 * `clientDown`: the client's ends stay down (as a freshly booted system's links are), so nothing
 * waits for their carrier here.
 */
export async function createDhcpLab(pairs: number, down: number[] = [], leaseFile = '/dev/null', clientDown = false): Promise<DhcpLab> {
  const tag = `dvdh${process.pid % 100000}`;
  const srv = `${tag}-srv`;
  const cli = `${tag}-cli`;
  const made: string[] = [];
  let server: ResultPromise | undefined;
  const cleanup = async () => {
    if (server) await stopProcess(server, SERVER_WAIT_MS);
    server = undefined;
    for (const ns of made.splice(0).reverse()) await execa('ip', ['netns', 'del', ns], { reject: false, stdin: 'ignore' });
  };
  try {
    for (const ns of [srv, cli]) {
      await ip(['netns', 'add', ns]);
      made.push(ns);
      await ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    for (let i = 0; i < pairs; i++) {
      await ip(['-n', srv, 'link', 'add', `s${i}`, 'type', 'veth', 'peer', 'name', `eth${i}`, 'netns', cli]);
      await ip(['-n', srv, 'addr', 'add', `10.66.${i}.1/24`, 'dev', `s${i}`]);
      if (!down.includes(i)) await ip(['-n', srv, 'link', 'set', `s${i}`, 'up']);
      if (!clientDown) await ip(['-n', cli, 'link', 'set', `eth${i}`, 'up']);
    }
    // The kernel reports a carrier change through linkwatch, up to a second later: wait for it.
    const until = Date.now() + SERVER_WAIT_MS;
    const up = clientDown ? [] : Array.from({ length: pairs }, (_, i) => `eth${i}`).filter((_, i) => !down.includes(i));
    for (;;) {
      const links = JSON.parse(await ip(['-n', cli, '-j', 'link', 'show'])) as Array<{ ifname: string; flags: string[] }>;
      const carrier = (n: string) => {
        const flags = links.find((l) => l.ifname === n)?.flags ?? [];
        return flags.includes('LOWER_UP') && !flags.includes('NO-CARRIER');
      };
      if (up.every(carrier)) break;
      if (Date.now() > until) throw new Error(`no carrier on ${up.join(', ')} within ${SERVER_WAIT_MS} ms: ${JSON.stringify(links)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
  return {
    srv,
    cli,
    async startServer(options) {
      const ifaces = Array.from({ length: pairs }, (_, i) => i).filter((i) => !down.includes(i));
      const child = execa(
        'ip',
        [
          'netns',
          'exec',
          srv,
          'dnsmasq',
          '--no-daemon',
          '--conf-file=/dev/null',
          '--port=0',
          '--bind-interfaces',
          '--log-dhcp',
          '--log-facility=-',
          `--dhcp-leasefile=${leaseFile}`,
          ...ifaces.flatMap((i) => [`--interface=s${i}`, `--dhcp-range=10.66.${i}.100,10.66.${i}.110,255.255.255.0,10m`]),
          ...options,
        ],
        { stdin: 'ignore', buffer: false, all: true },
      );
      server = child;
      // dnsmasq logs its ranges once its DHCP sockets are open.
      const ready = new Promise<void>((resolve, reject) => {
        let seen = '';
        const timer = setTimeout(() => reject(new Error(`dnsmasq did not start within ${SERVER_WAIT_MS} ms: ${seen}`)), SERVER_WAIT_MS);
        child.all?.on('data', (d: Buffer) => {
          seen += String(d);
          if ((seen.match(/DHCP, IP range/g) ?? []).length >= ifaces.length) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.catch((e: unknown) => {
          clearTimeout(timer);
          reject(new Error(`dnsmasq ended: ${seen} ${(e as Error).message}`));
        });
      });
      try {
        await ready;
      } catch (err) {
        await stopProcess(child, SERVER_WAIT_MS);
        server = undefined;
        throw err;
      }
    },
    async stopServer() {
      if (server) await stopProcess(server, SERVER_WAIT_MS);
      server = undefined;
    },
    async clientNetwork() {
      // Each address without its state flags (the kernel ends IPv6 duplicate address detection meanwhile), and the routes.
      const links = JSON.parse(await ip(['-n', cli, '-j', 'addr'])) as Array<{ ifname: string; addr_info: Array<Record<string, unknown>> }>;
      const addr = links.map((l) => ({ ifname: l.ifname, addrs: l.addr_info.map((a) => `${a.family} ${a.local}/${a.prefixlen} ${a.scope}`) }));
      return JSON.stringify({ addr, route: JSON.parse(await ip(['-n', cli, '-j', 'route'])) });
    },
    cleanup,
  };
}

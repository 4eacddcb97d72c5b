import { execa, type ResultPromise } from 'execa';
import { fileURLToPath } from 'node:url';

/** A small network: hosts in their own namespaces, joined by a bridge in a switch namespace. */
export interface Host {
  ns: string;
  v4: string;
  v6: string;
}

export interface Lab {
  hosts: Record<string, Host>;
  /** Runs a command inside a host's namespace. */
  exec(host: string, argv: string[], opts?: { input?: string; reject?: boolean }): Promise<{ stdout: string; stderr: string; exitCode: number }>;
  /** Starts a listener in a host; resolves when it is ready. */
  listen(host: string, tcp: number[], udp: number[]): Promise<void>;
  probe(from: string, probes: Probe[]): Promise<ProbeResult[]>;
  cleanup(): Promise<void>;
}

export interface Probe {
  host: string;
  port: number;
  proto: 'tcp' | 'udp';
}
export type ProbeResult = Probe & { result: string };

const helper = (name: string) => fileURLToPath(new URL(name, import.meta.url));
/** Upper bound for waiting on a listener to come up. */
const LISTEN_TIMEOUT_MS = 10_000;

async function ip(args: string[]): Promise<void> {
  await execa('ip', args, { stdin: 'ignore' });
}

/** Builds the lab; `names` become hosts 10.77.N.1.. in order. Cleans up what it made if setup fails. */
export async function createLab(names: string[]): Promise<Lab> {
  const tag = `dv${process.pid % 100000}`;
  const sw = `${tag}-sw`;
  const made: string[] = [];
  const children: ResultPromise[] = [];
  const hosts: Record<string, Host> = {};
  const cleanup = async () => {
    for (const c of children) {
      if (c.pid) {
        try {
          process.kill(c.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      await c.catch(() => undefined);
    }
    for (const ns of made.reverse()) await execa('ip', ['netns', 'del', ns], { reject: false, stdin: 'ignore' });
  };
  try {
    await ip(['netns', 'add', sw]);
    made.push(sw);
    await ip(['-n', sw, 'link', 'add', 'br0', 'type', 'bridge']);
    await ip(['-n', sw, 'link', 'set', 'br0', 'up']);
    for (const [i, name] of names.entries()) hosts[name] = { ns: `${tag}-${name}`, v4: `10.77.0.${i + 1}`, v6: `fd77::${i + 1}` };
    for (const [i, name] of names.entries()) {
      const h = hosts[name]!;
      await ip(['netns', 'add', h.ns]);
      made.push(h.ns);
      await ip(['-n', sw, 'link', 'add', `p${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.ns]);
      await ip(['-n', sw, 'link', 'set', `p${i}`, 'master', 'br0', 'up']);
      await ip(['-n', h.ns, 'addr', 'add', `${h.v4}/24`, 'dev', 'eth0']);
      await ip(['-n', h.ns, 'addr', 'add', `${h.v6}/64`, 'dev', 'eth0', 'nodad']);
      await ip(['-n', h.ns, 'link', 'set', 'eth0', 'up']);
      await ip(['-n', h.ns, 'link', 'set', 'lo', 'up']);
    }
  } catch (err) {
    await cleanup();
    throw err;
  }
  const nsOf = (host: string) => {
    const h = hosts[host];
    if (!h) throw new Error(`no host ${host} in the lab`);
    return h.ns;
  };
  return {
    hosts,
    async exec(host, argv, opts = {}) {
      const r = await execa('ip', ['netns', 'exec', nsOf(host), ...argv], {
        input: opts.input,
        reject: opts.reject ?? true,
        ...(opts.input === undefined ? { stdin: 'ignore' as const } : {}),
      });
      return { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode ?? -1 };
    },
    async listen(host, tcp, udp) {
      const child = execa('ip', ['netns', 'exec', nsOf(host), process.execPath, helper('listener.mjs'), tcp.join(','), udp.join(',')], {
        stdin: 'ignore',
        buffer: false,
      });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('listener did not start')), LISTEN_TIMEOUT_MS);
        child.stdout?.on('data', (d: Buffer) => {
          if (String(d).includes('ready')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.catch((e: unknown) => {
          clearTimeout(timer);
          reject(e as Error);
        });
      });
    },
    async probe(from, probes) {
      const r = await execa('ip', ['netns', 'exec', nsOf(from), process.execPath, helper('probe.mjs'), JSON.stringify(probes)], { stdin: 'ignore' });
      return JSON.parse(String(r.stdout)) as ProbeResult[];
    },
    cleanup,
  };
}

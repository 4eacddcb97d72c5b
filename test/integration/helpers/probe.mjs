// Probes a list of {host, port, proto} in parallel; prints one JSON array of results:
// "open" (connected or answered), "refused" (RST or ICMP unreachable) or "timeout" (dropped).
import net from 'node:net';
import dgram from 'node:dgram';

const TIMEOUT_MS = Number(process.env.PROBE_TIMEOUT_MS ?? 1500);
const probes = JSON.parse(process.argv[2]);

function tcp({ host, port }) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (r) => {
      clearTimeout(t);
      s.destroy();
      resolve(r);
    };
    const t = setTimeout(() => done('timeout'), TIMEOUT_MS);
    s.once('connect', () => done('open'));
    s.once('error', (e) => done(e.code === 'ECONNREFUSED' || e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH' ? 'refused' : `error:${e.code}`));
  });
}

function udp({ host, port }) {
  return new Promise((resolve) => {
    const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const done = (r) => {
      clearTimeout(t);
      sock.close();
      resolve(r);
    };
    const t = setTimeout(() => done('timeout'), TIMEOUT_MS);
    sock.on('message', () => done('open'));
    sock.on('error', (e) => done(e.code === 'ECONNREFUSED' ? 'refused' : `error:${e.code}`));
    sock.connect(port, host, () => sock.send('ping'));
  });
}

const results = await Promise.all(probes.map(async (p) => ({ ...p, result: await (p.proto === 'udp' ? udp(p) : tcp(p)) })));
process.stdout.write(JSON.stringify(results));

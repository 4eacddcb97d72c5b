// Listens on TCP and UDP ports on every address (IPv4 and IPv6) and answers UDP datagrams,
// so probes from other namespaces can tell open from dropped. Prints "ready" when listening.
import net from 'node:net';
import dgram from 'node:dgram';

const [tcpArg = '', udpArg = ''] = process.argv.slice(2);
const tcp = tcpArg.split(',').filter(Boolean).map(Number);
const udp = udpArg.split(',').filter(Boolean).map(Number);
const waits = [];
for (const port of tcp) {
  const server = net.createServer((s) => {
    s.on('error', () => {});
    s.end('ok\n');
  });
  waits.push(
    new Promise((res, rej) => {
      server.once('error', rej);
      server.listen({ port, host: '::', ipv6Only: false }, res);
    }),
  );
}
for (const port of udp) {
  const sock = dgram.createSocket({ type: 'udp6', ipv6Only: false });
  sock.on('message', (_msg, rinfo) => sock.send('pong', rinfo.port, rinfo.address));
  waits.push(
    new Promise((res, rej) => {
      sock.once('error', rej);
      sock.bind(port, '::', res);
    }),
  );
}
await Promise.all(waits);
process.stdout.write('ready\n');

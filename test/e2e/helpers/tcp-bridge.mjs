// QEMU's guestfwd runs this once per guest connection: stdin/stdout become a TCP connection to
// a server on this machine's loopback (the only address test traffic may go to).
import { connect } from 'node:net';
const port = Number(process.argv[2]);
const sock = connect({ host: '127.0.0.1', port });
process.stdin.pipe(sock);
sock.pipe(process.stdout);
sock.on('error', () => process.exit(1));
// Exit once the server's side is over and everything it sent has reached QEMU: exiting at the
// socket's close dropped what stdout still held (the last tens of KB of a large download).
sock.on('close', () => {
  if (process.stdout.writableFinished) process.exit(0);
  process.stdout.once('finish', () => process.exit(0));
  process.stdout.once('error', () => process.exit(1));
});
process.stdin.on('end', () => sock.end());

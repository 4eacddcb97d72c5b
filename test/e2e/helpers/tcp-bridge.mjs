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
// A bound: a guest that stops reading (killed, hung) must not leave this process behind.
sock.on('close', () => {
  if (process.stdout.writableFinished) process.exit(0);
  process.stdout.end((err) => process.exit(err ? 1 : 0));
  setTimeout(() => process.exit(1), 60_000).unref();
});
process.stdin.on('end', () => sock.end());

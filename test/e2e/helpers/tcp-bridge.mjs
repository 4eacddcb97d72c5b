// QEMU's guestfwd runs this once per guest connection: stdin/stdout become a TCP connection to
// a server on this machine's loopback (the only address test traffic may go to).
import { connect } from 'node:net';
const port = Number(process.argv[2]);
const sock = connect({ host: '127.0.0.1', port });
process.stdin.pipe(sock);
sock.pipe(process.stdout);
sock.on('error', () => process.exit(1));
sock.on('close', () => process.exit(0));
process.stdin.on('end', () => sock.end());

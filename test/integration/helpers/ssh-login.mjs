// Logs in to an SSH server with the ssh2 client: a private key, then answers keyboard-interactive
// prompts with the given code (or none). Prints JSON: {ok, methods, output, error}.
import { Client } from 'ssh2';
import { readFileSync } from 'node:fs';

const opts = JSON.parse(process.argv[2]);
const conn = new Client();
const tried = [];
const methods = [];
if (opts.key) methods.push({ type: 'publickey', username: opts.user, key: readFileSync(opts.key) });
if (opts.password) methods.push({ type: 'password', username: opts.user, password: opts.password });
if (opts.code !== undefined) {
  methods.push({ type: 'keyboard-interactive', username: opts.user, prompt: (_n, _i, _l, prompts, finish) => finish(prompts.map(() => opts.code)) });
}
const done = (r) => {
  process.stdout.write(JSON.stringify({ ...r, tried }));
  conn.end();
  process.exit(0);
};
const timer = setTimeout(() => done({ ok: false, error: 'timeout' }), 15000);
conn.on('ready', () => {
  conn.exec('id -un', (err, stream) => {
    if (err) return done({ ok: true, error: String(err) });
    let out = '';
    stream
      .on('data', (d) => (out += d))
      .on('close', () => {
        clearTimeout(timer);
        done({ ok: true, output: out.trim() });
      });
  });
});
conn.on('error', (e) => {
  clearTimeout(timer);
  done({ ok: false, error: e.message });
});
conn.connect({
  host: opts.host,
  port: opts.port,
  username: opts.user,
  readyTimeout: 10000,
  authHandler: (methodsLeft, partial, next) => {
    const m = methods.shift();
    if (!m) return next(false);
    tried.push({ type: m.type, methodsLeft, partial });
    next(m);
  },
});

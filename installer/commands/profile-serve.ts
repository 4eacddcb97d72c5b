import { EXIT, defineCommand } from '../../core/cli/command.js';
import { UsageError } from '../../core/errors.js';
import { createEmitter, plainSink } from '../../core/events.js';
import { startAnswerServer } from '../unattended/answer-server.js';

export const DEFAULT_LISTEN = '0.0.0.0:8443';

/** `ADDR:PORT` or `[V6]:PORT`. */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535) throw new UsageError(`--listen ${text}: not ADDR:PORT`, 'for example --listen 0.0.0.0:8443 or --listen [::]:8443');
  return { host: m[1] ?? m[2]!, port };
}

export default defineCommand({
  words: ['profile', 'serve'],
  summary: 'answer installers over HTTPS: the profile for each machine by DMI UUID, serial or MAC from its POSTed facts, else default.yaml',
  args: 'DIR',
  minArgs: 1,
  maxArgs: 1,
  options: {
    listen: { type: 'string', help: `address and port (default ${DEFAULT_LISTEN})` },
    cert: { type: 'string', help: 'TLS certificate (PEM); its SHA-256 is the pin the installer checks' },
    key: { type: 'string', help: 'TLS private key (PEM)' },
  },
  async run({ positionals, values, io }) {
    if (!values.cert || !values.key)
      throw new UsageError(
        '--cert and --key are required',
        'make a pair: openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=debvisor-answers -keyout key.pem -out cert.pem',
      );
    const { host, port } = parseListen(values.listen ?? DEFAULT_LISTEN);
    const events = createEmitter({ sinks: [plainSink(io.stderr)], stage: 'answers' });
    const s = await startAnswerServer({ dir: positionals[0]!, host, port, cert: values.cert, key: values.key, events });
    io.stdout.write(`serving ${positionals[0]} on https://${host.includes(':') ? `[${host}]` : host}:${s.port}/\n`);
    io.stdout.write(`kernel command line: debvisor.profile=https://ADDRESS:${s.port}/ debvisor.profile.pin=${s.pin}\n`);
    // Until SIGINT or SIGTERM.
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await s.close();
    return EXIT.ok;
  },
});

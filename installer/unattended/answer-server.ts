import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { type Server, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DebvisorError } from '../../core/errors.js';
import type { Emitter } from '../../core/events.js';
import { checkYamlText } from '../../core/checked-yaml.js';
import { FactsSchema, type HardwareFacts } from '../../profiles/facts.js';
import { chooseAnswer } from './answer-select.js';
import { SIGNATURE_HEADER } from './fetch-pinned.js';
import { SIG_SUFFIX } from './discover.js';

/** Largest facts document accepted: a machine with a thousand disks stays well under it. */
export const MAX_FACTS_BYTES = 4 * 1024 * 1024;

export interface AnswerServerOptions {
  dir: string;
  host: string;
  port: number;
  cert: string;
  key: string;
  events: Emitter;
}

export interface RunningAnswerServer {
  server: Server;
  port: number;
  /** sha256:HEX of the certificate: what debvisor.profile.pin= must say. */
  pin: string;
  close(): Promise<void>;
}

/** The certificate's pin, as the installer compares it (SHA-256 of the DER, lower-case hex). */
export function certificatePin(certPem: string): string {
  return `sha256:${new X509Certificate(certPem).fingerprint256.replace(/:/g, '').toLowerCase()}`;
}

/**
 * The reference answer server: each POST carries a machine's facts (JSON); the answer is the
 * profile chosen by DMI UUID, serial or MAC, else default.yaml (answer-select.ts).
 */
export async function startAnswerServer(opts: AnswerServerOptions): Promise<RunningAnswerServer> {
  if (!existsSync(opts.dir)) throw new DebvisorError('E_USAGE', `no such directory: ${opts.dir}`, { hint: 'give the directory that holds the profiles' });
  const cert = readFileSync(opts.cert, 'utf8');
  const key = readFileSync(opts.key, 'utf8');
  const server = createServer({ cert, key }, (req, res) => {
    const peer = req.socket.remoteAddress ?? '?';
    const answer = (code: number, text: string) => {
      res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${text}\n`);
    };
    if (req.method !== 'POST') return answer(405, 'POST the machine facts (debvisor facts --json)');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_FACTS_BYTES) {
        answer(413, 'facts too large');
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (res.writableEnded) return;
      const facts = checkYamlText<HardwareFacts>(`facts from ${peer}`, Buffer.concat(chunks).toString('utf8'), { schema: FactsSchema });
      if (!facts.ok) {
        opts.events.warn(`${peer}: facts refused: ${facts.issues.map((i) => i.message).join('; ')}`);
        return answer(400, 'the facts are not valid');
      }
      // Read each time: profiles can be added while the server runs.
      const files = new Set(readdirSync(opts.dir));
      const choice = chooseAnswer(facts.value, files);
      if (!choice) {
        opts.events.warn(`${peer}: no profile for this machine and no default.yaml`);
        return answer(404, 'no profile for this machine');
      }
      const body = readFileSync(join(opts.dir, choice.file));
      const headers: Record<string, string> = { 'content-type': 'application/yaml' };
      const sig = join(opts.dir, `${choice.file}${SIG_SUFFIX}`);
      if (existsSync(sig)) headers[SIGNATURE_HEADER] = readFileSync(sig).toString('base64');
      opts.events.info(`${peer}: ${choice.file} (by ${choice.reason})`);
      res.writeHead(200, headers);
      res.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    pin: certificatePin(cert),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

import { existsSync, readFileSync } from 'node:fs';
import { DebvisorError } from '../../core/errors.js';
import type { Emitter } from '../../core/events.js';
import { REDACTED } from '../../profiles/redact.js';
import type { Profile } from '../../profiles/schema/profile.js';
import { at, writeAtomic } from '../atomic.js';
import { TSIG_KEY_FILE } from '../paths.js';
import { StepError } from '../step.js';
import type { Runner } from '../tools.js';

/** How long one UPDATE or query may take before the server counts as unreachable. */
export const DNS_TIMEOUT_MS = 15_000;

export interface TsigKey {
  name: string;
  algorithm: string;
  secret: string;
}

export interface DnsTarget {
  server: string;
  port: number;
  zone: string;
}

/** One change: remove an RRset, remove one record, or add one record. */
export type UpdateOp = { op: 'delete'; name: string; type: string; value?: string } | { op: 'add'; name: string; ttl: number; type: string; value: string };

const fq = (n: string) => (n.endsWith('.') ? n : `${n}.`);
/** A value that goes into an nsupdate script must stay one token of one line. */
const SAFE = /^[A-Za-z0-9._:*-]+$/;

function checkToken(what: string, v: string): string {
  if (!SAFE.test(v)) throw new DebvisorError('E_DNS_VALUE', `refusing the ${what} ${JSON.stringify(v)} in a DNS update`, { hint: 'names and addresses only' });
  return v;
}

/** Pure: BIND's key-file syntax, read by both `nsupdate -k` and `knsupdate -k`. */
export function renderKeyFile(k: TsigKey): string {
  checkToken('key name', k.name);
  checkToken('algorithm', k.algorithm);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(k.secret)) throw new DebvisorError('E_TSIG_SECRET', 'the TSIG secret is not base64');
  return `key "${fq(k.name)}" {\n\talgorithm ${k.algorithm};\n\tsecret "${k.secret}";\n};\n`;
}

/** Pure: the key back from a key file. */
export function parseKeyFile(text: string): TsigKey | undefined {
  const m = /key\s+"?([^"\s{]+)"?\s*\{[^}]*?algorithm\s+"?([\w-]+)"?\s*;[^}]*?secret\s+"([^"]+)"\s*;/s.exec(text);
  return m ? { name: m[1]!, algorithm: m[2]!, secret: m[3]! } : undefined;
}

/**
 * The node's key file (root-only). Written from the profile when the profile holds the secret
 * (first boot from an unredacted profile); otherwise the installer's copy is used as it is.
 */
export function ensureKeyFile(root: string, profile: Profile): { file: string; key: TsigKey } {
  const file = at(root, TSIG_KEY_FILE);
  const tsig = profile.dns.tsig;
  if (tsig && tsig.secret !== REDACTED) {
    const text = renderKeyFile(tsig);
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeAtomic(file, text, 0o600);
  }
  const key = existsSync(file) ? parseKeyFile(readFileSync(file, 'utf8')) : undefined;
  if (!key)
    throw new StepError('E_TSIG_KEY_MISSING', `the node's TSIG key ${TSIG_KEY_FILE} is missing or unreadable`, {
      retryable: false,
      hint: `write it (mode 0600) as debvisor dns keygen prints it, then run debvisor firstboot --retry`,
    });
  return { file, key };
}

/** Pure: the nsupdate script for one atomic UPDATE message (the key comes from -k, never from here). */
export function renderUpdateScript(t: DnsTarget, ops: readonly UpdateOp[]): string {
  const lines = [`server ${checkToken('server', t.server)} ${t.port}`, `zone ${fq(checkToken('zone', t.zone))}`];
  for (const o of ops) {
    const name = fq(checkToken('name', o.name));
    const type = checkToken('type', o.type);
    if (o.op === 'delete')
      lines.push(
        `update delete ${name} ${type}${o.value === undefined ? '' : ` ${o.type === 'TXT' ? `"${checkToken('value', o.value)}"` : checkToken('value', o.value)}`}`,
      );
    else lines.push(`update add ${name} ${o.ttl} ${type} ${o.type === 'TXT' ? `"${checkToken('value', o.value)}"` : checkToken('value', o.value)}`);
  }
  lines.push('send', '');
  return lines.join('\n');
}

/** Pure: what a failed nsupdate said, as a StepError a person can act on. */
export function classifyUpdateFailure(output: string, names: string[], keyName: string, remote: string): StepError {
  const said = output.trim().split('\n').filter(Boolean).slice(-3).join('; ');
  const list = names.map((n) => n.replace(/\.$/, '')).join(', ');
  const key = keyName.replace(/\.$/, '');
  if (/BADKEY|NOTAUTH\(BADKEY\)|REFUSED/.test(output))
    return new StepError('E_DNS_NOT_AUTHORIZED', `the TSIG key ${key} may not change ${list}: the server answered ${said}`, {
      retryable: false,
      remote,
      hint: 'allow the key to update these names on the server (debvisor dns keygen prints the ACL), or fix node.hostname/dns.zone',
    });
  if (/BADSIG|BADTIME|tsig verify failure|TSIG/.test(output))
    return new StepError('E_DNS_BAD_KEY', `the server refused the TSIG signature of ${key}: wrong secret or clock (server answered: ${said})`, {
      retryable: false,
      remote,
      hint: `check the secret in ${TSIG_KEY_FILE} against the server's key, and the node's clock`,
    });
  if (/NOTZONE|NXDOMAIN|not authoritative|NOTAUTH/.test(output))
    return new StepError('E_DNS_ZONE', `the server is not the primary of the zone for ${list} (${said})`, {
      retryable: false,
      remote,
      hint: 'check dns.server and dns.zone',
    });
  return new StepError('E_DNS_UNREACHABLE', `the DNS update of ${list} did not get through: ${said || 'no answer'}`, {
    retryable: true,
    remote,
    hint: 'retried with backoff; check that the name server is reachable on its port',
  });
}

/** A run that did not start, as a failed run; a DNS tool missing on the node is no network problem: said as what it is, not retried. */
function didNotRun(err: Error, tool: string): { exitCode: number; stdout: string; stderr: string } {
  if (/ENOENT/.test(err.message))
    throw new StepError('E_DNS_TOOL', `${tool} is not installed on this node`, { retryable: false, hint: 'install bind9-dnsutils (nsupdate)' });
  return { exitCode: -1, stdout: '', stderr: err.message };
}

/** Sends one UPDATE with nsupdate, the key read from its root-only file. */
export async function sendUpdate(run: Runner, keyFile: string, key: TsigKey, t: DnsTarget, ops: readonly UpdateOp[], events?: Emitter): Promise<void> {
  const remote = `dns:${t.server}`;
  // TCP (-v): one connection, no UDP fragments, and it passes through TCP-only paths (NAT, tunnels, QEMU's guestfwd).
  const r = await run(['nsupdate', '-v', '-k', keyFile, '-t', String(Math.ceil(DNS_TIMEOUT_MS / 1000))], {
    input: renderUpdateScript(t, ops),
    allowFailure: true,
    timeoutMs: DNS_TIMEOUT_MS + 5_000,
    events,
    step: 'dns',
    redact: [key.secret],
  }).catch((err: Error) => didNotRun(err, 'nsupdate'));
  if (r.exitCode === 0) return;
  const names = [...new Set(ops.map((o) => o.name))];
  throw classifyUpdateFailure(`${r.stdout}\n${r.stderr}`.split(key.secret).join('***'), names, key.name, remote);
}

import { connect } from 'node:net';
import dnsPacket, { type Answer, type Packet } from 'dns-packet';
import { StepError } from '../step.js';
import { DNS_TIMEOUT_MS, type DnsTarget } from './nsupdate.js';

const bare = (n: string) => n.replace(/\.$/, '').toLowerCase();

/** Pure: one answer's data as text (an address, or a TXT record's strings joined as one). */
function dataOf(a: Answer): string {
  if (a.type === 'TXT') return (Array.isArray(a.data) ? a.data : [a.data]).map((s) => s.toString()).join('');
  return 'data' in a ? String(a.data) : '';
}

/**
 * Pure: the records of `name` by type in the answers of the responses, only those owned by the
 * name itself (not a CNAME's target), each list sorted.
 */
export function recordsOf<T extends string>(responses: readonly Packet[], name: string, types: readonly T[]): Record<T, string[]> {
  const out = Object.fromEntries(types.map((t) => [t, [] as string[]])) as Record<T, string[]>;
  const owner = bare(name);
  for (const r of responses)
    for (const a of r.answers ?? []) {
      if (bare(a.name) !== owner) continue;
      const list = (out as Record<string, string[] | undefined>)[a.type];
      if (list) list.push(dataOf(a));
    }
  for (const list of Object.values<string[]>(out)) list.sort();
  return out;
}

/**
 * Sends the questions over one TCP connection (pipelined, RFC 7766) without recursion, so the
 * primary answers from its zone. In process: first boot asks up to four times, and each dig is a
 * program start (0.2 s in a quiet emulated guest, more while the boot's daemons start). TCP as
 * nsupdate -v: it passes where UDP does not (NAT, tunnels, QEMU's guestfwd).
 */
export function askPrimary(t: DnsTarget, questions: readonly { name: string; type: string }[], timeoutMs = DNS_TIMEOUT_MS): Promise<Packet[]> {
  return new Promise((resolve, reject) => {
    const pending = new Map<number, number>();
    const answers: Packet[] = [];
    let buf = Buffer.alloc(0);
    const socket = connect({ host: t.server, port: t.port });
    const finish = (err?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(answers);
    };
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    socket.on('error', (err) => finish(err));
    socket.on('connect', () => {
      const base = Math.floor(Math.random() * 0x10000);
      questions.forEach((q, i) => {
        const id = (base + i) & 0xffff;
        pending.set(id, i);
        socket.write(dnsPacket.streamEncode({ type: 'query', id, flags: 0, questions: [{ name: q.name, type: q.type as 'A' }] }));
      });
    });
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const len = buf.readUInt16BE(0);
        let p: Packet;
        try {
          p = dnsPacket.decode(buf.subarray(2, 2 + len));
        } catch (err) {
          return finish(new Error(`an answer that is not DNS: ${(err as Error).message}`));
        }
        buf = buf.subarray(2 + len);
        if (p.id === undefined || !pending.has(p.id)) continue;
        pending.delete(p.id);
        answers.push(p);
        if (pending.size === 0) return finish();
      }
    });
    socket.on('end', () => {
      if (pending.size) finish(new Error('the server closed the connection before it answered'));
    });
  });
}

/** The records of one name as the primary serves them (no recursion, no cache), for several types. */
export async function queryPrimaryTypes<T extends string>(t: DnsTarget, name: string, types: readonly T[]): Promise<Record<T, string[]>> {
  let responses: Packet[];
  try {
    responses = await askPrimary(
      t,
      types.map((type) => ({ name, type })),
    );
  } catch (err) {
    throw new StepError(
      'E_DNS_UNREACHABLE',
      `the name server ${t.server}:${t.port} did not answer a query for ${name} ${types.join('/')}: ${(err as Error).message}`,
      {
        retryable: true,
        remote: `dns:${t.server}`,
        hint: 'retried with backoff',
      },
    );
  }
  return recordsOf(responses, name, types);
}

/** The records of one name and type as the primary serves them. */
export async function queryPrimary(t: DnsTarget, name: string, type: string): Promise<string[]> {
  return (await queryPrimaryTypes(t, name, [type]))[type]!;
}

import { type AddressInfo, type Socket, createServer } from 'node:net';
import dnsPacket, { type Packet } from 'dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { askPrimary, queryPrimaryTypes, recordsOf } from './query.js';

const answer = (q: Packet, answers: Packet['answers']): Buffer =>
  dnsPacket.streamEncode({ type: 'response', id: q.id, flags: dnsPacket.AUTHORITATIVE_ANSWER, questions: q.questions, answers });

/** A TCP peer that hands each length-framed query to `reply` (the framing under test is the client's). */
async function peer(reply: (q: Packet, socket: Socket) => void): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer((socket) => {
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const len = buf.readUInt16BE(0);
        reply(dnsPacket.decode(buf.subarray(2, 2 + len)), socket);
        buf = buf.subarray(2 + len);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

describe('the records a name owns, from the answers', () => {
  it('per type and sorted; a CNAME and its target are not its own; TXT strings joined', () => {
    const r: Packet = {
      type: 'response',
      answers: [
        { name: 'node1.example.com', type: 'A', ttl: 60, data: '192.0.2.20' },
        { name: 'NODE1.example.com', type: 'A', ttl: 60, data: '192.0.2.10' },
        { name: 'node1.example.com', type: 'AAAA', ttl: 60, data: '2001:db8::1' },
        { name: 'alias.example.com', type: 'CNAME', ttl: 60, data: 'other.example.com' },
        { name: 'other.example.com', type: 'A', ttl: 60, data: '198.51.100.1' },
        { name: '_acme-challenge.node1.example.com', type: 'TXT', ttl: 60, data: [Buffer.from('token-'), Buffer.from('value')] },
      ],
    };
    expect(recordsOf([r], 'node1.example.com.', ['A', 'AAAA'])).toEqual({ A: ['192.0.2.10', '192.0.2.20'], AAAA: ['2001:db8::1'] });
    expect(recordsOf([r], 'alias.example.com', ['A'])).toEqual({ A: [] });
    expect(recordsOf([r], '_acme-challenge.node1.example.com', ['TXT'])).toEqual({ TXT: ['token-value'] });
  });
});

describe('asking the primary over TCP', () => {
  it('sends every question without recursion on one connection and takes answers in any order and any framing', async () => {
    const seen: Packet[] = [];
    const held: Buffer[] = [];
    const p = await peer((q, socket) => {
      seen.push(q);
      const type = q.questions![0]!.type;
      held.push(answer(q, type === 'A' ? [{ name: q.questions![0]!.name, type: 'A', ttl: 60, data: '192.0.2.1' }] : []));
      if (held.length === 2) {
        // Answers in the other order, cut across chunk boundaries.
        const all = Buffer.concat(held.reverse());
        socket.write(all.subarray(0, 1));
        setTimeout(() => socket.write(all.subarray(1, all.length - 3)), 10);
        setTimeout(() => socket.write(all.subarray(all.length - 3)), 20);
      }
    });
    closers.push(p.close);
    const got = await queryPrimaryTypes({ server: '127.0.0.1', port: p.port, zone: 'example.com' }, 'n.example.com', ['A', 'AAAA']);
    expect(got).toEqual({ A: ['192.0.2.1'], AAAA: [] });
    expect(seen.map((q) => q.questions![0]!.type)).toEqual(['A', 'AAAA']);
    expect(seen.every((q) => ((q.flags ?? 0) & dnsPacket.RECURSION_DESIRED) === 0)).toBe(true);
    expect(new Set(seen.map((q) => q.id)).size).toBe(2);
  });

  it('a server that does not answer, closes early or is not there is unreachable, retryable, in bounded time', async () => {
    const silent = await peer(() => undefined);
    closers.push(silent.close);
    await expect(askPrimary({ server: '127.0.0.1', port: silent.port, zone: 'x' }, [{ name: 'n.x', type: 'A' }], 300)).rejects.toThrow(
      /no answer within 0.3 s/,
    );
    const rude = await peer((_q, socket) => socket.end());
    closers.push(rude.close);
    await expect(queryPrimaryTypes({ server: '127.0.0.1', port: rude.port, zone: 'x' }, 'n.x', ['A'])).rejects.toMatchObject({
      code: 'E_DNS_UNREACHABLE',
      retryable: true,
      message: expect.stringMatching(/closed the connection before it answered/),
    });
    const gone = await peer(() => undefined);
    await gone.close();
    await expect(queryPrimaryTypes({ server: '127.0.0.1', port: gone.port, zone: 'x' }, 'n.x', ['A'])).rejects.toMatchObject({
      code: 'E_DNS_UNREACHABLE',
      message: expect.stringMatching(/ECONNREFUSED/),
    });
  });
});

import { describe, expect, it } from 'vitest';
import { guestSeconds, median } from '../bench/node.js';

describe("the bench's guest clock", () => {
  const serial = [
    '[    1.000000] Linux version 6.12',
    'e2e-node1 login: [   78.621454] vmbr0: port 1(ens3) entered forwarding state',
    '[  109.069126] node[552]: DebVisor node e2e-node1.lab.example.com: ready (degraded)',
    '[  140.500000] node[552]: DebVisor node e2e-node1.lab.example.com: ready',
  ].join('\n');

  it('reads the seconds on the first line that matches, wherever the timestamp is on it', () => {
    expect(guestSeconds(serial, /entered forwarding state/)).toBe(78.621454);
    expect(guestSeconds(serial, /: ready(?! \(degraded)/)).toBe(140.5);
  });

  it('says nothing when no timestamped line matches', () => {
    expect(guestSeconds(serial, /login:$/)).toBeUndefined();
    expect(guestSeconds('vmbr0: port 1(ens3) entered forwarding state', /forwarding/)).toBeUndefined();
  });
});

describe("the bench's median", () => {
  it('is the middle value, or the mean of the two middle ones', () => {
    expect(median([1.3, 1.1, 1.2])).toBe(1.2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });
});

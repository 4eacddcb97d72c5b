import { describe, expect, it } from 'vitest';
import { createEmitter, memorySink } from '../core/events.js';
import { waitForNetworkOnline } from './network-online.js';

describe('waiting for network-online.target', () => {
  it("starts the target (a start job joins the boot's) with a bound, and says nothing when it is reached", async () => {
    const calls: unknown[] = [];
    const sink = memorySink();
    await waitForNetworkOnline({ systemctl: async (args, opts) => void calls.push([args, opts]) }, createEmitter({ sinks: [sink] }), 1234);
    expect(calls).toEqual([[['start', 'network-online.target'], { timeoutMs: 1234 }]]);
    expect(sink.events).toEqual([]);
  });

  it('goes on with a warning when the target fails or the wait times out', async () => {
    const sink = memorySink();
    const failing = async () => {
      throw new Error('systemctl start network-online.target timed out after 1234 ms\nmore');
    };
    await waitForNetworkOnline({ systemctl: failing }, createEmitter({ sinks: [sink] }), 1234);
    expect(sink.events.map((e) => [e.level, e.message])).toEqual([
      [
        'warn',
        'network-online.target was not reached (systemctl start network-online.target timed out after 1234 ms); the steps go on and the remote ones retry',
      ],
    ]);
  });
});

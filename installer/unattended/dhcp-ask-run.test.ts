import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DebvisorError } from '../../core/errors.js';
import { CommandError, type RunOptions, type RunResult } from '../../core/run.js';
import { runDhcpAsk } from './dhcp-ask-run.js';

// The real dhclient against a real DHCP server is test/integration/unattended-dhcp-url.test.ts;
// here only what the installer makes of dhclient's exit codes, through a runner that answers.
const dir = mkdtempSync(join(tmpdir(), 'dhcp-ask-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LINKS = JSON.stringify([
  { ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], link_type: 'loopback' },
  { ifname: 'eth0', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], link_type: 'ether' },
]);

function runner(dhclient: { exitCode: number; stderr: string }) {
  const calls: Array<{ argv: string[]; opts: RunOptions }> = [];
  const exec = async (argv: string[], opts: RunOptions): Promise<RunResult> => {
    calls.push({ argv, opts });
    const r = argv[0] === 'ip' ? { exitCode: 0, stderr: '', stdout: LINKS } : { ...dhclient, stdout: '' };
    return { argv, durationMs: 1, ...r };
  };
  return { exec, calls };
}

describe('runDhcpAsk', () => {
  it('without dhclient: says which file is missing and the other ways to give a profile', async () => {
    const err = (await runDhcpAsk({ dir, dhclient: join(dir, 'no-dhclient') }).catch((e: unknown) => e)) as DebvisorError;
    expect(err.message).toBe(`URL from DHCP: ${join(dir, 'no-dhclient')} is missing, so the DHCP server could not be asked for the profile URL`);
    expect(err.hint).toMatch(/isc-dhcp-client .*debvisor\.profile=/);
  });

  it('no answer (dhclient -1 exits 2): no URL; dhclient bounded and given its own configuration', async () => {
    const { exec, calls } = runner({ exitCode: 2, stderr: 'No DHCPOFFERS received.\n' });
    const r = await runDhcpAsk({ dir, dhclient: '/bin/sh', exec, timeoutS: 1 });
    expect(r).toMatchObject({ url: undefined, iface: undefined, ifaces: ['eth0'], answers: [{ iface: 'eth0', lease: false, url: undefined }] });
    expect(calls[1]!.argv.slice(-7)).toEqual(['-cf', join(dir, 'dhclient.conf'), '-lf', join(dir, 'eth0.leases'), '-pf', join(dir, 'eth0.pid'), 'eth0']);
    expect(calls[1]!.opts.timeoutMs).toBe(6000);
    expect(readFileSync(join(dir, 'dhclient.conf'), 'utf8')).toMatch(/^timeout 1;$/m);
  });

  it('dhclient killed at the bound (the runner throws for a signal): no answer, no URL; one that cannot start is an error', async () => {
    const exec = async (argv: string[]): Promise<RunResult> => {
      if (argv[0] === 'ip') return { argv, exitCode: 0, stdout: LINKS, stderr: '', durationMs: 1 };
      throw new CommandError(argv, undefined, [], 'timed out after 10000 ms');
    };
    const r = await runDhcpAsk({ dir, dhclient: '/bin/sh', exec });
    expect(r.answers).toEqual([{ iface: 'eth0', lease: false, url: undefined }]);
    const noStart = async (argv: string[]): Promise<RunResult> => {
      if (argv[0] === 'ip') return { argv, exitCode: 0, stdout: LINKS, stderr: '', durationMs: 1 };
      throw new CommandError(argv, undefined, [], 'spawn /bin/sh EACCES');
    };
    const err = (await runDhcpAsk({ dir, dhclient: '/bin/sh', exec: noStart }).catch((e: unknown) => e)) as DebvisorError;
    expect(err.message).toMatch(/^URL from DHCP: dhclient on eth0 did not run: command failed \(spawn \/bin\/sh EACCES\)/);
    expect(err.hint).toBe('check that /bin/sh runs here (isc-dhcp-client)');
  });

  it('dhclient failing otherwise: names the interface, exit code and command, with its last lines', async () => {
    const { exec } = runner({ exitCode: 1, stderr: "Can't open /x: No such file\nexiting.\n" });
    const err = (await runDhcpAsk({ dir, dhclient: '/bin/sh', exec }).catch((e: unknown) => e)) as DebvisorError;
    expect(err.message).toBe('URL from DHCP: dhclient on eth0 failed (exit code 1)');
    expect(err.hint).toMatch(/the command was: \/bin\/sh -4 -1 -v -sf \/bin\/true -cf /);
    expect(err.details).toEqual(["Can't open /x: No such file", 'exiting.']);
  });
});

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDir } from '../../test/unit/helpers/temp-dir.js';
import type { DiscoverEffects } from './discover.js';
import { findPreload } from './preload.js';

/** Only what a preload needs of a machine: the command line, files, one stick. */
function machine(o: { cmdline?: string; files?: Record<string, string>; stick?: Record<string, string> }): DiscoverEffects {
  return {
    cmdline: () => o.cmdline ?? 'boot=live debvisor.mode=install',
    readFile: (p) => (p.startsWith('/mnt/') ? o.stick?.[p.slice(4)] : o.files?.[p]),
    findLabel: async () => (o.stick ? '/dev/sdb1' : undefined),
    withReadOnlyMount: async (_d, use) => use('/mnt'),
    dhcpUrl: () => undefined,
    factsJson: async () => '{}',
    fetch: async () => {
      throw new Error('no network here');
    },
  };
}

describe('install tui --discover: a partial profile from the unattended sources', () => {
  it('preloads the stick labelled DEBVISOR-PROFILE, kept 0600 for the TUI, naming the source', async () => {
    const dir = testDir('preload-');
    const p = await findPreload({
      effects: machine({ stick: { '/profile.yaml': 'version: 1\nnode: { hostname: rack-a-01 }\n' } }),
      dir,
      allowedSigners: join(dir, 'none'),
    });
    expect(p).toMatchObject({ kind: 'found', source: 'filesystem labelled DEBVISOR-PROFILE (/dev/sdb1)' });
    if (p.kind !== 'found') throw new Error('not found');
    expect(readFileSync(p.path, 'utf8')).toContain('rack-a-01');
    expect(statSync(p.path).mode & 0o777).toBe(0o600);
  });

  it('finds nothing: no error, the TUI asks everything', async () => {
    const dir = testDir('preload-');
    expect(await findPreload({ effects: machine({}), dir, allowedSigners: join(dir, 'none') })).toEqual({ kind: 'none' });
  });

  it('a source named on the command line that is not there is said, with its hint', async () => {
    const dir = testDir('preload-');
    const p = await findPreload({ effects: machine({ cmdline: 'boot=live debvisor.profile=/nope.yaml' }), dir, allowedSigners: join(dir, 'none') });
    expect(p).toMatchObject({ kind: 'unusable', message: expect.stringContaining('debvisor.profile=/nope.yaml') });
    expect(p.kind === 'unusable' && p.hint).toBeTruthy();
  });

  it('an image with allowed signers preloads no unsigned profile', async () => {
    const dir = testDir('preload-');
    const signers = join(dir, 'profile-signers');
    writeFileSync(signers, 'ops@example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEuWckL1NtDTIOYh5bLjRD1Ot+xL7dkjRPIjSUTMVpVa\n');
    const p = await findPreload({ effects: machine({ files: { '/etc/debvisor/profile.yaml': 'version: 1\n' } }), dir, allowedSigners: signers });
    expect(p).toMatchObject({ kind: 'unusable', message: expect.stringMatching(/not signed/) });
  });
});

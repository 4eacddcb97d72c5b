import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { run } from '../../core/run.js';
import { type DhcpAskOptions, runDhcpAsk } from './dhcp-ask-run.js';
import { DHCLIENT_LEASE_DIRS, urlFromDhclientLeases } from './dhcp-lease.js';
import type { DiscoverEffects } from './discover.js';
import { fetchProfile } from './fetch-pinned.js';

function readIfThere(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/** The real machine: /proc/cmdline, blkid, a read-only mount, dhclient's leases or a DHCP ask, HTTPS. */
export function liveDiscoverEffects(factsJson: () => Promise<string>, dhcpAsk: DhcpAskOptions = {}): DiscoverEffects {
  return {
    cmdline: () => readFileSync('/proc/cmdline', 'utf8'),
    readFile: readIfThere,
    async findLabel(label) {
      // blkid exits 2 when no filesystem has the label.
      const r = await run(['blkid', '-L', label], { allowFailure: true });
      const dev = r.stdout.trim().split('\n')[0];
      return r.exitCode === 0 && dev ? dev : undefined;
    },
    async withReadOnlyMount(device, use) {
      const dir = mkdtempSync(join(tmpdir(), 'debvisor-profile-'));
      await run(['mount', '-o', 'ro,nodev,nosuid,noexec', device, dir]);
      try {
        return use(dir);
      } finally {
        await run(['umount', dir], { allowFailure: true });
        rmdirSync(dir);
      }
    },
    async dhcpUrl() {
      // A lease some dhclient already holds first (one configured to ask for option 114)...
      for (const d of DHCLIENT_LEASE_DIRS) {
        if (!existsSync(d)) continue;
        for (const f of readdirSync(d)
          .filter((n) => /^dhclient.*\.leases?$/.test(n))
          .sort()) {
          const url = urlFromDhclientLeases(readFileSync(join(d, f), 'utf8'));
          if (url) return url;
        }
      }
      // ...else ask the server once: the initramfs's DHCP client did not ask for option 114.
      return (await runDhcpAsk(dhcpAsk)).url;
    },
    factsJson,
    fetch: (url, facts, pin) => fetchProfile(url, facts, { pin }),
  };
}

/**
 * After a failure: the support bundle copied onto the stick the profile came from, mounted
 * read-write only for that (so a successful install leaves the stick as it was). Returns the
 * bundle's name on the stick.
 */
export async function copyBundleToStick(device: string, bundle: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'debvisor-stick-'));
  await run(['mount', '-o', 'rw,nodev,nosuid,noexec', device, dir]);
  try {
    copyFileSync(bundle, join(dir, basename(bundle)));
    await run(['sync', '-f', join(dir, basename(bundle))]);
    return basename(bundle);
  } finally {
    await run(['umount', dir], { allowFailure: true });
    rmdirSync(dir);
  }
}

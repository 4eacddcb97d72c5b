import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PrivateApt } from '../../../builder/debian-apt.js';
import { run } from '../../../core/run.js';
import { fileURLToPath } from 'node:url';

/**
 * A tool from Debian 13 (trixie) for tests on this bookworm host, when bookworm's version lacks
 * what a test needs (pebble 2.4 has no ACME Renewal Information; trixie's 2.6 has). Fetched by
 * the builder's private apt (archive keyring, InRelease signature, package SHA-256), unpacked
 * with dpkg-deb under cache/test-tools/<package>-<version>/, and reused from there: a second run
 * touches no network.
 */
export const TRIXIE_MIRROR = 'http://deb.debian.org/debian';
export const TEST_TOOLS_DIR = fileURLToPath(new URL('../../../cache/test-tools', import.meta.url));
/** apt's per-connection timeout (s) and retries: an unreachable mirror fails in about a minute, not apt's default minutes. */
const APT_HTTP_TIMEOUT_S = 20;
const APT_RETRIES = 1;
const DPKG_TIMEOUT_MS = 60_000;

const DONE = '.complete';

/** Pure: the cached unpacked folder of a package, if a complete one is there (the newest version name wins). */
export function cachedToolDir(dir: string, pkg: string, names: string[]): string | undefined {
  const hit = names
    .filter((n) => n.startsWith(`${pkg}-`) && existsSync(join(dir, n, DONE)))
    .sort()
    .pop();
  return hit ? join(dir, hit) : undefined;
}

/**
 * The path of `binary` (relative to the package root, e.g. usr/bin/pebble) in trixie's `pkg`,
 * downloaded and unpacked once. Throws with the mirror, what failed and what to do.
 */
export async function trixieTool(pkg: string, binary: string, dir = TEST_TOOLS_DIR, mirror = TRIXIE_MIRROR): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const cached = cachedToolDir(dir, pkg, readdirSync(dir));
  if (cached && existsSync(join(cached, binary))) return join(cached, binary);

  const aptDir = join(dir, `apt-trixie`);
  const apt = new PrivateApt(mirror, 'trixie', aptDir, { log: join(dir, 'apt.log') });
  // apt reads Dir::Etc::Parts after APT_CONFIG: these bound the download without touching the builder's class.
  mkdirSync(join(apt.dir, 'parts'), { recursive: true });
  writeFileSync(join(apt.dir, 'parts', '50test-tools-bounds'), `Acquire::http::Timeout "${APT_HTTP_TIMEOUT_S}";\nAcquire::Retries "${APT_RETRIES}";\n`);
  try {
    await apt.update();
  } catch (e) {
    throw new Error(
      `cannot get ${pkg} from Debian trixie: ${(e as Error).message}. The first-boot ARI test needs ${mirror} reachable once; ` +
        `after that it runs from ${dir} (log: ${join(dir, 'apt.log')})`,
    );
  }
  const versions = await apt.versions(pkg);
  // trixie (a stable release) lists one version; a plain sort is enough to pick among a few.
  const entry = versions.sort((a, b) => (a.version < b.version ? -1 : 1)).pop();
  if (!entry) throw new Error(`${pkg} is not in trixie/main of ${mirror}`);
  const [deb] = await apt.download([entry], join(dir, 'debs'));
  const target = join(dir, `${pkg}-${entry.version.replace(/[^A-Za-z0-9.+~-]/g, '_')}`);
  const tmp = `${target}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  await run(['dpkg-deb', '-x', deb!, tmp], { timeoutMs: DPKG_TIMEOUT_MS });
  if (!existsSync(join(tmp, binary))) throw new Error(`${deb} has no ${binary}`);
  writeFileSync(join(tmp, DONE), `${entry.name} ${entry.version} sha256:${entry.sha256}\n`);
  rmSync(target, { recursive: true, force: true });
  renameSync(tmp, target);
  return join(target, binary);
}

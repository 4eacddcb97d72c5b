import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DebvisorError } from '../core/errors.js';
import { run } from '../core/run.js';
import type { Emitter } from '../core/events.js';
import { fileSha256 } from './sources.js';

/** Debian's archive keys, from the host's debian-archive-keyring (it carries the keys of the next release too). */
export const DEBIAN_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

/** One package version as the signed index lists it. */
export interface IndexedPackage {
  name: string;
  version: string;
  filename: string;
  sha256: string;
}

/**
 * A private apt for one suite of one mirror: its own sources, lists and cache under `dir`, the
 * archive keyring and nothing of the host's apt configuration. apt checks the Release file's
 * signature, the index's hashes and every downloaded package's SHA-256, which a plain HTTP
 * download and a regular expression over Packages.xz never did.
 */
export class PrivateApt {
  readonly dir: string;
  private readonly config: string;

  constructor(
    readonly mirror: string,
    readonly suite: string,
    dir: string,
    private readonly opts: { keyring?: string; log?: string; events?: Emitter } = {},
  ) {
    this.dir = join(dir, 'apt');
    this.config = join(this.dir, 'apt.conf');
  }

  private write(): void {
    const d = this.dir;
    for (const sub of ['lists/partial', 'cache/archives/partial', 'parts', 'trusted.gpg.d', 'preferences.d', 'sources.list.d'])
      mkdirSync(join(d, sub), { recursive: true });
    if (!existsSync(join(d, 'status'))) writeFileSync(join(d, 'status'), '');
    writeFileSync(join(d, 'sources.list'), `deb [arch=amd64 signed-by=${this.opts.keyring ?? DEBIAN_KEYRING}] ${this.mirror} ${this.suite} main\n`);
    // APT_CONFIG is read first, so the host's apt.conf.d, sources and keys are never consulted.
    const snapshot = this.mirror.includes('snapshot.debian.org');
    writeFileSync(
      this.config,
      [
        `Dir::State "${d}";`,
        `Dir::State::lists "${d}/lists";`,
        `Dir::State::status "${d}/status";`,
        `Dir::Cache "${d}/cache";`,
        `Dir::Etc::SourceList "${d}/sources.list";`,
        `Dir::Etc::SourceParts "${d}/sources.list.d";`,
        `Dir::Etc::Parts "${d}/parts";`,
        `Dir::Etc::Preferences "${d}/preferences";`,
        `Dir::Etc::PreferencesParts "${d}/preferences.d";`,
        `Dir::Etc::Trusted "${d}/trusted.gpg";`,
        `Dir::Etc::TrustedParts "${d}/trusted.gpg.d";`,
        'APT::Architecture "amd64";',
        'APT::Architectures { "amd64"; };',
        'Acquire::Languages "none";',
        'Acquire::Retries "3";',
        // Our directories belong to root; apt's download sandbox user could not write into them.
        'APT::Sandbox::User "root";',
        // Snapshot Release files are expired by design.
        ...(snapshot ? ['Acquire::Check-Valid-Until "false";'] : []),
        '',
      ].join('\n'),
    );
  }

  private apt(argv: string[], cwd?: string) {
    return run(argv, { env: { APT_CONFIG: this.config, LC_ALL: 'C' }, logFile: this.opts.log, events: this.opts.events, ...(cwd ? { cwd } : {}) });
  }

  /** Fetches the suite's signed index; apt refuses a bad signature or a tampered index. */
  async update(): Promise<void> {
    this.write();
    try {
      await this.apt(['apt-get', '-q', '-o', 'APT::Update::Error-Mode=any', 'update']);
    } catch (e) {
      throw new DebvisorError('E_APT_VERIFY', `apt could not fetch a verified index of ${this.suite} from ${this.mirror}`, {
        hint: "the mirror's Release signature or index hashes did not check out (or the mirror is unreachable); see the log",
        details: [(e as Error).message],
        cause: e,
      });
    }
  }

  /** Every version of a package the verified index lists. */
  async versions(name: string): Promise<IndexedPackage[]> {
    const r = await run(['apt-cache', 'show', '--all-versions', name], { env: { APT_CONFIG: this.config, LC_ALL: 'C' }, allowFailure: true });
    if (r.exitCode !== 0) return [];
    return parseStanzas(r.stdout).filter((p) => p.name === name);
  }

  /**
   * Downloads exact versions into `dest` and returns their paths. A file already there is kept
   * only when its SHA-256 matches the verified index; apt checks every download itself.
   */
  async download(wanted: IndexedPackage[], dest: string): Promise<string[]> {
    mkdirSync(dest, { recursive: true });
    const paths: string[] = [];
    const missing: IndexedPackage[] = [];
    for (const p of wanted) {
      const path = join(dest, p.filename.split('/').pop()!);
      paths.push(path);
      if (existsSync(path) && fileSha256(path) === p.sha256) continue;
      rmSync(path, { force: true });
      missing.push(p);
    }
    if (missing.length) {
      try {
        await this.apt(['apt-get', '-q', 'download', ...missing.map((p) => `${p.name}=${p.version}`)], dest);
      } catch (e) {
        for (const p of missing) rmSync(join(dest, p.filename.split('/').pop()!), { force: true });
        throw new DebvisorError('E_APT_VERIFY', `apt refused to download ${missing.map((p) => `${p.name} ${p.version}`).join(', ')} from ${this.mirror}`, {
          hint: 'a package whose SHA-256 differs from the signed index is refused (tampered or corrupt); see the log',
          details: [(e as Error).message],
          cause: e,
        });
      }
    }
    for (const [i, p] of wanted.entries()) {
      if (fileSha256(paths[i]!) !== p.sha256)
        throw new DebvisorError('E_APT_VERIFY', `${paths[i]} does not have the SHA-256 the signed index gives for ${p.name} ${p.version}`);
    }
    return paths;
  }
}

/** Package stanzas (apt-cache show, a Packages index): name, version, pool file and SHA-256. */
export function parseStanzas(text: string): IndexedPackage[] {
  return text
    .split(/\n\s*\n/)
    .map((stanza) => {
      const field = (f: string) => new RegExp(`^${f}: (.*)$`, 'm').exec(stanza)?.[1]?.trim() ?? '';
      return { name: field('Package'), version: field('Version'), filename: field('Filename'), sha256: field('SHA256') };
    })
    .filter((p) => p.name && p.filename);
}

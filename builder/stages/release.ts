import { copyFileSync, existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../core/run.js';
import { parsePackageList, sha256sums, spdxSbom } from '../release.js';
import { fileSha256 } from '../sources.js';
import { NETBOOT_FILES, netbootDir } from './netboot.js';
import type { BuildContext, FileHash, Stage } from './stage.js';

/**
 * A file's SHA-256, taken from `known` while its size, modification time and inode are those it
 * had when hashed (as git's index does): a build with no change reads no ISO or squashfs again.
 */
export function knownSha256(path: string, known: Record<string, FileHash>, hash: (p: string) => string = fileSha256): string {
  const st = statSync(path);
  const k = known[path];
  if (k && k.size === st.size && k.mtimeMs === st.mtimeMs && k.ino === st.ino) return k.sha256;
  const sha256 = hash(path);
  known[path] = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, sha256 };
  return sha256;
}

export const isoPath = (ctx: BuildContext) => join(ctx.out, `${ctx.spec.name}-${ctx.version}-amd64.iso`);

/** Release files: the ISO and .deb copied out, the SBOM, SHA256SUMS and its signature. */
export const release: Stage = {
  name: 'release',
  summary: 'copy the ISO and .deb out, write the SBOM, SHA256SUMS and its signature',
  after: ['package-deb', 'chroot', 'binary', 'netboot'],
  always: true,
  inputs: () => ({}),
  done: () => false,
  run: async (ctx) => {
    const known = (ctx.state.hashes ??= {});
    const sha = (path: string) => knownSha256(path, known);
    const add = (path: string) => ctx.artefacts.push({ path, bytes: statSync(path).size, sha256: sha(path) });
    const iso = isoPath(ctx);
    if (ctx.spec.outputs.iso) {
      if (!existsSync(iso) || sha(iso) !== sha(ctx.lbIso)) copyFileSync(ctx.lbIso, iso);
      add(iso);
    }
    const deb = join(ctx.out, ctx.debFile);
    copyFileSync(ctx.debPath, deb);
    add(deb);
    if (ctx.spec.outputs.netboot) for (const f of [...NETBOOT_FILES, 'boot.ipxe']) add(join(netbootDir(ctx), f));
    if (ctx.spec.outputs.sbom) {
      const sbom = join(ctx.out, `${ctx.spec.name}-${ctx.version}.spdx.json`);
      const packages = parsePackageList(ctx.state.packages ?? '');
      writeFileSync(sbom, `${JSON.stringify(spdxSbom(ctx.spec.name, ctx.version, new Date(ctx.epoch * 1000).toISOString(), packages, (ctx.keys.binary ?? '').slice(0, 16)), null, 2)}\n`);
      add(sbom);
    }
    const sums = join(ctx.out, 'SHA256SUMS');
    writeFileSync(sums, sha256sums(ctx.artefacts, ctx.out));
    if (ctx.signingKey) {
      rmSync(`${sums}.sign`, { force: true });
      await run(['gpg', '--batch', '--yes', '--local-user', ctx.signingKey, '--armor', '--detach-sign', '--output', `${sums}.sign`, sums], { events: ctx.events });
    }
  },
};

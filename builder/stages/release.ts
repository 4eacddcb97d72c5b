import { copyFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { placeFile } from '../place-file.js';
import { join } from 'node:path';
import { run } from '../../core/run.js';
import { parsePackageList, sha256sums, spdxSbom } from '../release.js';
import { fileSha256 } from '../sources.js';
import { NETBOOT_FILES, netbootDir } from './netboot.js';
import type { BuildContext, FileHash, Stage } from './stage.js';

/**
 * A file's SHA-256, taken from `known` while its device, inode, size and modification time are
 * those it had when hashed (as git's index does), under this path or another (a hard link): a
 * build with no change reads no ISO or squashfs again, and a linked release file is not read twice.
 */
export function knownSha256(path: string, known: Record<string, FileHash>, hash: (p: string) => string = fileSha256): string {
  const st = statSync(path);
  const same = (k: FileHash | undefined) => k !== undefined && k.dev === st.dev && k.ino === st.ino && k.size === st.size && k.mtimeMs === st.mtimeMs;
  const k = [known[path], ...Object.values(known)].find(same);
  const sha256 = k ? k.sha256 : hash(path);
  known[path] = { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, sha256 };
  return sha256;
}

export const isoPath = (ctx: BuildContext) => join(ctx.out, `${ctx.spec.name}-${ctx.version}-amd64.iso`);

/** Release files: the ISO (linked or copied) and .deb copied out, the SBOM, SHA256SUMS and its signature. */
export const release: Stage = {
  name: 'release',
  summary: 'copy the ISO and .deb out, write the SBOM, SHA256SUMS and its signature',
  after: ['package-deb', 'chroot', 'binary', 'netboot'],
  always: true,
  inputs: () => ({}),
  done: () => false,
  run: async (ctx) => {
    ctx.state.hashes ??= {};
    const known = ctx.state.hashes;
    const sha = (path: string) => knownSha256(path, known);
    const add = (path: string) => ctx.artefacts.push({ path, bytes: statSync(path).size, sha256: sha(path) });
    const iso = isoPath(ctx);
    if (ctx.spec.outputs.iso) {
      placeFile(ctx.lbIso, iso);
      add(iso);
    }
    const deb = join(ctx.out, ctx.debFile);
    copyFileSync(ctx.debPath, deb);
    add(deb);
    if (ctx.spec.outputs.netboot) for (const f of [...NETBOOT_FILES, 'boot.ipxe']) add(join(netbootDir(ctx), f));
    if (ctx.spec.outputs.sbom) {
      const sbom = join(ctx.out, `${ctx.spec.name}-${ctx.version}.spdx.json`);
      const packages = parsePackageList(ctx.state.packages ?? '');
      writeFileSync(
        sbom,
        `${JSON.stringify(spdxSbom(ctx.spec.name, ctx.version, new Date(ctx.epoch * 1000).toISOString(), packages, (ctx.keys.binary ?? '').slice(0, 16)), null, 2)}\n`,
      );
      add(sbom);
    }
    const sums = join(ctx.out, 'SHA256SUMS');
    writeFileSync(sums, sha256sums(ctx.artefacts, ctx.out));
    if (ctx.signingKey) {
      rmSync(`${sums}.sign`, { force: true });
      await run(['gpg', '--batch', '--yes', '--local-user', ctx.signingKey, '--armor', '--detach-sign', '--output', `${sums}.sign`, sums], {
        events: ctx.events,
      });
    }
  },
};

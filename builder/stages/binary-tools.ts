import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BINARY_TOOL_FILES, BINARY_TOOL_PACKAGES, BINARY_TOOLS_MMDEBSTRAP_OPTIONS } from '../binary-tools.js';
import { sha256 } from '../sources.js';
import { binaryArchives, mmdebstrapArgv, mmdebstrapInto } from './bootstrap.js';
import type { BuildContext, Stage } from './stage.js';

/** The binary tools' root (builder/binary-tools.ts): in the work directory, beside the live-build tree (renames between them). */
export const binaryToolsDir = (ctx: Pick<BuildContext, 'work'>) => join(ctx.work, 'binary-tools');

export const makeBinaryTools = (ctx: BuildContext, log: string) =>
  mmdebstrapInto(ctx, 'binary-tools', binaryToolsDir(ctx), BINARY_TOOL_PACKAGES, log, binaryArchives(ctx.spec), BINARY_TOOLS_MMDEBSTRAP_OPTIONS);

/**
 * The suite with the binary stage's tools installed, made by mmdebstrap while the chroot stage
 * runs (it depends only on the suite and the mirror), kept while its key holds.
 */
export const binaryTools: Stage = {
  name: 'binary-tools',
  summary: 'a root with the boot loaders’ and xorriso’s packages, for live-build’s last binary steps',
  after: ['bootstrap'],
  inputs: (ctx) => ({
    mmdebstrap: sha256(JSON.stringify(mmdebstrapArgv(ctx.spec, '', BINARY_TOOL_PACKAGES, binaryArchives(ctx.spec), BINARY_TOOLS_MMDEBSTRAP_OPTIONS))),
    'mmdebstrap version': ctx.tools.mmdebstrap!,
  }),
  // The files live-build's checks look for: a root a cut-short step left without one is made again.
  done: (ctx) => BINARY_TOOL_FILES.every((f) => existsSync(join(binaryToolsDir(ctx), f))),
  run: (ctx, log) => makeBinaryTools(ctx, log),
};

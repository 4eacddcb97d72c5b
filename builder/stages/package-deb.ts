import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildDeb } from '../deb.js';
import { hashFiles, TOOL_SOURCES } from '../sources.js';
import type { Stage } from './stage.js';

/**
 * DebVisor's own tools as a Debian package. Its dates come from the last commit that touched the
 * tools, so a commit of docs alone does not change the package (and the chroot).
 */
export const packageDeb: Stage = {
  name: 'package-deb',
  summary: "compile DebVisor's tools and pack debvisor_<version>_all.deb",
  after: [],
  inputs: (ctx) => ({ sources: hashFiles(ctx.repo, TOOL_SOURCES), version: ctx.version, epoch: String(ctx.debEpoch) }),
  done: (ctx) => existsSync(ctx.debPath),
  run: async (ctx, log) => {
    await buildDeb({
      repo: ctx.repo,
      work: ctx.work,
      outDir: join(ctx.work, 'deb'),
      version: ctx.version,
      env: { ...ctx.env, SOURCE_DATE_EPOCH: String(ctx.debEpoch) },
      logFile: log,
      events: ctx.events,
    });
  },
};

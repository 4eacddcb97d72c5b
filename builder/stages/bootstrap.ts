import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { configure } from '../lb-tree.js';
import { lbConfigGroups } from '../live-build.js';
import { sha256 } from '../sources.js';
import type { Stage } from './stage.js';

/** debootstrap of the suite; live-build keeps it in cache/bootstrap for the chroot stage. */
export const bootstrap: Stage = {
  name: 'bootstrap',
  summary: 'debootstrap the suite (kept by live-build in its cache/bootstrap)',
  after: [],
  inputs: (ctx) => ({
    'lb config (bootstrap)': sha256(JSON.stringify(lbConfigGroups(ctx.spec, ctx.version).bootstrap)),
    'live-build': ctx.tools['live-build']!,
    debootstrap: ctx.tools.debootstrap!,
  }),
  done: (ctx) => existsSync(join(ctx.lb, 'cache/bootstrap')),
  run: async (ctx, log) => {
    await ctx.lbRun(['clean', '--purge'], log);
    // Only `lb config` matters here: the other files are written again by the chroot stage.
    await configure(ctx, [], log);
    await ctx.lbRun(['bootstrap'], log);
  },
};

import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify, parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { build, sourceDateEpoch, IMAGE_SOURCES } from '../../builder/build.js';
import { run } from '../../core/run.js';
import { COMPRESSIONS } from '../../builder/spec-schema.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
/** A file in the live system's overlay that the bench changes to measure an incremental build. */
const STAMP = join(repo, 'iso/includes/etc/debvisor-bench-stamp');

/**
 * A plain `lb build` of the same configuration: the live-build config the DebVisor build wrote
 * (lb config arguments, package lists, the .deb, includes, hooks, boot menus) in a fresh tree.
 */
async function plainLiveBuild(work: string, dir: string): Promise<number> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await run(['cp', '-a', join(work, 'live-build/config'), join(dir, 'config')]);
  // `lb config` with no arguments keeps that configuration and marks the tree configured.
  await run(['lb', 'config'], { cwd: dir, logFile: join(dir, 'build.log') });
  const env = {
    ...(process.env as Record<string, string>),
    SOURCE_DATE_EPOCH: String(await sourceDateEpoch(repo, IMAGE_SOURCES)),
    LC_ALL: 'C.UTF-8',
    DEBIAN_FRONTEND: 'noninteractive',
  };
  const t0 = Date.now();
  await run(['lb', 'build'], { cwd: dir, env, logFile: join(dir, 'build.log') });
  const ms = Date.now() - t0;
  await run(['lb', 'clean', '--purge'], { cwd: dir, env, logFile: join(dir, 'build.log'), allowFailure: true });
  return ms;
}

/**
 * Cold, no-change and one-overlay-change builds per compression, from the build reports, each
 * as a ratio of the cold build; with `plain`, a plain `lb build` of the same configuration too.
 */
export async function benchBuild(compressions: string[] = ['lz4', 'xz'], plain = true): Promise<Record<string, string | number>> {
  const out: Record<string, string | number> = {};
  for (const c of compressions) {
    if (!(COMPRESSIONS as readonly string[]).includes(c)) throw new Error(`unknown compression ${c}`);
    const base = join(repo, 'cache/bench', c);
    rmSync(base, { recursive: true, force: true });
    mkdirSync(base, { recursive: true });
    const spec = parse(readFileSync(join(repo, 'iso/build.yaml'), 'utf8')) as { squashfs: { compression: string } };
    spec.squashfs.compression = c;
    const specFile = join(base, 'build.yaml');
    writeFileSync(specFile, stringify(spec));
    const opts = { repo, spec: specFile, out: join(base, 'out'), work: join(base, 'work') };
    try {
      const cold = await build(opts);
      const again = await build(opts);
      writeFileSync(STAMP, `${Date.now()}\n`);
      const overlay = await build(opts);
      const iso = cold.report.artefacts.find((a) => a.path.endsWith('.iso'))!;
      out[`${c}: cold build (s)`] = Math.round(cold.report.durationMs / 1000);
      out[`${c}: no-change rebuild (s)`] = Math.round(again.report.durationMs / 1000);
      out[`${c}: speed-up, no change`] = `${(cold.report.durationMs / again.report.durationMs).toFixed(1)}x`;
      out[`${c}: one overlay file changed (s)`] = Math.round(overlay.report.durationMs / 1000);
      // Where each build's time went (stages overlap: bootstrap and binary-tools beside others).
      const stageTimes = (r: typeof cold.report) =>
        r.stages
          .filter((s) => s.status === 'ran')
          .map((s) => `${s.name} ${Math.round((s.durationMs ?? 0) / 100) / 10}`)
          .join(', ');
      out[`${c}: cold build stages (s)`] = stageTimes(cold.report);
      out[`${c}: one-overlay-change stages (s)`] = stageTimes(overlay.report);
      out[`${c}: stages rerun without a change`] = stageTimes(again.report) || 'none';
      out[`${c}: stages rerun after the change`] = overlay.report.stages
        .filter((s) => s.status === 'ran')
        .map((s) => s.name)
        .join(', ');
      out[`${c}: no-change ratio (goal <= 0.02)`] = (again.report.durationMs / cold.report.durationMs).toFixed(3);
      out[`${c}: one-overlay-change ratio (goal <= 0.25)`] = (overlay.report.durationMs / cold.report.durationMs).toFixed(3);
      for (const [k, v] of Object.entries(out)) if (k.startsWith(`${c}:`)) console.log(`  ${k.padEnd(48)} ${v}`);
      if (plain) {
        const lbMs = await plainLiveBuild(opts.work, join(base, 'plain-lb'));
        out[`${c}: plain lb build (s)`] = Math.round(lbMs / 1000);
        out[`${c}: cold build / plain lb build (goal <= 0.7)`] = (cold.report.durationMs / lbMs).toFixed(3);
      }
      out[`${c}: ISO size (MiB)`] = Math.round(iso.bytes / 2 ** 20);
    } finally {
      rmSync(STAMP, { force: true });
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const compressions = args.filter((a) => !a.startsWith('--'));
  const figures = await benchBuild(compressions.length ? compressions : undefined, !args.includes('--no-plain'));
  console.log('\nbuild');
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(48)} ${v}`);
}

import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify, parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { build } from '../../builder/build.js';
import { COMPRESSIONS } from '../../builder/spec-schema.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
/** A file in the live system's overlay that the bench changes to measure an incremental build. */
const STAMP = join(repo, 'iso/includes/etc/debvisor-bench-stamp');

/** Cold, no-change and one-overlay-change builds per compression, from the build reports. */
export async function benchBuild(compressions: string[] = ['lz4', 'xz']): Promise<Record<string, string | number>> {
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
      out[`${c}: stages rerun after the change`] = overlay.report.stages.filter((s) => s.status === 'ran').map((s) => s.name).join(', ');
      out[`${c}: ISO size (MiB)`] = Math.round(iso.bytes / 2 ** 20);
    } finally {
      rmSync(STAMP, { force: true });
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchBuild(process.argv.slice(2).length ? process.argv.slice(2) : undefined);
  console.log('\nbuild');
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(40)} ${v}`);
}

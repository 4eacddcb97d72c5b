import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT, defineCommand } from '../../core/cli/command.js';
import { createEmitter, plainSink, jsonLinesSink, terminalSink } from '../../core/events.js';
import { build } from '../build.js';

/** The checkout this module runs from: the sources, or their compiled copy under dist/. */
function checkout(): string {
  const here = fileURLToPath(new URL('../..', import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'iso/build.yaml'))) return dir.endsWith('/') ? dir : `${dir}/`;
    if (dirname(dir) === dir) return here;
  }
}

export default defineCommand({
  words: ['build'],
  summary: 'build the DebVisor ISO, netboot files, checksums, SBOM and build report (as root)',
  options: {
    spec: { type: 'string', help: 'build spec (default iso/build.yaml)' },
    out: { type: 'string', help: 'output directory (default out/)' },
    work: { type: 'string', help: 'work and cache directory (default cache/build/)' },
    json: { type: 'boolean', help: 'events as JSON lines' },
  },
  async run({ values, io }) {
    const repo = checkout();
    // Progress inside the stages: one redrawn line on a terminal, a line each otherwise, events with --json.
    const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
    const events = createEmitter({ sinks: [values.json ? jsonLinesSink(io.stderr) : tty ? terminalSink(io.stderr) : plainSink(io.stderr)] });
    const r = await build({
      repo,
      spec: values.spec ?? `${repo}iso/build.yaml`,
      out: values.out ?? `${repo}out`,
      ...(values.work ? { work: values.work } : {}),
      events,
    });
    for (const s of r.report.stages)
      io.stdout.write(`${s.name.padEnd(12)} ${s.status.padEnd(6)} ${String(Math.round(s.durationMs / 100) / 10).padStart(6)} s  ${s.reason}\n`);
    if (r.iso) io.stdout.write(`ISO: ${r.iso}\n`);
    io.stdout.write(`report: ${r.reportPath}\n`);
    return EXIT.ok;
  },
});

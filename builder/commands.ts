import { fileURLToPath } from 'node:url';
import type { Command } from '../core/cli/command.js';
import { EXIT } from '../core/cli/command.js';
import { createEmitter, plainSink, jsonLinesSink, terminalSink } from '../core/events.js';
import { build } from './build.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));

export const buildCommand: Command = {
  words: ['build'],
  summary: 'build the DebVisor ISO, netboot files, checksums, SBOM and build report (as root)',
  args: '',
  minArgs: 0,
  maxArgs: 0,
  options: { spec: { type: 'string' }, out: { type: 'string' }, work: { type: 'string' }, json: { type: 'boolean' } },
  optionHelp: { spec: 'build spec (default iso/build.yaml)', out: 'output directory (default out/)', work: 'work and cache directory (default cache/build/)', json: 'events as JSON lines' },
  async run({ values, io }) {
    // Progress inside the stages: one redrawn line on a terminal, a line each otherwise, events with --json.
    const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
    const events = createEmitter({ sinks: [values.json ? jsonLinesSink(io.stderr) : tty ? terminalSink(io.stderr) : plainSink(io.stderr)] });
    const r = await build({
      repo: REPO,
      spec: (values.spec as string | undefined) ?? `${REPO}iso/build.yaml`,
      out: (values.out as string | undefined) ?? `${REPO}out`,
      ...(values.work ? { work: values.work as string } : {}),
      events,
    });
    for (const s of r.report.stages) io.stdout.write(`${s.name.padEnd(12)} ${s.status.padEnd(6)} ${String(Math.round(s.durationMs / 100) / 10).padStart(6)} s  ${s.reason}\n`);
    if (r.iso) io.stdout.write(`ISO: ${r.iso}\n`);
    io.stdout.write(`report: ${r.reportPath}\n`);
    return EXIT.ok;
  },
};

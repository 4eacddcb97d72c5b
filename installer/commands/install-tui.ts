import { existsSync } from 'node:fs';
import { EXIT, defineCommand } from '../../core/cli/command.js';
import { UsageError } from '../../core/errors.js';
import { formatIssue } from '../../core/issue.js';
import type { HardwareFacts } from '../../profiles/facts.js';
import type { PlainObject } from '../../profiles/merge.js';

export default defineCommand({
  words: ['install', 'tui'],
  summary: 'the interactive installer (keyboard only, 80x25, serial console): fills a profile, shows the plan, installs through install apply',
  options: {
    facts: { type: 'string', help: 'plan for the machine this facts file describes (mock mode with --dry-run); default: read this machine, read-only' },
    profile: { type: 'string', help: 'a partial profile: its answers are preloaded and only what it lacks is asked' },
    export: { type: 'string', help: 'save the answers as a profile here when the install is confirmed (also Ctrl-S on the summary)' },
    'dry-run': { type: 'boolean', help: 'end at the plan: touch no disk (with --facts: a mock install for development and CI)' },
    ascii: { type: 'boolean', help: 'ASCII only: no box drawing or QR blocks (set by itself for TERM=vt100, vt220, linux-serial or DEBVISOR_TUI_ASCII=1)' },
  },
  async run({ values, io }) {
    for (const [opt, file] of [
      ['--facts', values.facts],
      ['--profile', values.profile],
    ] as const) {
      if (file !== undefined && !existsSync(file)) throw new UsageError(`no such file: ${file}`, `give an existing file to ${opt}`);
    }
    if (!process.stdin.isTTY) throw new UsageError('the installer needs a terminal', 'run it on a console, or use install apply with a profile');
    // Ink draws nothing but its last frame when CI is set (is-in-ci, read once as Ink loads): the
    // installer is interactive on a terminal and must draw, so Ink loads without it.
    const ciVars = ['CI', 'CONTINUOUS_INTEGRATION'].map((k) => [k, process.env[k]] as const);
    for (const [k] of ciVars) delete process.env[k];
    // Ink and React load only when the installer runs (not for --help).
    const [{ runTui }, { liveEngine }, { wantsAscii }, { loadProfile }, { loadFactsFile }, { gatherFacts }, { version }] = await Promise.all([
      import('../tui/run-tui.js'),
      import('../tui/engine.js'),
      import('../tui/ui/look.js'),
      import('../../profiles/load.js'),
      import('../facts/facts-file.js'),
      import('../facts/gather.js'),
      import('../../core/cli/run-cli.js'),
    ]);
    for (const [k, v] of ciVars) if (v !== undefined) process.env[k] = v;
    let facts: HardwareFacts;
    if (values.facts !== undefined) {
      const f = loadFactsFile(values.facts);
      if (!f.ok) {
        for (const i of f.issues) io.stderr.write(`${formatIssue(i)}\n`);
        return EXIT.failed;
      }
      facts = f.value;
    } else facts = await gatherFacts({ by: `debvisor ${version()}` });
    let base: PlainObject = {};
    if (values.profile !== undefined) {
      // A partial profile is loaded (extends merged) but not validated: what it lacks is what the TUI asks.
      const l = loadProfile(values.profile);
      if (!l.ok) {
        for (const i of l.issues) io.stderr.write(`${formatIssue(i)}\n`);
        return EXIT.failed;
      }
      base = l.profile.data;
    }
    const dryRun = values['dry-run'] === true;
    const engine = liveEngine({ dryRun, ...(values.facts !== undefined ? { factsPath: values.facts } : {}) });
    const end = await runTui({
      facts,
      base,
      engine,
      dryRun,
      ascii: wantsAscii(process.env, values.ascii),
      ...(values.export ? { exportPath: values.export } : {}),
    });
    if (end.code === 'aborted') {
      io.stdout.write('\ninstaller aborted: nothing was touched\n');
      return EXIT.failed;
    }
    return end.ok ? EXIT.ok : EXIT.failed;
  },
});

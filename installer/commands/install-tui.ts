import { existsSync } from 'node:fs';
import { EXIT, defineCommand } from '../../core/cli/command.js';
import { UsageError } from '../../core/errors.js';
import { formatIssue } from '../../core/issue.js';
import { safeText } from '../../core/text.js';
import type { HardwareFacts } from '../../profiles/facts.js';
import type { PlainObject } from '../../profiles/merge.js';

export default defineCommand({
  words: ['install', 'tui'],
  summary: 'the interactive installer (keyboard only, 80x25, serial console): fills a profile, shows the plan, installs through install apply',
  options: {
    facts: { type: 'string', help: 'plan for the machine this facts file describes (mock mode with --dry-run); default: read this machine, read-only' },
    profile: { type: 'string', help: 'a partial profile: its answers are preloaded and only what it lacks is asked' },
    discover: {
      type: 'boolean',
      help: 'preload a partial profile from where the unattended install looks (kernel command line, a DEBVISOR-PROFILE stick, the ISO, DHCP); the ISO entries use it',
    },
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
    if (values.discover && values.profile !== undefined) throw new UsageError('give --profile or --discover, not both', 'drop one of them');
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
    let preloadFile = values.profile;
    let preloadedFrom: string | undefined;
    if (values.discover) {
      io.stdout.write('Looking for a profile to preload (kernel command line, DEBVISOR-PROFILE stick, the ISO, DHCP)...\n');
      const { findPreload } = await import('../unattended/preload.js');
      const { liveDiscoverEffects } = await import('../unattended/discover-effects.js');
      const { ALLOWED_SIGNERS } = await import('../unattended/run-unattended.js');
      const factsJson = `${JSON.stringify(facts, null, 2)}\n`;
      const p = await findPreload({ effects: liveDiscoverEffects(async () => factsJson), dir: '/run/debvisor/tui', allowedSigners: ALLOWED_SIGNERS });
      if (p.kind === 'found') {
        preloadFile = p.path;
        preloadedFrom = safeText(p.source);
      } else if (p.kind === 'unusable') {
        // The operator is at the console: say why nothing is preloaded, then ask everything.
        io.stderr.write(
          `not preloaded: ${safeText(p.message)}${p.hint ? `\n  hint: ${safeText(p.hint)}` : ''}\nThe installer asks every answer (starting in 10 s).\n`,
        );
        await new Promise((r) => setTimeout(r, 10_000));
      }
    }
    if (preloadFile !== undefined) {
      // A partial profile is loaded (extends merged) but not validated: what it lacks is what the TUI asks.
      const l = loadProfile(preloadFile);
      if (!l.ok) {
        for (const i of l.issues) io.stderr.write(`${formatIssue(i)}\n`);
        if (!preloadedFrom) return EXIT.failed;
        // A found profile that does not load must not keep the console from installing.
        io.stderr.write(`not preloaded: the profile from ${preloadedFrom} does not load\nThe installer asks every answer (starting in 10 s).\n`);
        await new Promise((r) => setTimeout(r, 10_000));
        preloadedFrom = undefined;
      } else base = l.profile.data;
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
      ...(preloadedFrom ? { preloadedFrom } : {}),
    });
    if (end.code === 'aborted') {
      io.stdout.write('\ninstaller aborted: nothing was touched\n');
      return EXIT.failed;
    }
    return end.ok ? EXIT.ok : EXIT.failed;
  },
});

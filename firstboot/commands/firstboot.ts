import { EXIT, defineCommand } from '../../core/cli/command.js';
import { createEmitter, plainSink } from '../../core/events.js';
import { fqdnOf } from '../../overlays/panel/nginx.js';
import { runMachine } from '../machine.js';
import { readOverrides, toolsFrom } from '../overrides.js';
import { FIRSTBOOT_MARKER } from '../paths.js';
import { loadNodeProfile } from '../profile.js';
import { readStatus, renderStatus, writeLoginScreens } from '../status.js';
import { firstbootSteps } from '../steps/index.js';

export { FIRSTBOOT_MARKER };

export default defineCommand({
  words: ['firstboot'],
  summary: "run a node's first-boot steps once (DNS, certificate, cluster, hooks, hand-off); the timer reruns it until all are done",
  options: {
    root: { type: 'string', help: 'system root (default /)' },
    profile: { type: 'string', help: 'profile file (default: the installed profile of the root)' },
    retry: { type: 'boolean', help: 'attempt failed and waiting steps now' },
  },
  async run({ values, io }) {
    const root = values.root ?? '/';
    const emit = createEmitter({ sinks: [plainSink(io.stdout)] });
    // The unit starts Node from the installer's snapshot when it can (core/tool-paths.ts): said, since it is most of the start's time.
    if (process.execArgv.includes('--snapshot-blob')) emit.info("Node started from the installer's start snapshot");
    const profile = await loadNodeProfile(root, values.profile, { keep: true });
    const o = readOverrides();
    const tools = toolsFrom(o);
    const r = await runMachine({
      root,
      node: fqdnOf(profile),
      profile,
      steps: firstbootSteps(profile, tools),
      emit,
      ...(o.timing ? { timing: o.timing } : {}),
      retryNow: Boolean(values.retry),
    });
    const status = readStatus(root);
    writeLoginScreens(root, status, fqdnOf(profile));
    io.stdout.write(`${renderStatus(status, fqdnOf(profile)).join('\n')}\n`);
    return r.state === 'failed' ? EXIT.failed : EXIT.ok;
  },
});

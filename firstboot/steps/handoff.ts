import { at, writeAtomic } from '../atomic.js';
import { RUNTIME_GATE, RUNTIME_TARGET } from '../paths.js';
import type { FirstbootStep } from '../step.js';
import type { StepTools } from '../tools.js';

/**
 * Starts debvisor-runtime.target (the runtime services hook in with WantedBy=). It comes after
 * the local steps only: a remote step still retrying does not hold it back.
 */
export function handoffStep(tools: Pick<StepTools, 'systemctl'>): FirstbootStep {
  return {
    name: 'handoff',
    kind: 'local',
    async run(ctx) {
      // The target's condition: from now on (and on every later boot) it may start.
      writeAtomic(at(ctx.root, RUNTIME_GATE), `${new Date().toISOString()}\n`);
      // --no-block: the runtime's units may order themselves after this service.
      await tools.systemctl(['start', '--no-block', RUNTIME_TARGET]);
      return { summary: `started ${RUNTIME_TARGET}` };
    },
  };
}

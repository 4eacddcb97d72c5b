import { RUNTIME_TARGET } from '../paths.js';
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
    async run() {
      // --no-block: the runtime's units may order themselves after this service.
      await tools.systemctl(['start', '--no-block', RUNTIME_TARGET]);
      return { summary: `started ${RUNTIME_TARGET}` };
    },
  };
}

import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { CommandError } from '../../core/run.js';
import type { Profile } from '../../profiles/schema/profile.js';
import { at } from '../atomic.js';
import { type FirstbootStep, StepError } from '../step.js';
import type { StepTools } from '../tools.js';

export type HookOrdering = Profile['firstboot']['hooks'][number]['ordering'];
/** Where each hook's output goes on the node (beside the journal's copy of the events). */
export const HOOK_LOG = '/var/log/debvisor/firstboot-hooks.log';

/** One step per hook of the given ordering, in profile order; each runs once (its marker). */
export function hookSteps(profile: Profile, ordering: HookOrdering, tools: Pick<StepTools, 'run'>): FirstbootStep[] {
  return profile.firstboot.hooks
    .filter((h) => h.ordering === ordering)
    .map((h) => ({
      name: `hook-${h.name}`,
      kind: 'local' as const,
      async run(ctx) {
        const log = at(ctx.root, HOOK_LOG);
        mkdirSync(dirname(log), { recursive: true });
        appendFileSync(log, `--- hook ${h.name} (${h.ordering}) at ${new Date().toISOString()}: ${JSON.stringify(h.run)}\n`, { mode: 0o640 });
        try {
          const r = await tools.run(h.run, { timeoutMs: h.timeoutSec * 1000, logFile: log, events: ctx.emit, step: `hook-${h.name}` });
          return { summary: `ran ${h.run[0]} (${r.durationMs} ms)` };
        } catch (err) {
          const e = err as CommandError;
          throw new StepError('E_HOOK_FAILED', `hook ${h.name} failed: ${e.message}`, {
            retryable: false,
            hint: `its output is in ${HOOK_LOG}; fix it and run debvisor firstboot --retry`,
            details: e instanceof CommandError ? e.stderrTail : [],
          });
        }
      },
    }));
}

import { existsSync, readFileSync } from 'node:fs';
import { at } from '../atomic.js';
import type { FirstbootStep } from '../step.js';
import type { StepTools } from '../tools.js';

/**
 * What must differ between nodes made from one image: the machine ID and the SSH host keys. The
 * installer makes them; this step makes any that are missing (an image copied by other means).
 */
export function uniqueStep(tools: Pick<StepTools, 'run'>): FirstbootStep {
  return {
    name: 'unique-ids',
    kind: 'local',
    async run(ctx) {
      const made: string[] = [];
      const id = at(ctx.root, '/etc/machine-id');
      if (!existsSync(id) || readFileSync(id, 'utf8').trim() === '') {
        await tools.run(['systemd-machine-id-setup', `--root=${ctx.root}`], { events: ctx.emit, step: 'unique-ids' });
        made.push('machine-id');
      }
      if (!existsSync(at(ctx.root, '/etc/ssh/ssh_host_ed25519_key'))) {
        await tools.run(['ssh-keygen', '-A', '-f', ctx.root], { events: ctx.emit, step: 'unique-ids' });
        made.push('SSH host keys');
      }
      return { summary: made.length ? `made ${made.join(' and ')}` : 'machine ID and SSH host keys present' };
    },
  };
}

import type { Io, OptionValues } from '../../../core/cli/command.js';
import { EXIT } from '../../../core/cli/command.js';
import { UsageError } from '../../../core/errors.js';
import { createEmitter, plainSink } from '../../../core/events.js';
import { applyFirewall, DEFAULT_CONFIRM_SECONDS } from '../apply.js';

// What the firewall commands share: the --root option, the apply options and the apply report.

export const rootOption = { type: 'string', help: 'system root holding etc/debvisor/firewall.yaml (default /)' } as const;

export const applyOptions = {
  root: rootOption,
  'confirm-timeout': { type: 'string', help: `seconds to confirm before the old ruleset returns (default ${DEFAULT_CONFIRM_SECONDS})` },
  yes: { type: 'boolean', help: 'keep the new ruleset at once, without the confirmation safety net' },
} as const;

type ApplyValues = OptionValues<typeof applyOptions>;

export const rootOf = (v: { root?: string }): string => v.root ?? '/';
export const infoEvents = (io: Io) => createEmitter({ sinks: [plainSink(io.stderr, 'info')] });

function confirmSeconds(v: ApplyValues): number {
  if (v.yes) return 0;
  const raw = v['confirm-timeout'];
  if (raw === undefined) return DEFAULT_CONFIRM_SECONDS;
  if (!/^[0-9]+$/.test(raw)) throw new UsageError(`--confirm-timeout must be a number of seconds, got '${raw}'`);
  return Number(raw);
}

export async function applyAndReport(io: Io, v: ApplyValues): Promise<number> {
  const r = await applyFirewall({ root: rootOf(v), confirmSeconds: confirmSeconds(v), events: infoEvents(io) });
  if (r.pending) {
    io.stdout.write(
      `applied; the previous ruleset comes back at ${r.pending.deadline} unless you run: debvisor firewall confirm${v.root ? ` --root ${v.root}` : ''}\n`,
    );
  } else {
    io.stdout.write('applied and saved\n');
  }
  return EXIT.ok;
}

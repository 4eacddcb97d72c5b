import type { HardwareFacts } from '../../profiles/facts.js';

/**
 * How `debvisor profile serve DIR` picks a profile for a machine (pure). DIR holds YAML files
 * named after what identifies a machine, tried in this order:
 *
 *   uuid-<DMI system UUID>.yaml     (lower case)
 *   serial-<DMI system serial>.yaml
 *   mac-<aa-bb-cc-dd-ee-ff>.yaml    (each NIC's permanent MAC, in the facts' order)
 *   default.yaml                    (every other machine; without it they get 404)
 *
 * A `NAME.yaml.sig` beside a file (see `debvisor profile sign`) is sent with it.
 */
export const DEFAULT_ANSWER = 'default.yaml';

/** What may appear in a file name taken from the facts (anything else is never looked up). */
const SAFE = /^[A-Za-z0-9._-]{1,128}$/;

export interface Choice {
  file: string;
  /** Why, for the server's log: `DMI UUID 4c4c...`, `MAC 52:54:00:..`, `default`. */
  reason: string;
}

/** The file names a machine could be answered by, most specific first. */
export function answerCandidates(facts: HardwareFacts): Choice[] {
  const out: Choice[] = [];
  const uuid = facts.dmi?.uuid?.toLowerCase();
  if (uuid && SAFE.test(uuid)) out.push({ file: `uuid-${uuid}.yaml`, reason: `DMI UUID ${uuid}` });
  const serial = facts.dmi?.serial;
  if (serial && SAFE.test(serial)) out.push({ file: `serial-${serial}.yaml`, reason: `DMI serial ${serial}` });
  for (const nic of facts.nics ?? []) out.push({ file: `mac-${nic.mac.replace(/:/g, '-')}.yaml`, reason: `MAC ${nic.mac} (${nic.name})` });
  out.push({ file: DEFAULT_ANSWER, reason: 'default' });
  return out;
}

/** The first candidate DIR has, or undefined. */
export function chooseAnswer(facts: HardwareFacts, files: ReadonlySet<string>): Choice | undefined {
  return answerCandidates(facts).find((c) => files.has(c.file));
}

import { sha256 } from './sources.js';

/** A stage's real inputs, each reduced to a hash or a short value. */
export type Inputs = Record<string, string>;

export interface StageRecord {
  key: string;
  inputs: Inputs;
}

export interface Decision {
  run: boolean;
  /** Why it ran or was reused, for the build log and the report. */
  reason: string;
}

export function stageKey(inputs: Inputs): string {
  return sha256(JSON.stringify(Object.entries(inputs).sort(([a], [b]) => a.localeCompare(b))));
}

/**
 * Pure: run a stage when its inputs changed or its output is gone. A stage that depends on
 * another has that stage's key (or output hash) among its inputs, so a change travels down the
 * graph, while a stage that ran and produced the same output does not force the next one.
 */
export function decide(name: string, inputs: Inputs, previous: StageRecord | undefined, outputExists: boolean): Decision {
  if (!previous) return { run: true, reason: 'no earlier build' };
  const changed = Object.keys({ ...inputs, ...previous.inputs })
    .filter((k) => inputs[k] !== previous.inputs[k])
    .sort();
  if (changed.length) return { run: true, reason: `changed: ${changed.join(', ')}` };
  if (!outputExists) return { run: true, reason: `the output of ${name} is missing` };
  return { run: false, reason: 'inputs unchanged' };
}

/**
 * For outputs kept per key (the kernel packages): a build with the same inputs made any time
 * earlier is reused, not only the last one, so switching back to an older config costs nothing.
 */
export function decideKeyed(name: string, inputs: Inputs, previous: StageRecord | undefined, keyedOutputExists: boolean): Decision {
  const d = decide(name, inputs, previous, keyedOutputExists);
  if (!keyedOutputExists || !d.run) return d;
  return { run: false, reason: `${d.reason}; reused the packages an earlier build made from these same inputs` };
}

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

/** Pure: run a stage when its inputs changed, its output is gone, or an earlier stage ran. */
export function decide(name: string, inputs: Inputs, previous: StageRecord | undefined, outputExists: boolean, earlierRan: string | undefined): Decision {
  if (!previous) return { run: true, reason: 'no earlier build' };
  const changed = Object.keys({ ...inputs, ...previous.inputs }).filter((k) => inputs[k] !== previous.inputs[k]).sort();
  if (changed.length) return { run: true, reason: `changed: ${changed.join(', ')}` };
  if (!outputExists) return { run: true, reason: `the output of ${name} is missing` };
  if (earlierRan) return { run: true, reason: `the earlier stage ${earlierRan} ran` };
  return { run: false, reason: 'inputs unchanged' };
}

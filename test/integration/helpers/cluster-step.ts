// Runs the first-boot `cluster` step once, as the state machine would, inside the caller's
// namespace: usage: cluster-step.ts PROFILE.json ROOT STATE.json. Prints one JSON line: the
// result, or the StepError (code, retryable, message).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { clusterStep } from '../../../cluster/firstboot-step.js';
import { createEmitter, plainSink } from '../../../core/events.js';
import { StepError } from '../../../firstboot/step.js';
import type { Profile } from '../../../profiles/schema/profile.js';

const [profileFile, root, stateFile] = process.argv.slice(2) as [string, string, string];
const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as Profile;
const state = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, unknown>) : {};
const step = clusterStep(profile);
try {
  const r = await step.run({
    profile,
    root,
    emit: createEmitter({ sinks: [plainSink(process.stderr)] }),
    signal: AbortSignal.timeout(120_000),
    state,
    save: async () => writeFileSync(stateFile, JSON.stringify(state)),
  });
  process.stdout.write(`${JSON.stringify({ ok: true, kind: step.kind, ...r })}\n`);
} catch (err) {
  const e = err as StepError;
  process.stdout.write(
    `${JSON.stringify({ ok: false, kind: step.kind, code: e.code, retryable: e instanceof StepError ? e.retryable : undefined, message: e.message })}\n`,
  );
  process.exitCode = 1;
}

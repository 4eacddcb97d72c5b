import { render } from 'ink';
import type { HardwareFacts } from '../../profiles/facts.js';
import type { PlainObject } from '../../profiles/merge.js';
import { checkTotpCode, newTotpSecret } from '../../overlays/ssh/mfa.js';
import type { TuiEngine } from './engine.js';
import { startState, type TuiEnv } from './model/navigation.js';
import { App, type TuiExit } from './ui/app.js';
import { LookContext } from './ui/look.js';

export interface TuiOptions {
  facts: HardwareFacts;
  /** A partial profile (merged, no defaults): its answers are preloaded. */
  base: PlainObject;
  engine: TuiEngine;
  dryRun: boolean;
  ascii: boolean;
  exportPath?: string;
  /** Where `base` came from, shown on the welcome screen. */
  preloadedFrom?: string;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
}

/** The environment of the controller: the facts, and the TOTP helpers of overlays/ssh/mfa.ts. */
export function tuiEnv(facts: HardwareFacts): TuiEnv {
  return { ctx: { facts }, newTotp: newTotpSecret, checkCode: checkTotpCode };
}

/** Runs the installer on a terminal until it is left: installed, failed, or aborted. */
export async function runTui(opts: TuiOptions): Promise<TuiExit> {
  const env = tuiEnv(opts.facts);
  const initial = startState(opts.base, env.ctx, {
    ...(opts.exportPath ? { exportPath: opts.exportPath } : {}),
    ...(opts.preloadedFrom ? { preloadedFrom: opts.preloadedFrom } : {}),
  });
  let result: TuiExit = { code: 'aborted' };
  const out = opts.stdout ?? process.stdout;
  // A clean screen: Ink then draws from the top, and the frame stays in place.
  out.write('\x1b[2J\x1b[H');
  const app = render(
    <LookContext.Provider value={{ ascii: opts.ascii }}>
      <App initial={initial} env={env} engine={opts.engine} dryRun={opts.dryRun} onExit={(e) => (result = e)} />
    </LookContext.Provider>,
    { stdout: out, stdin: opts.stdin ?? process.stdin, exitOnCtrlC: false, patchConsole: false },
  );
  await app.waitUntilExit();
  return result;
}

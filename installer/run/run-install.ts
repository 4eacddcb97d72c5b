import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname as machineHostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { locate } from '../../core/checked-yaml.js';
import { version } from '../../core/cli/run-cli.js';
import { formatPosition } from '../../core/errors.js';
import { createEmitter, type DebvisorEvent, type EventSink } from '../../core/events.js';
import { formatIssue, issueAt } from '../../core/issue.js';
import { run as realRun } from '../../core/run.js';
import type { HardwareFacts } from '../../profiles/facts.js';
import { redactSecrets } from '../../profiles/redact.js';
import { validateProfile, type ValidationResult } from '../../profiles/validate.js';
import { applyPlan } from '../apply/apply-plan.js';
import { DEFAULT_TARGET, LIVE_LOG_DIR, LIVE_SQUASHFS, renderInstalledProfile, type ApplyContext, type Runner } from '../apply/context.js';
import { createAccountsOnTarget, renderDefaultsOnTarget } from '../apply/on-target.js';
import { loadFactsFile } from '../facts/facts-file.js';
import { gatherFacts } from '../facts/gather.js';
import { formatPlan } from '../plan/format-plan.js';
import { planInstall } from '../plan/plan-install.js';
import type { InstallPlan } from '../plan/types.js';
import { fanOut, fileSink, MASK, MIN_MASKED_SECRET, textSink, type TextOut } from '../progress/sinks.js';
import { WEBHOOK_FLUSH_MS, webhookSink, type WebhookOptions, type WebhookSink } from '../progress/webhook.js';
import { writeSupportBundle } from './bundle.js';
import { STEP_HINTS, formatFailure, summarizeError, type AfterFailure, type FailureDraft, type FailureSummary } from './failure.js';
import { secretValues } from './secrets.js';

/** The lines a watcher (the serial console, a test, the e2e) waits for. */
export const SUCCEEDED = 'DebVisor install SUCCEEDED';
export const FAILED = 'DebVisor install FAILED';
/** Seconds the failure screen stays before install.onError reboots or powers off. */
export const ON_ERROR_DELAY_SECONDS = 15;

export interface RunInstallOptions {
  /** A local profile file (the unattended runner fetches or copies it first). */
  profilePath: string;
  /** Where it came from, for messages ("kernel cmdline https://...", "label DEBVISOR-PROFILE"). */
  profileOrigin?: string;
  /** Recorded facts; else this machine is read. */
  factsPath?: string;
  target?: string;
  squashfs?: string;
  /** Stop after the plan (printed): touch nothing. */
  dryRun?: boolean;
  /** Where human lines go (tty1, serial). */
  consoles: TextOut[];
  /** Where every event goes as a JSON line (the serial console). */
  eventStreams?: TextOut[];
  /** Writable places to try for the support bundle (boot medium, profile stick), then /tmp. */
  bundleDirs: string[];
  /** Honour install.finish and install.onError (reboot, poweroff, halt); false in tests and with --no-reboot. */
  finishAction?: boolean;
  /** install.log and events.jsonl (default /run/debvisor/install; copied onto the node by the save-logs step). */
  logDir?: string;
  /** Extra CA certificates (PEM) trusted for the webhook, besides Node's list. */
  webhookCa?: string;
  webhookFlushMs?: number;
  /** Retry and queue limits of the webhook (tests shorten them). */
  webhookTuning?: Pick<WebhookOptions, 'attempts' | 'backoff' | 'requestTimeoutMs' | 'queueLimit'>;
  onErrorDelaySeconds?: number;
  /** The command runner for the steps and the finish action (core/run.ts); tests record. */
  run?: Runner;
  createAccounts?: ApplyContext['createAccounts'];
  renderDefaults?: ApplyContext['renderDefaults'];
  clock?: () => Date;
}

export interface RunInstallResult {
  ok: boolean;
  fqdn?: string;
  bundle?: string;
  failure?: FailureSummary;
}

type Valid = Extract<ValidationResult, { ok: true }>;

/** What a failure has to say, gathered as the run goes. */
interface Known {
  r?: ValidationResult;
  facts?: HardwareFacts;
  plan?: InstallPlan;
  secrets: string[];
}

function openLogDir(dir: string): { dir: string; note?: string } {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return { dir };
  } catch (err) {
    const tmp = mkdtempSync(join(tmpdir(), 'debvisor-install-log-'));
    return { dir: tmp, note: `cannot write ${dir} (${(err as Error).message}): the log is in ${tmp}` };
  }
}

function readCmdline(): string {
  try {
    return readFileSync('/proc/cmdline', 'utf8');
  } catch {
    return '';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One install from a profile file, as the `install apply` command and the unattended runner
 * run it: validate, read the facts, plan (printed), and only then apply, each step an event to
 * the consoles, the log, the serial port and the profile's webhook. A failure at any point gives
 * the failure screen and a support bundle; before the apply nothing is touched. install.finish
 * and install.onError are carried out only when `finishAction` is set.
 */
export async function runInstall(opts: RunInstallOptions): Promise<RunInstallResult> {
  const clock = opts.clock ?? (() => new Date());
  const runner = opts.run ?? realRun;
  const log = openLogDir(opts.logDir ?? LIVE_LOG_DIR);
  const logFiles = [fileSink(join(log.dir, 'install.log'), 'plain'), fileSink(join(log.dir, 'events.jsonl'), 'json')];
  let step: string | undefined;
  // The step that runs now: a failure is reported at it.
  const tracker: EventSink = {
    write: (e: DebvisorEvent) => {
      if (e.data?.kind === 'step' && e.step) step = e.step;
    },
  };
  const fan = fanOut([...opts.consoles.map((c) => textSink(c, 'plain')), ...(opts.eventStreams ?? []).map((s) => textSink(s, 'json')), ...logFiles, tracker]);
  const events = createEmitter({ sinks: [fan], stage: 'install', clock });
  const known: Known = { secrets: [] };
  let webhook: WebhookSink | undefined;
  const say = (text: string) => {
    for (const c of opts.consoles) c.write(text);
  };

  const fail = async (summary: FailureDraft): Promise<RunInstallResult> => {
    const onError = known.plan?.onError ?? (known.r?.ok ? known.r.profile.install.onError : 'halt');
    const after: AfterFailure = opts.finishAction ? onError : 'exit';
    // The runner masks secrets in what it reports; the failure screen masks the profile's secrets once more, as the events and the bundle do.
    const secrets = known.secrets.filter((v) => v.length >= MIN_MASKED_SECRET).sort((x, y) => y.length - x.length);
    const hide = (t: string) => secrets.reduce((acc, v) => acc.split(v).join(MASK), t);
    const s: FailureSummary = {
      touched: false,
      ...summary,
      message: hide(summary.message),
      ...(summary.command ? { command: summary.command.map(hide) } : {}),
      ...(summary.output ? { output: summary.output.map(hide) } : {}),
      after,
      profileOrigin: opts.profileOrigin ?? opts.profilePath,
    };
    if (after === 'reboot' || after === 'poweroff') s.afterDelaySeconds = opts.onErrorDelaySeconds ?? ON_ERROR_DELAY_SECONDS;
    events.error(`install failed at step ${s.step}: ${s.message}`, {
      step: s.step,
      code: s.code ?? 'E_INSTALL_FAILED',
      ...(s.hint ? { hint: s.hint } : {}),
      data: { kind: 'result', ok: false, step: s.step, command: s.command, exitCode: s.exitCode, output: s.output, problems: s.problems, touched: s.touched },
    });
    try {
      const b = await writeSupportBundle(
        {
          time: clock(),
          hostname: (known.r?.ok ? known.r.profile.node.hostname : undefined) ?? machineHostname(),
          logDir: log.dir,
          files: bundleFiles(known, s, opts),
          secrets: known.secrets,
        },
        opts.bundleDirs,
      );
      s.bundle = b.path;
      for (const t of b.tried) events.debug(`support bundle not written to ${t.dir}: ${t.error}`);
      events.info(`support bundle: ${b.path}`, { data: { kind: 'bundle', path: b.path } });
    } catch (err) {
      events.error(`no support bundle: ${(err as Error).message}`);
    }
    await stop();
    say(formatFailure(s));
    if (s.afterDelaySeconds !== undefined) {
      await sleep(s.afterDelaySeconds * 1000);
      await runner(['systemctl', after]).catch(() => undefined);
    }
    return { ok: false, failure: s, ...(s.bundle ? { bundle: s.bundle } : {}), ...(known.plan ? { fqdn: known.plan.node.fqdn } : {}) };
  };

  const stop = async () => {
    if (webhook) {
      const st = await webhook.flush(opts.webhookFlushMs ?? WEBHOOK_FLUSH_MS);
      events.debug(
        `webhook: ${st.delivered} of ${st.queued} events delivered, ${st.retries} retries, ${st.failed} failed, ${st.dropped} dropped${st.lastError ? `; last error: ${st.lastError}` : ''}`,
        { data: { kind: 'webhook', ...st } },
      );
    }
    for (const f of logFiles) f.close();
  };

  if (log.note) events.warn(log.note);
  events.info(`DebVisor installer ${version()}: profile ${opts.profileOrigin ?? opts.profilePath}`);

  // 1. The profile alone: its shape and meaning.
  let r: ValidationResult;
  try {
    r = validateProfile(opts.profilePath);
  } catch (err) {
    return fail(summarizeError('validate', err));
  }
  known.r = r;
  if (r.loaded) known.secrets = secretValues(r.ok ? r.profile : r.loaded.data);
  fan.setSecrets(known.secrets);
  if (!r.ok) {
    const problems = r.issues.map(formatIssue);
    return fail({
      step: 'validate',
      code: 'E_PROFILE',
      message: `the profile has ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
      problems,
      hint: STEP_HINTS.validate!,
    });
  }
  const valid: Valid = r;
  const hook = valid.profile.install.progress.webhook;
  if (hook) {
    webhook = webhookSink({ url: hook.url, secret: hook.secret, ca: opts.webhookCa, userAgent: `debvisor-installer/${version()}`, ...opts.webhookTuning });
    fan.add(webhook, true);
  }
  events.info(`profile valid: ${valid.profile.node.hostname}`, { step: 'validate' });

  // 2. The facts: a recorded file, or this machine read-only.
  try {
    if (opts.factsPath === undefined) known.facts = await gatherFacts({ by: `debvisor ${version()}` });
    else {
      const f = loadFactsFile(opts.factsPath);
      if (!f.ok) return fail({ step: 'facts', code: 'E_FACTS', message: 'the facts file is not valid', problems: f.issues.map(formatIssue) });
      known.facts = f.value;
    }
  } catch (err) {
    return fail(summarizeError('facts', err));
  }
  const facts = known.facts;

  // 3. The plan, printed first (what will be wiped is what the operator must read).
  const plan = planInstall(valid.profile, facts);
  known.plan = plan;
  const where = (path: string) => `${formatPosition(locate(valid.loaded.chain, path))}: ${path}`;
  say(formatPlan(plan, where));
  if (!plan.ok) {
    const problems = plan.errors.map((e) => formatIssue(issueAt(locate(valid.loaded.chain, e.path), e)));
    return fail({
      step: 'plan',
      code: 'E_PLAN_REFUSED',
      message: `the plan is refused: ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
      problems,
      hint: STEP_HINTS.plan!,
    });
  }
  events.info(`plan ready: ${plan.steps.length} steps, wipes ${plan.wipe.map((w) => w.path).join(', ') || 'nothing'}`, { step: 'plan' });
  if (opts.dryRun) {
    events.info('dry run: nothing was touched', { step: 'plan', data: { kind: 'result', ok: true, dryRun: true } });
    await stop();
    return { ok: true, fqdn: plan.node.fqdn };
  }

  // 4. Apply. The facts and the plan go with the logs onto the node (save-logs): with
  // /etc/debvisor/installed-profile.yaml they replay the plan (`install plan --facts`).
  writeFileSync(join(log.dir, 'facts.json'), `${JSON.stringify(facts, null, 2)}\n`, { mode: 0o640 });
  writeFileSync(join(log.dir, 'plan.txt'), formatPlan(plan), { mode: 0o640 });
  try {
    await applyPlan({
      plan,
      profile: valid.profile,
      facts,
      target: opts.target ?? DEFAULT_TARGET,
      squashfs: opts.squashfs ?? LIVE_SQUASHFS,
      liveCmdline: readCmdline(),
      profileYaml: renderInstalledProfile(valid.profile),
      logDir: log.dir,
      run: runner,
      events,
      createAccounts: opts.createAccounts ?? createAccountsOnTarget,
      renderDefaults: opts.renderDefaults ?? renderDefaultsOnTarget,
      state: { mounted: false, bound: [] },
    });
  } catch (err) {
    // A step that started may have written; before check-disks ended nothing was.
    return fail(summarizeError(step ?? 'prepare', err, { touched: step !== undefined && step !== 'check-disks' }));
  }
  events.info(`install succeeded: ${plan.node.fqdn}`, { data: { kind: 'result', ok: true } });
  await stop();
  say(`${SUCCEEDED}: ${plan.node.fqdn}\n`);
  if (opts.finishAction) {
    // The node is installed whatever happens here; a refused reboot is said, not a failure.
    await runner(['systemctl', plan.finish]).catch((err: Error) => say(`install.finish: systemctl ${plan.finish} failed: ${err.message}\n`));
  }
  return { ok: true, fqdn: plan.node.fqdn };
}

/** The bundle's files besides the logs: what was known when it failed, every profile secret removed. */
function bundleFiles(known: Known, s: FailureSummary, opts: RunInstallOptions): Record<string, string> {
  const files: Record<string, string> = {
    'failure.txt': formatFailure({ ...s, bundle: 'this archive' }),
    'failure.json': `${JSON.stringify(s, null, 2)}\n`,
    'about.json': `${JSON.stringify({ debvisor: version(), profileOrigin: opts.profileOrigin, profilePath: opts.profilePath, factsPath: opts.factsPath ?? 'this machine', dryRun: !!opts.dryRun }, null, 2)}\n`,
  };
  const r = known.r;
  if (r?.ok) files['profile.yaml'] = `# The effective profile, secrets removed.\n${stringify(redactSecrets(r.profile))}`;
  else if (r?.loaded) files['profile.yaml'] = `# The profile as loaded (not valid), secrets removed.\n${stringify(redactSecrets(r.loaded.data))}`;
  if (r && !r.ok) files['issues.txt'] = `${r.issues.map(formatIssue).join('\n')}\n`;
  if (known.facts) files['facts.json'] = `${JSON.stringify(known.facts, null, 2)}\n`;
  if (known.plan) {
    files['plan.json'] = `${JSON.stringify(known.plan, null, 2)}\n`;
    files['plan.txt'] = formatPlan(known.plan);
  }
  return files;
}

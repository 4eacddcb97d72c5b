import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { EXIT, defineCommand } from '../../core/cli/command.js';
import { UsageError } from '../../core/errors.js';
import { createEmitter, jsonLinesSink, plainSink } from '../../core/events.js';
import { formatPosition } from '../../core/errors.js';
import { locate } from '../../core/checked-yaml.js';
import { run } from '../../core/run.js';
import { redactSecrets } from '../../profiles/redact.js';
import { readPlanInputs } from './plan-inputs.js';
import { planInstall } from '../plan/plan-install.js';
import { formatPlan } from '../plan/format-plan.js';
import { applyPlan } from '../apply/apply-plan.js';
import { DEFAULT_TARGET, LIVE_LOG_DIR, LIVE_SQUASHFS } from '../apply/context.js';
import { createAccountsOnTarget, renderDefaultsOnTarget } from '../apply/on-target.js';

/** The line a watcher (the serial console, a test) waits for. */
export const SUCCEEDED = 'DebVisor install SUCCEEDED';
export const FAILED = 'DebVisor install FAILED';

export default defineCommand({
  words: ['install', 'apply'],
  summary: 'install DebVisor on this machine from a profile: wipes the planned disks, copies the system, writes the node (needs --yes)',
  args: 'PROFILE',
  minArgs: 1,
  maxArgs: 1,
  options: {
    facts: {
      type: 'string',
      help: 'the facts the plan is made from (debvisor facts --out); default: read this machine. The disks are read again before anything is written',
    },
    target: { type: 'string', help: `where the new root is mounted during the install (default ${DEFAULT_TARGET})` },
    squashfs: { type: 'string', help: `the system image to copy (default ${LIVE_SQUASHFS}, the live system's own)` },
    yes: { type: 'boolean', help: 'really wipe the disks the plan names; without it the plan is printed and nothing is touched' },
    'no-reboot': { type: 'boolean', help: "exit when done instead of the profile's install.finish (reboot or poweroff)" },
  },
  async run({ positionals, values, io }) {
    const file = positionals[0]!;
    if (!existsSync(file)) throw new UsageError(`no such file: ${file}`, 'give the path of a profile YAML file');
    const inputs = await readPlanInputs(file, values.facts, io, {
      profile: 'nothing was touched: fix the profile first',
      facts: 'nothing was touched: the facts file is not valid',
    });
    if (!inputs) return EXIT.failed;
    const { profile: r, facts } = inputs;
    const plan = planInstall(r.profile, facts);
    // The plan first, beginning with what will be wiped: what the operator must read.
    io.stdout.write(formatPlan(plan, (path) => `${formatPosition(locate(r.loaded.chain, path))}: ${path}`));
    if (!plan.ok) {
      io.stderr.write('nothing was touched: the plan is refused\n');
      return EXIT.failed;
    }
    if (!values.yes) {
      io.stderr.write('nothing was touched: add --yes to wipe the disks listed above and install\n');
      return EXIT.failed;
    }
    const logDir = LIVE_LOG_DIR;
    mkdirSync(logDir, { recursive: true, mode: 0o700 });
    const log = createWriteStream(join(logDir, 'install.log'), { flags: 'a', mode: 0o600 });
    const jsonl = createWriteStream(join(logDir, 'events.jsonl'), { flags: 'a', mode: 0o600 });
    const events = createEmitter({ sinks: [plainSink(io.stdout), plainSink(log, 'debug'), jsonLinesSink(jsonl)], stage: 'install' });
    let cmdline = '';
    try {
      cmdline = readFileSync('/proc/cmdline', 'utf8');
    } catch {
      /* no console arguments to keep */
    }
    try {
      await applyPlan({
        plan,
        profile: r.profile,
        facts,
        target: values.target ?? DEFAULT_TARGET,
        squashfs: values.squashfs ?? LIVE_SQUASHFS,
        liveCmdline: cmdline,
        profileYaml: `# The effective profile this node was installed with; secrets removed.\n${stringify(redactSecrets(r.profile))}`,
        logDir,
        run,
        events,
        createAccounts: createAccountsOnTarget,
        renderDefaults: renderDefaultsOnTarget,
        state: { mounted: false, bound: [] },
      });
    } catch (err) {
      events.error(FAILED);
      throw err;
    } finally {
      await new Promise((res) => log.end(res));
      await new Promise((res) => jsonl.end(res));
    }
    io.stdout.write(`${SUCCEEDED}: ${plan.node.fqdn}\n`);
    if (!values['no-reboot']) await run(['systemctl', plan.finish]);
    return EXIT.ok;
  },
});

import { readFileSync } from 'node:fs';
import { writeFileSet } from '../../core/fileset.js';
import { FIREWALL_FILE } from '../../profiles/firewall/node-file.js';
import type { Command, Io } from '../../core/cli/command.js';
import { EXIT } from '../../core/cli/command.js';
import { DebvisorError, UsageError } from '../../core/errors.js';
import { createEmitter, plainSink } from '../../core/events.js';
import { run } from '../../core/run.js';
import { parseDuration } from '../../core/sizes.js';
import { formatIssue } from '../../core/issue.js';
import { DURATION_PATTERN } from '../../core/schema-helpers.js';
import { compileRuleset, banTarget, setName, TABLE } from './compile.js';
import { loadFirewallFile, parseFirewallFile, withLockdown } from './model-file.js';
import { applyFirewall, confirmFirewall, discardPending, firewallPaths, loadModelOrThrow, readPending, rollbackFirewall, DEFAULT_CONFIRM_SECONDS } from './apply.js';
import { nftCheck } from './live.js';
import { liveStatus } from './status.js';

const rootOpt = { root: { type: 'string' as const } };
const rootHelp = { root: 'system root holding etc/debvisor/firewall.yaml (default /)' };
const root = (v: Record<string, unknown>) => (v.root as string | undefined) ?? '/';
const events = (io: Io) => createEmitter({ sinks: [plainSink(io.stderr, 'info')] });

function confirmSeconds(v: Record<string, unknown>): number {
  if (v.yes) return 0;
  const raw = v['confirm-timeout'] as string | undefined;
  if (raw === undefined) return DEFAULT_CONFIRM_SECONDS;
  if (!/^[0-9]+$/.test(raw)) throw new UsageError(`--confirm-timeout must be a number of seconds, got '${raw}'`);
  return Number(raw);
}

async function applyAndReport(io: Io, v: Record<string, unknown>): Promise<number> {
  const r = await applyFirewall({ root: root(v), confirmSeconds: confirmSeconds(v), events: events(io) });
  if (r.pending) {
    io.stdout.write(`applied; the previous ruleset comes back at ${r.pending.deadline} unless you run: debvisor firewall confirm${v.root ? ` --root ${String(v.root)}` : ''}\n`);
  } else {
    io.stdout.write('applied and saved\n');
  }
  return EXIT.ok;
}

const applyOpts = { ...rootOpt, 'confirm-timeout': { type: 'string' as const }, yes: { type: 'boolean' as const } };
const applyHelp = { ...rootHelp, 'confirm-timeout': `seconds to confirm before the old ruleset returns (default ${DEFAULT_CONFIRM_SECONDS})`, yes: 'keep the new ruleset at once, without the confirmation safety net' };

export const firewallCommands: Command[] = [
  {
    words: ['firewall', 'compile'],
    summary: 'print the nftables ruleset compiled from the firewall model',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    options: rootOpt,
    optionHelp: rootHelp,
    async run({ values, io }) {
      io.stdout.write(compileRuleset(loadModelOrThrow(firewallPaths(root(values)))));
      return EXIT.ok;
    },
  },
  {
    words: ['firewall', 'check'],
    summary: 'check the firewall model and its compiled ruleset (nft -c) without applying anything',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    options: rootOpt,
    optionHelp: rootHelp,
    async run({ values, io }) {
      const r = loadFirewallFile(firewallPaths(root(values)).model);
      if (!r.ok) {
        for (const i of r.issues) io.stdout.write(`${formatIssue(i)}\n`);
        return EXIT.failed;
      }
      await nftCheck(compileRuleset(r.model));
      io.stdout.write('firewall model and ruleset are valid\n');
      return EXIT.ok;
    },
  },
  {
    words: ['firewall', 'apply'],
    summary: 'load the ruleset atomically; it rolls back by itself unless confirmed in time',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    options: applyOpts,
    optionHelp: applyHelp,
    run: ({ values, io }) => applyAndReport(io, values),
  },
  {
    words: ['firewall', 'confirm'],
    summary: 'keep the ruleset of the last apply (it is then also loaded at boot)',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    options: rootOpt,
    optionHelp: rootHelp,
    async run({ values, io }) {
      await confirmFirewall(root(values));
      io.stdout.write('confirmed and saved\n');
      return EXIT.ok;
    },
  },
  {
    words: ['firewall', 'rollback'],
    summary: 'undo a pending apply now (apply arms this itself with --after)',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    options: { ...rootOpt, token: { type: 'string' }, after: { type: 'string' }, discard: { type: 'boolean' } },
    optionHelp: {
      ...rootHelp,
      token: 'only roll back this apply (internal)',
      after: 'wait this many seconds first (internal)',
      discard: 'forget a pending apply (also a damaged one) without loading anything: the ruleset loaded now stays',
    },
    async run({ values, io }) {
      if (values.discard) {
        if (values.token !== undefined || values.after !== undefined) throw new UsageError('--discard takes no --token or --after');
        io.stdout.write(discardPending(root(values)) ? 'discarded the pending apply; the loaded ruleset was not changed (see debvisor firewall status)\n' : 'nothing pending to discard\n');
        return EXIT.ok;
      }
      const after = Number(values.after ?? 0);
      if (!Number.isInteger(after) || after < 0 || after > 3600) throw new UsageError('--after must be 0..3600 seconds');
      if (after > 0) await new Promise((r) => setTimeout(r, after * 1000));
      const done = await rollbackFirewall({ root: root(values), token: values.token as string | undefined, events: events(io) });
      io.stdout.write(done ? 'rolled back to the previous ruleset\n' : 'nothing to roll back\n');
      return EXIT.ok;
    },
  },
  {
    words: ['firewall', 'status'],
    summary: 'show whether the firewall is loaded, its policy, lockdown, set sizes, bans and a pending apply',
    args: '',
    minArgs: 0,
    maxArgs: 0,
    options: { ...rootOpt, json: { type: 'boolean' } },
    optionHelp: { ...rootHelp, json: 'print JSON' },
    async run({ values, io }) {
      const paths = firewallPaths(root(values));
      const model = loadFirewallFile(paths.model);
      const live = await liveStatus();
      const pending = readPending(paths, root(values));
      const status = { ...live, lockdown: model.ok ? model.model.firewall.lockdown : undefined, modelValid: model.ok, pending: pending ? { deadline: pending.deadline } : undefined };
      if (values.json) {
        io.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      } else {
        io.stdout.write(`firewall: ${live.loaded ? `loaded, input policy ${live.inputPolicy}` : 'NOT LOADED'}\n`);
        io.stdout.write(`lockdown: ${status.lockdown === undefined ? 'unknown (model invalid)' : status.lockdown ? 'on' : 'off'}\n`);
        for (const [name, n] of Object.entries(live.sets)) io.stdout.write(`set ${name}: ${n} element${n === 1 ? '' : 's'}\n`);
        for (const b of live.bans) io.stdout.write(`banned ${b.value} for ${b.seconds}s more\n`);
        if (pending) io.stdout.write(`pending apply: confirm before ${pending.deadline} or it rolls back\n`);
      }
      return live.loaded ? EXIT.ok : EXIT.failed;
    },
  },
  {
    words: ['firewall', 'ban'],
    summary: 'drop all traffic from an address or CIDR for a while (default 1h)',
    args: 'ADDRESS',
    minArgs: 1,
    maxArgs: 1,
    options: { for: { type: 'string' } },
    optionHelp: { for: 'how long: 30s, 10m, 1h, 7d (default 1h)' },
    async run({ positionals, values, io }) {
      const target = banTarget(positionals[0]!);
      if (!target) throw new UsageError(`'${positionals[0]}' is not an IP address or CIDR`);
      const dur = (values.for as string | undefined) ?? '1h';
      if (!new RegExp(DURATION_PATTERN).test(dur)) throw new UsageError(`--for '${dur}' is not a duration`, 'for example 30s, 10m, 1h or 7d');
      const set = setName('blocklist', target.family);
      await run(['nft', 'add', 'element', 'inet', TABLE, set, `{ ${target.value} timeout ${parseDuration(dur)}s }`]);
      io.stdout.write(`banned ${target.value} for ${dur}\n`);
      return EXIT.ok;
    },
  },
  {
    words: ['firewall', 'unban'],
    summary: 'lift a ban',
    args: 'ADDRESS',
    minArgs: 1,
    maxArgs: 1,
    options: {},
    optionHelp: {},
    async run({ positionals, io }) {
      const target = banTarget(positionals[0]!);
      if (!target) throw new UsageError(`'${positionals[0]}' is not an IP address or CIDR`);
      const r = await run(['nft', 'delete', 'element', 'inet', TABLE, setName('blocklist', target.family), `{ ${target.value} }`], { allowFailure: true });
      if (r.exitCode !== 0) throw new DebvisorError('E_NOT_BANNED', `${target.value} is not in the blocklist`, { hint: 'see debvisor firewall status' });
      io.stdout.write(`unbanned ${target.value}\n`);
      return EXIT.ok;
    },
  },
  {
    words: ['firewall', 'lockdown'],
    summary: 'turn lockdown on (management ports only from the management set) or off, and apply',
    args: 'on|off',
    minArgs: 1,
    maxArgs: 1,
    options: applyOpts,
    optionHelp: applyHelp,
    async run({ positionals, values, io }) {
      const word = positionals[0];
      if (word !== 'on' && word !== 'off') throw new UsageError(`expected on or off, got '${word}'`);
      const paths = firewallPaths(root(values));
      const loaded = loadFirewallFile(paths.model);
      if (!loaded.ok && loaded.issues[0]?.code === 'E_READ') throw new DebvisorError('E_READ', loaded.issues[0].message, { hint: loaded.issues[0].hint });
      const before = readFileSync(paths.model, 'utf8');
      const after = withLockdown(before, word === 'on');
      // Check the edited model before writing it: lockdown with an empty management set is refused here.
      const r = parseFirewallFile(paths.model, after);
      if (!r.ok) {
        for (const i of r.issues) io.stderr.write(`${formatIssue(i)}\n`);
        throw new DebvisorError('E_FIREWALL_MODEL', `lockdown ${word} refused; nothing was changed`, { hint: 'add your admin networks to firewall.ipsets.management in the model first' });
      }
      const model = (text: string) => writeFileSet(root(values), [{ id: 'firewall-model', path: FIREWALL_FILE, content: text, mode: 0o644, owner: 'root' }], { allowSystem: true });
      await model(after);
      try {
        return await applyAndReport(io, values);
      } catch (err) {
        await model(before);
        throw err;
      }
    },
  },
];

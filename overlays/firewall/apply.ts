import { existsSync, readFileSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DebvisorError } from '../../core/errors.js';
import { writeFileSet } from '../../core/fileset.js';
import { silentEmitter, type Emitter } from '../../core/events.js';
import { formatIssue } from '../../core/issue.js';
import { compileRuleset, setName, RULESET_FILE, TABLE } from './compile.js';
import { BLOCKLIST_SET } from '../../profiles/firewall/sets.js';
import { FIREWALL_FILE, type FirewallFile } from '../../profiles/firewall/node-file.js';
import { loadFirewallFile } from './model-file.js';
import { liveBans, nftCheck, nftLoad, rollbackScript, tableListing } from './live.js';

export const STATE_DIR = '/run/debvisor/firewall';
export const DEFAULT_CONFIRM_SECONDS = 60;
/** The longest a pending apply may wait for confirmation. */
export const MAX_CONFIRM_SECONDS = 3600;

export interface Paths {
  model: string;
  ruleset: string;
  state: string;
  pending: string;
  staged: string;
  rollback: string;
}

export function firewallPaths(root = '/'): Paths {
  const state = join(root, STATE_DIR);
  return {
    model: join(root, FIREWALL_FILE),
    ruleset: join(root, RULESET_FILE),
    state,
    pending: join(state, 'pending.json'),
    staged: join(state, 'staged.nft'),
    rollback: join(state, 'rollback.nft'),
  };
}

export interface Pending {
  token: string;
  appliedAt: string;
  deadline: string;
}

function isPending(v: unknown): v is Pending {
  const p = v as Partial<Pending> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.token === 'string' &&
    typeof p.appliedAt === 'string' &&
    typeof p.deadline === 'string' &&
    !Number.isNaN(Date.parse(p.deadline))
  );
}

/** How to clear a damaged pending state, for a root (`/` needs no option). */
export function discardHint(root = '/'): string {
  return `run debvisor firewall rollback --discard${root === '/' ? '' : ` --root ${JSON.stringify(root)}`} to clear it (the loaded ruleset is left as it is), then debvisor firewall status`;
}

/** The pending apply, if any; a damaged file is refused with the way out, never parsed into a crash. */
export function readPending(paths: Paths, root = '/'): Pending | undefined {
  if (!existsSync(paths.pending)) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(paths.pending, 'utf8'));
  } catch {
    v = undefined;
  }
  if (!isPending(v)) {
    throw new DebvisorError('E_FIREWALL_PENDING_DAMAGED', `the pending-apply state ${paths.pending} is damaged; nothing was done`, { hint: discardHint(root) });
  }
  return v;
}

/** Forgets a pending apply (its state files) without loading anything; true if there was one. */
export function discardPending(root?: string): boolean {
  const paths = firewallPaths(root);
  const had = [paths.pending, paths.staged, paths.rollback].some((f) => existsSync(f));
  clearPending(paths);
  return had;
}

/** Node paths of the files apply writes (firewallPaths gives them joined to a root). */
const STATE_FILES = { staged: `${STATE_DIR}/staged.nft`, rollback: `${STATE_DIR}/rollback.nft`, pending: `${STATE_DIR}/pending.json` };

/** Writes files into the root the one way (no link inside it followed); a firewall root is normally this node. */
async function writeState(root: string | undefined, files: [path: string, text: string, mode: number][]): Promise<void> {
  await writeFileSet(
    root ?? '/',
    files.map(([path, content, mode]) => ({ id: path, path, content, mode, owner: 'root' })),
    { allowSystem: true },
  );
}

/** Loads and checks the model; a bad model stops here, before anything is applied. */
export function loadModelOrThrow(paths: Paths): FirewallFile {
  const r = loadFirewallFile(paths.model);
  if (!r.ok) {
    throw new DebvisorError('E_FIREWALL_MODEL', `the firewall model ${paths.model} is invalid; nothing was applied`, {
      hint: 'fix the lines below, then run debvisor firewall apply again',
      details: r.issues.map(formatIssue),
    });
  }
  return r.model;
}

export interface ApplyOptions {
  root?: string;
  /** 0 applies and keeps at once; otherwise the old ruleset comes back unless confirmed in time. */
  confirmSeconds: number;
  events?: Emitter;
}

export interface ApplyResult {
  pending?: Pending;
  bansCarried: number;
}

/** Compiles, checks, and loads the ruleset in one transaction; arms the rollback unless confirmed at once. */
export async function applyFirewall(opts: ApplyOptions): Promise<ApplyResult> {
  const events = (opts.events ?? silentEmitter).stage('firewall');
  const paths = firewallPaths(opts.root);
  if (opts.confirmSeconds < 0 || opts.confirmSeconds > MAX_CONFIRM_SECONDS) {
    throw new DebvisorError('E_USAGE', `confirm timeout must be 0..${MAX_CONFIRM_SECONDS} seconds`);
  }
  if (readPending(paths, opts.root)) {
    throw new DebvisorError('E_FIREWALL_PENDING', 'an earlier apply is still waiting for confirmation; nothing was applied', {
      hint: 'run debvisor firewall confirm (keep it) or debvisor firewall rollback (undo it) first',
    });
  }
  const model = loadModelOrThrow(paths);
  const ruleset = compileRuleset(model);
  await nftCheck(ruleset, { events, step: 'check' });
  const previous = await tableListing({ events });
  const bans = [
    ...(await liveBans(setName(BLOCKLIST_SET, 'ipv4'), { events })).map((b) => ({ ...b, set: setName(BLOCKLIST_SET, 'ipv4') })),
    ...(await liveBans(setName(BLOCKLIST_SET, 'ipv6'), { events })).map((b) => ({ ...b, set: setName(BLOCKLIST_SET, 'ipv6') })),
  ];
  const carry = bans.map((b) => `add element inet ${TABLE} ${b.set} { ${b.value} timeout ${b.seconds}s }`).join('\n');
  await nftLoad(carry ? `${ruleset}\n${carry}\n` : ruleset, { events, step: 'load' });
  events.info(`ruleset loaded (${bans.length} live bans kept)`, { step: 'load' });
  if (opts.confirmSeconds === 0) {
    await writeState(opts.root, [[RULESET_FILE, ruleset, 0o644]]);
    return { bansCarried: bans.length };
  }
  const now = new Date();
  const pending: Pending = { token: randomUUID(), appliedAt: now.toISOString(), deadline: new Date(now.getTime() + opts.confirmSeconds * 1000).toISOString() };
  await writeState(opts.root, [
    [STATE_FILES.staged, ruleset, 0o644],
    [STATE_FILES.rollback, rollbackScript(previous), 0o600],
    [STATE_FILES.pending, JSON.stringify(pending), 0o600],
  ]);
  armRollback(opts.root ?? '/', pending.token, opts.confirmSeconds);
  events.warn(`confirm within ${opts.confirmSeconds}s or the previous ruleset comes back`, { step: 'confirm', hint: 'debvisor firewall confirm' });
  return { pending, bansCarried: bans.length };
}

/**
 * The rollback runs in its own session, so it still happens when the SSH connection that ran
 * `apply` is the thing the new ruleset cut off.
 */
function armRollback(root: string, token: string, seconds: number): void {
  const bin = fileURLToPath(new URL('../../bin/debvisor.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'firewall', 'rollback', '--root', root, '--token', token, '--after', String(seconds)], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
}

function clearPending(paths: Paths): void {
  for (const f of [paths.pending, paths.staged, paths.rollback]) rmSync(f, { force: true });
}

/** Keeps the applied ruleset: it becomes the one loaded at boot. */
export async function confirmFirewall(root?: string): Promise<Pending> {
  const paths = firewallPaths(root);
  const pending = readPending(paths, root);
  if (!pending)
    throw new DebvisorError('E_FIREWALL_NOTHING_PENDING', 'no firewall apply is waiting for confirmation', {
      hint: 'it may already have been rolled back: see debvisor firewall status',
    });
  await writeState(root, [[RULESET_FILE, readFileSync(paths.staged, 'utf8'), 0o644]]);
  clearPending(paths);
  return pending;
}

/** Puts the previous ruleset back if an apply is pending (and, with a token, only that apply). */
export async function rollbackFirewall(opts: { root?: string; token?: string; events?: Emitter }): Promise<boolean> {
  const paths = firewallPaths(opts.root);
  const pending = readPending(paths, opts.root);
  if (!pending || (opts.token !== undefined && pending.token !== opts.token)) return false;
  await nftLoad(readFileSync(paths.rollback, 'utf8'), { events: opts.events, step: 'rollback' });
  clearPending(paths);
  return true;
}

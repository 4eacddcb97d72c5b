import { existsSync, readFileSync } from 'node:fs';
import { PANEL_CERT } from '../overlays/panel/nginx.js';
import { readRenewal, type RenewalRecord } from './acme/renewal-record.js';
import { type CertInfo, expiresWithinWarning, readCertInfo } from './acme/cert-info.js';
import { profileLine, renewalLine } from './acme/renewal-text.js';
import { at, readJson, writeAtomic } from './atomic.js';
import { type OverallState, overallState, pidAlive } from './machine.js';
import { ISSUE_FILE, LOCK_FILE, MOTD_FILE, SUMMARY_FILE } from './paths.js';
import { StateStore, type StepRecord } from './state.js';

export interface NodeStatus {
  /** The node's FQDN as the last run recorded it. */
  node?: string;
  state: OverallState | 'not started';
  /** A first-boot run holds the lock right now. */
  running: boolean;
  steps: Pick<StepRecord, 'name' | 'kind' | 'status' | 'attempts' | 'summary' | 'nextAttemptAt' | 'lastError' | 'lastAttemptAt' | 'details'>[];
  certificate?: CertInfo & { renewal: RenewalRecord; expiringSoon: boolean };
  dns?: Record<string, unknown>;
  cluster?: Record<string, unknown>[];
}

function lockHeld(root: string): boolean {
  const f = at(root, LOCK_FILE);
  if (!existsSync(f)) return false;
  return pidAlive(Number(readFileSync(f, 'utf8').trim()));
}

/** The node's first-boot state from what the runs recorded (reads only). */
export function readStatus(root: string, now = Date.now()): NodeStatus {
  const recs = new StateStore(root).all().sort((a, b) => (a.index ?? 99) - (b.index ?? 99));
  const summary = readJson<{ state: OverallState; node?: string }>(at(root, SUMMARY_FILE));
  const cert = readCertInfo(at(root, PANEL_CERT));
  const steps = recs.map(({ name, kind, status, attempts, summary, nextAttemptAt, lastError, lastAttemptAt, details }) => ({
    name,
    kind,
    status,
    attempts,
    summary,
    nextAttemptAt,
    lastError,
    lastAttemptAt,
    details,
  }));
  return {
    ...(summary?.node ? { node: summary.node } : {}),
    state: recs.length ? (summary?.state ?? overallState(recs)) : 'not started',
    running: lockHeld(root),
    steps,
    ...(cert ? { certificate: { ...cert, renewal: readRenewal(root), expiringSoon: expiresWithinWarning(cert, now) } } : {}),
    ...(recs.find((r) => r.name === 'dns')?.details ? { dns: recs.find((r) => r.name === 'dns')!.details } : {}),
    ...(recs.some((r) => r.name.startsWith('cluster'))
      ? { cluster: recs.filter((r) => r.name.startsWith('cluster')).map((r) => ({ step: r.name, status: r.status, ...(r.details ?? {}) })) }
      : {}),
  };
}

const one = (s: string | undefined) => (s ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ');

/** Pure: the status as lines for a terminal (also the body of /etc/issue and the motd). */
export function renderStatus(s: NodeStatus, name: string): string[] {
  const out = [`DebVisor node ${name}: ${s.state}${s.running ? ' (a first-boot run is under way)' : ''}`];
  const w = Math.max(4, ...s.steps.map((x) => x.name.length));
  for (const x of s.steps) {
    let what = one(x.summary);
    if (x.status === 'retrying') what = `attempt ${x.attempts} failed: ${one(x.lastError?.message)}; next attempt ${x.nextAttemptAt ?? 'with the next run'}`;
    if (x.status === 'failed') what = `${one(x.lastError?.message)}${x.lastError?.hint ? ` (${one(x.lastError.hint)})` : ''}`;
    out.push(`  ${x.name.padEnd(w)}  ${x.status.padEnd(8)}  ${what}`);
  }
  const c = s.certificate;
  if (c) {
    out.push(
      `certificate: ${c.names.join(', ')}; ${c.selfSigned ? 'self-signed stand-in' : `issued by ${c.issuer}`}; expires ${c.notAfter}${c.expiringSoon ? ' (EXPIRES SOON)' : ''}`,
    );
    if (c.renewal.nextDueAt && !c.selfSigned) out.push(`  renewal ${one(renewalLine(c.renewal))}`);
    if (profileLine(c.renewal)) out.push(`  ACME profile ${one(profileLine(c.renewal))}`);
    if (c.renewal.lastError) out.push(`  last renewal error: ${one(c.renewal.lastError.message)}`);
  }
  if (s.dns)
    out.push(
      `dns: ${one(String(s.dns.fqdn))} A ${((s.dns.A as string[]) ?? []).join(' ') || '-'} AAAA ${((s.dns.AAAA as string[]) ?? []).join(' ') || '-'} at ${one(String(s.dns.server))}`,
    );
  for (const c of s.cluster ?? []) out.push(`cluster: ${one(String(c.step))} ${one(String(c.status))}`);
  return out;
}

/** /etc/issue (agetty expands \n and \l; a backslash in the status is doubled) and the motd. */
export function writeLoginScreens(root: string, s: NodeStatus, name: string): void {
  const lines = renderStatus(s, name);
  const panel = `Panel: https://${name}/`;
  const issue = ['DebVisor \\n (\\l)', panel, ...lines.map((l) => l.replace(/\\/g, '\\\\')), '', ''].join('\n');
  writeAtomic(at(root, ISSUE_FILE), issue, 0o644);
  writeAtomic(at(root, MOTD_FILE), ['', panel, ...lines, 'Details: debvisor status', ''].join('\n'), 0o644);
}

import type { Finding } from '../../../core/issue.js';
import type { PlainObject } from '../../../profiles/merge.js';
import { checkTotpCode } from '../../../overlays/ssh/mfa.js';
import { searchList } from './choices.js';
import { eligibleDisks } from './disk-selector.js';
import { fieldsOf } from './field-table.js';
import { FORM_SCREENS, type Answers, type Field, type FieldContext, type ScreenId } from './fields.js';
import { checkForm, chosenDisks, exportYaml, screenPreloaded, startForm, type Form, type FormCheck } from './form.js';
import { planAnswers, type Outcome } from './outcome.js';
import { TUI_TEXT } from './text.js';

/** A TOTP secret made for the admin: shown once, checked against the typed code, written with the node. */
export interface TotpEnrolment {
  label: string;
  secret: string;
  uri: string;
  recoveryCodes: string[];
}

/** Longest account label in the TOTP URI: with it the QR code stays at version 7 (45 modules, 24 lines of half blocks). */
export const TOTP_LABEL_MAX = 32;

/** The account name the authenticator app shows: `admin@host` (the short host name), cut to TOTP_LABEL_MAX. */
export function totpLabel(admin: string, fqdn: string): string {
  const host = fqdn.split('.')[0] || 'debvisor';
  return `${admin}@${host}`.slice(0, TOTP_LABEL_MAX);
}

/** A key as Ink reports it (the fields the installer reads). */
export interface KeyPress {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  shift?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
}

/** What the controller asks its host to do (the effects stay out of the model). */
export type Effect =
  | { type: 'hash-password'; password: string }
  | { type: 'save-profile'; path: string; yaml: string }
  | { type: 'read-keys'; path: string }
  | { type: 'install'; outcome: Extract<Outcome, { ok: true }>; exportPath?: string; totp?: TotpEnrolment }
  | { type: 'exit'; code: 'aborted' };

export interface TuiState {
  form: Form;
  check: FormCheck;
  /** Form screens a preloaded profile answered: not asked. */
  skipped: ScreenId[];
  /** Where the preloaded profile came from, in words (`--discover`: the unattended install's sources). */
  preloadedFrom?: string;
  at: ScreenId;
  focus: number;
  /** Fields the operator edited: their problems show as they type. */
  touched: string[];
  /** Screens the operator tried to leave with problems: every problem on them shows. */
  tried: ScreenId[];
  dialog?: 'abort' | 'profile';
  /** Search text of search fields, cursor of list fields. */
  search: Record<string, string>;
  cursor: Record<string, number>;
  /** Half-typed SSH key line. */
  keyLine: string;
  totp?: TotpEnrolment & { verified: boolean };
  /** A wrong TOTP code was entered (cleared when the next one is typed). */
  totpWrong: boolean;
  outcome?: Outcome;
  /** One line of news: saved to ..., wrong confirmation. */
  status?: string;
  scroll: number;
  /** Waiting for an effect (the password hash) before going on. */
  busy?: string;
}

export interface TuiEnv {
  ctx: FieldContext;
  /** A new TOTP secret for the label (overlays/ssh/mfa.ts newTotpSecret). */
  newTotp: (label: string) => Omit<TotpEnrolment, 'label'>;
  /** TOTP check; the real one by default. */
  checkCode?: (secret: string, code: string) => boolean;
}

/** The flow: welcome, the form screens not preloaded, MFA when TOTP is on, the summary. */
export function flow(s: TuiState): ScreenId[] {
  const out: ScreenId[] = ['welcome'];
  for (const { id } of FORM_SCREENS) {
    if (!s.skipped.includes(id)) out.push(id);
    if (id === 'admin' && s.form.answers.totp === true) out.push('mfa');
  }
  out.push('summary');
  return out;
}

export function startState(base: PlainObject, ctx: FieldContext, opts: { exportPath?: string; preloadedFrom?: string } = {}): TuiState {
  const form = startForm(base, ctx);
  if (opts.exportPath) form.answers.exportPath = opts.exportPath;
  const check = checkForm(form);
  const skipped = FORM_SCREENS.map((s) => s.id).filter((id) => screenPreloaded(form, id, check));
  form.skipped = skipped;
  return {
    form,
    check,
    skipped,
    ...(opts.preloadedFrom ? { preloadedFrom: opts.preloadedFrom } : {}),
    at: 'welcome',
    focus: 0,
    touched: [],
    tried: [],
    search: {},
    cursor: {},
    keyLine: '',
    totpWrong: false,
    scroll: 0,
  };
}

export function visibleFields(s: TuiState): Field[] {
  return fieldsOf(s.at, s.form.answers);
}

/** The problems to show for a field now: once it was edited, or once the screen was tried. */
export function shownProblems(s: TuiState, id: string): Finding[] {
  if (!s.touched.includes(id) && !s.tried.includes(s.at)) return [];
  return s.check.byField.get(id) ?? [];
}

function setAnswers(s: TuiState, answers: Answers, touched: string): TuiState {
  const form = { ...s.form, answers };
  const next = { ...s, form, check: checkForm(form), touched: s.touched.includes(touched) ? s.touched : [...s.touched, touched], status: undefined };
  const n = visibleFields(next).length;
  return { ...next, focus: Math.min(next.focus, Math.max(0, n - 1)) };
}

function setAnswer(s: TuiState, id: string, value: Answers[string]): TuiState {
  const answers = { ...s.form.answers, [id]: value };
  // raidz levels exist only on ZFS: leaving ZFS takes the RAID level back to one the new filesystem has.
  if (id === 'filesystem' && value !== 'zfs' && String(answers.raid).startsWith('raidz')) answers.raid = 'single';
  // A new password replaces the hash of the old one (or of the preloaded profile).
  if (id === 'password') delete answers.passwordHash;
  return setAnswers(s, answers, id);
}

/** Problems that keep the operator on this screen. */
export function blocking(s: TuiState, env: TuiEnv): Finding[] {
  if (s.at === 'mfa') return s.totp?.verified ? [] : [{ path: '#totpCode', code: 'E_TUI_TOTP', message: TUI_TEXT.totpWrong, hint: TUI_TEXT.totpWrongHint }];
  if (s.at === 'summary') return [];
  void env;
  // Only what a field here can fix holds the operator; a problem at a key no field asks (a preloaded
  // firewall rule) is shown, and stops the install at the summary, where the plan refuses it.
  return fieldsOf(s.at, s.form.answers).flatMap((f) => s.check.byField.get(f.id) ?? []);
}

function go(s: TuiState, to: ScreenId, env: TuiEnv): TuiState {
  let next: TuiState = { ...s, at: to, focus: 0, scroll: 0, status: undefined, busy: undefined };
  if (to === 'mfa') {
    const label = totpLabel(String(s.form.answers.adminName), String(s.form.answers.fqdn));
    if (!s.totp || s.totp.label !== label)
      next = { ...next, totp: { label, ...env.newTotp(label), verified: false }, form: { ...s.form, answers: { ...s.form.answers, totpCode: '' } } };
  }
  if (to === 'summary')
    next = { ...next, outcome: planAnswers(exportYaml(next.form), env.ctx.facts), form: { ...next.form, answers: { ...next.form.answers, confirm: '' } } };
  return next;
}

/** Next screen, when this one has no problem; the admin's password is hashed first. */
export function nextScreen(s: TuiState, env: TuiEnv): { state: TuiState; effect?: Effect } {
  const problems = blocking(s, env);
  if (problems.length) {
    // The focus goes to the first field with a problem, where its message shows.
    const first = visibleFields(s).findIndex((f) => (s.check.byField.get(f.id) ?? []).length > 0);
    return { state: { ...s, focus: first >= 0 ? first : s.focus, tried: s.tried.includes(s.at) ? s.tried : [...s.tried, s.at] } };
  }
  const password = String(s.form.answers.password);
  if (s.at === 'admin' && password !== '' && typeof s.form.answers.passwordHash !== 'string')
    return { state: { ...s, busy: 'hashing the password' }, effect: { type: 'hash-password', password } };
  const order = flow(s);
  const i = order.indexOf(s.at);
  return { state: go(s, order[Math.min(i + 1, order.length - 1)]!, env) };
}

export function previousScreen(s: TuiState, env: TuiEnv): TuiState {
  const order = flow(s);
  const i = order.indexOf(s.at);
  return i > 0 ? go(s, order[i - 1]!, env) : s;
}

/** The password hash arrived: keep it and go on. */
export function passwordHashed(s: TuiState, hash: string, env: TuiEnv): TuiState {
  const answers = { ...s.form.answers, passwordHash: hash };
  const form = { ...s.form, answers };
  const next = { ...s, form, check: checkForm(form), busy: undefined };
  return nextScreen(next, env).state;
}

const printable = (input: string) => input.replace(/[\x00-\x1f\x7f]/g, '');

/** Edits a text-like value with one key: printable input appended, Backspace removes the last character. */
function editText(value: string, input: string, key: KeyPress): string | undefined {
  if (key.backspace || key.delete) return value.slice(0, -1);
  if (key.ctrl || key.escape) return undefined;
  const t = printable(input);
  return t ? value + t : undefined;
}

/** The disk names the disk list shows, in order. */
export function diskRows(s: TuiState): string[] {
  return eligibleDisks(s.form.ctx.facts.disks ?? []).map((d) => d.name);
}

/** What a key does to the focused field; undefined when the field does not use it. */
function onField(s: TuiState, f: Field, input: string, key: KeyPress, env: TuiEnv): TuiState | undefined {
  const a = s.form.answers;
  const v = a[f.id];
  switch (f.kind) {
    case 'text':
    case 'secret': {
      if (f.id === 'totpCode') {
        const t = editText(String(v), input, key);
        return t === undefined ? undefined : { ...setAnswer(s, f.id, t.slice(0, 6)), totpWrong: false };
      }
      const t = editText(String(v), input, key);
      return t === undefined ? undefined : setAnswer(s, f.id, t);
    }
    case 'toggle':
      if (input === ' ' || key.leftArrow || key.rightArrow) return setAnswer(s, f.id, v !== true);
      if (input === 'y' || input === 'n') return setAnswer(s, f.id, input === 'y');
      return undefined;
    case 'choice': {
      const opts = f.options!(a, env.ctx);
      if (!(input === ' ' || key.leftArrow || key.rightArrow)) return undefined;
      const i = opts.indexOf(String(v));
      const step = key.leftArrow ? -1 : 1;
      return setAnswer(s, f.id, opts[(i + step + opts.length) % opts.length]!);
    }
    case 'search': {
      const opts = f.options!(a, env.ctx);
      const filter = s.search[f.id] ?? '';
      if (key.leftArrow || key.rightArrow) {
        const hits = searchList(opts, filter);
        if (!hits.length) return s;
        const i = hits.indexOf(String(v));
        return setAnswer(s, f.id, hits[(i + (key.leftArrow ? -1 : 1) + hits.length) % hits.length]!);
      }
      const t = editText(filter, input, key);
      if (t === undefined) return undefined;
      const hits = searchList(opts, t);
      const next = { ...s, search: { ...s.search, [f.id]: t } };
      return hits.length ? setAnswer(next, f.id, hits[0]!) : next;
    }
    case 'disks':
    case 'nic':
    case 'nics': {
      const rows = f.kind === 'disks' ? diskRows(s) : (env.ctx.facts.nics ?? []).map((n) => n.name);
      const at = s.cursor[f.id] ?? 0;
      if (key.upArrow && at > 0) return { ...s, cursor: { ...s.cursor, [f.id]: at - 1 } };
      if (key.downArrow && at < rows.length - 1) return { ...s, cursor: { ...s.cursor, [f.id]: at + 1 } };
      if (input === ' ' && rows[at]) {
        if (f.kind === 'nic') return setAnswer(s, f.id, rows[at]!);
        const chosen = v as string[];
        const name = rows[at]!;
        return setAnswer(s, f.id, chosen.includes(name) ? chosen.filter((x) => x !== name) : rows.filter((r) => r === name || chosen.includes(r)));
      }
      return undefined;
    }
    case 'keys': {
      const keys = v as string[];
      if (key.return && s.keyLine.trim()) return { ...setAnswer(s, f.id, [...keys, s.keyLine.trim()]), keyLine: '' };
      if ((key.backspace || key.delete) && s.keyLine === '' && keys.length) return setAnswer(s, f.id, keys.slice(0, -1));
      // A pasted block may hold several lines: each non-empty line is one key.
      if (/[\r\n]/.test(input)) {
        const lines = (s.keyLine + input).split(/[\r\n]+/);
        const last = lines.pop() ?? '';
        const added = lines.map((l) => l.trim()).filter(Boolean);
        return { ...setAnswer(s, f.id, [...keys, ...added]), keyLine: last };
      }
      const t = editText(s.keyLine, input, key);
      return t === undefined ? undefined : { ...s, keyLine: t, touched: s.touched.includes(f.id) ? s.touched : [...s.touched, f.id] };
    }
  }
}

function moveFocus(s: TuiState, by: number): TuiState {
  const n = visibleFields(s).length;
  return n ? { ...s, focus: (s.focus + by + n) % n } : s;
}

/** The words that confirm the install: `yes`, or a wiped disk's name (with or without /dev/). */
export function confirmWords(s: TuiState): string[] {
  const o = s.outcome;
  const disks = o?.ok ? o.plan.disks.chosen : [];
  return ['yes', ...disks, ...disks.map((d) => d.replace(/^\/dev\//, '')), ...chosenDisks(s.form)];
}

function onSummary(s: TuiState, input: string, key: KeyPress): { state: TuiState; effect?: Effect } | undefined {
  const a = s.form.answers;
  if (key.pageDown) return { state: { ...s, scroll: s.scroll + 10 } };
  if (key.pageUp) return { state: { ...s, scroll: Math.max(0, s.scroll - 10) } };
  if (key.ctrl && input === 'e') return { state: { ...s, dialog: 'profile', scroll: 0 } };
  if (key.ctrl && input === 's') {
    const path = String(a.exportPath).trim();
    if (!path) return { state: { ...s, status: 'type a path to save the profile to first' } };
    return { state: s, effect: { type: 'save-profile', path, yaml: exportYaml(s.form) } };
  }
  if (key.return && visibleFields(s)[s.focus]?.id === 'confirm') {
    const o = s.outcome;
    if (!o?.ok || !o.plan.ok) return { state: { ...s, status: 'the plan has problems: go back and fix them first' } };
    if (!confirmWords(s).includes(String(a.confirm).trim())) return { state: { ...s, status: TUI_TEXT.confirmWrong } };
    const exportPath = String(a.exportPath).trim();
    const totp = s.totp && a.totp === true ? { label: s.totp.label, secret: s.totp.secret, uri: s.totp.uri, recoveryCodes: s.totp.recoveryCodes } : undefined;
    return { state: { ...s, at: 'progress' }, effect: { type: 'install', outcome: o, ...(exportPath ? { exportPath } : {}), ...(totp ? { totp } : {}) } };
  }
  return undefined;
}

/** One key: the whole keyboard contract of the installer's form screens. */
export function onKey(s: TuiState, input: string, key: KeyPress, env: TuiEnv): { state: TuiState; effect?: Effect } {
  if (s.busy) return { state: s };
  if (s.dialog === 'abort') {
    if (input === 'y' || input === 'Y') return { state: s, effect: { type: 'exit', code: 'aborted' } };
    if (input === 'n' || input === 'N' || key.escape) return { state: { ...s, dialog: undefined } };
    return { state: s };
  }
  // Once the install runs there is nothing left to abort without harm: it ends on its own.
  if (s.at === 'progress' || s.at === 'finish') return { state: s };
  if (key.ctrl && input === 'c') return { state: { ...s, dialog: 'abort' } };
  if (s.dialog === 'profile') {
    if (key.escape || key.return) return { state: { ...s, dialog: undefined, scroll: 0 } };
    if (key.downArrow || key.pageDown) return { state: { ...s, scroll: s.scroll + (key.pageDown ? 10 : 1) } };
    if (key.upArrow || key.pageUp) return { state: { ...s, scroll: Math.max(0, s.scroll - (key.pageUp ? 10 : 1)) } };
    return { state: s };
  }
  if (key.escape) return { state: previousScreen(s, env) };
  if (key.ctrl && input === 'n') return nextScreen(s, env);
  if (s.at === 'summary') {
    const r = onSummary(s, input, key);
    if (r) return r;
  }
  const fields = visibleFields(s);
  const f = fields[s.focus];
  if (s.at === 'mfa' && f?.id === 'totpCode' && key.return) {
    const code = String(s.form.answers.totpCode);
    const ok = s.totp !== undefined && (env.checkCode ?? checkTotpCode)(s.totp.secret, code);
    if (!ok) return { state: { ...s, totpWrong: true, form: { ...s.form, answers: { ...s.form.answers, totpCode: '' } } } };
    return nextScreen({ ...s, totp: { ...s.totp!, verified: true } }, env);
  }
  if (f?.id === 'sshKeyFile' && key.return && String(s.form.answers.sshKeyFile).trim())
    return { state: s, effect: { type: 'read-keys', path: String(s.form.answers.sshKeyFile).trim() } };
  if (f) {
    const edited = onField(s, f, input, key, env);
    if (edited) return { state: edited };
  }
  if (key.downArrow || (key.tab && !key.shift)) return { state: moveFocus(s, 1) };
  if (key.upArrow || (key.tab && key.shift)) return { state: moveFocus(s, -1) };
  if (key.return) return s.focus >= fields.length - 1 ? nextScreen(s, env) : { state: moveFocus(s, 1) };
  return { state: s };
}

/** Keys read from a file: each line that is not empty or a comment is added once (the profile's rules judge them). */
export function keysRead(s: TuiState, text: string, path: string): TuiState {
  const have = s.form.answers.sshKeys as string[];
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && !have.includes(l));
  const next = setAnswer(setAnswer(s, 'sshKeys', [...have, ...lines]), 'sshKeyFile', '');
  return { ...next, status: `${lines.length} key${lines.length === 1 ? '' : 's'} read from ${path}` };
}

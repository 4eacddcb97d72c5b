import { stringify } from 'yaml';
import { checkYamlData } from '../../../core/checked-yaml.js';
import type { Finding } from '../../../core/issue.js';
import { holdsData } from '../../../profiles/facts.js';
import type { PlainObject } from '../../../profiles/merge.js';
import { schemaOrder } from '../../../profiles/order.js';
import { selectNics, type DiskMatch, type NicMatch } from '../../../profiles/rules/select.js';
import { PROFILE_VERSION, ProfileSchema } from '../../../profiles/schema/profile.js';
import { profileKind } from '../../../profiles/validate.js';
import { diskSelector, disksOfSelector, eligibleDisks } from './disk-selector.js';
import { FIELDS } from './field-table.js';
import { FORM_SCREENS, type Answers, type Field, type FieldContext, type ScreenId, type Value } from './fields.js';
import { deleteAt, getAt, hasAt, setAt } from './pointer.js';
import { TUI_TEXT } from './text.js';

/**
 * A well-formed SHA-512 crypt stand-in while the typed password is not hashed yet (hashing runs
 * `openssl passwd` when the admin screen is left): validation sees "a password is set". It never
 * reaches an export or an install (profileData refuses to write it there).
 */
const PENDING_HASH = `$6$pending$${'.'.repeat(86)}`;

/** The form's state apart from the screens: what was preloaded, and what the operator answered. */
export interface Form {
  /** The partial profile the TUI started from (merged, no defaults): kept as it is where the TUI asks nothing. */
  base: PlainObject;
  /** The answers the preload gave each field (a field whose answer still equals it leaves the profile's value alone). */
  preloaded: Answers;
  answers: Answers;
  ctx: FieldContext;
  /** Screens the preloaded profile answers (not asked): their fields write nothing the profile does not say. */
  skipped: readonly ScreenId[];
}

const same = (a: Value | undefined, b: Value | undefined) => JSON.stringify(a) === JSON.stringify(b);

/** A field's answer from profile data, or undefined when the data does not say. */
function readField(f: Field, data: PlainObject, ctx: FieldContext): Value | undefined {
  if (!f.path) return undefined;
  const v = getAt(data, f.path);
  switch (f.id) {
    case 'disks': {
      const d = v as { match?: DiskMatch; expect?: number } | undefined;
      if (!d) return undefined;
      return disksOfSelector(d.match ?? {}, d.expect ?? 1, ctx.facts.disks ?? []) ?? [];
    }
    case 'nic': {
      if (v === undefined) return undefined;
      const hit = selectNics(v as NicMatch, ctx.facts.nics ?? []).filter((c) => c.matched);
      return hit.length === 1 ? hit[0]!.device.name : '';
    }
    case 'fqdn': {
      const domain = getAt(data, '/node/domain');
      return typeof v === 'string' ? (typeof domain === 'string' && domain ? `${v}.${domain}` : v) : undefined;
    }
    case 'password':
      return undefined;
    case 'bond':
      return v !== undefined;
    case 'bondMode':
    case 'bondMembers':
      // A profile's bond is kept or dropped whole (the bond field); these build a new one.
      return undefined;
  }
  if (v === undefined) return undefined;
  if (f.kind === 'toggle') return typeof v === 'boolean' ? v : undefined;
  if (f.kind === 'keys') return Array.isArray(v) ? v.map(String) : undefined;
  if (f.format === 'list') return Array.isArray(v) ? v.map(String).join(', ') : String(v);
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** The NIC a fresh form proposes: the first with a link, else the first. */
function firstNic(ctx: FieldContext): string {
  const nics = ctx.facts.nics ?? [];
  return (nics.find((n) => n.link) ?? nics[0])?.name ?? '';
}

/** The form for a partial profile (or none): every field's answer read from it, or its first value. */
export function startForm(base: PlainObject, ctx: FieldContext): Form {
  const preloaded: Answers = {};
  const answers: Answers = {};
  for (const f of FIELDS) {
    const v = readField(f, base, ctx);
    if (v !== undefined) preloaded[f.id] = v;
    const initial = f.id === 'nic' ? firstNic(ctx) : f.kind === 'keys' || f.kind === 'disks' || f.kind === 'nics' ? [] : f.kind === 'toggle' ? false : '';
    answers[f.id] = v ?? f.initial?.(ctx) ?? initial;
  }
  // A passphrase the profile gives needs no second typing.
  if (typeof preloaded.luksPassphrase === 'string') answers.luksPassphrase2 = preloaded.luksPassphrase;
  const hash = getAt(base, '/users/admin/passwordHash');
  if (typeof hash === 'string') answers.passwordHash = hash;
  // A bond from the profile carries the management address: no single NIC is asked unless it is turned off.
  answers.bondInProfile = hasAt(base, '/network/bond');
  return { base, preloaded, answers, ctx, skipped: [] };
}

/** Writes one visible field's answer into the data (or removes its key). */
function writeField(f: Field, a: Answers, data: PlainObject, ctx: FieldContext, pendingHash: boolean): void {
  const put = (path: string, value: unknown) => (value === undefined ? deleteAt(data, path) : setAt(data, path, value));
  const path = f.path!;
  const v = a[f.id];
  if (f.id === 'disks') {
    const chosen = v as string[];
    const sel = diskSelector(chosen, ctx.facts.disks ?? []);
    // No selector tells the choice apart: the profile keeps none, and the form says why (uiFindings).
    put(path, sel ? { match: sel.match, expect: sel.expect } : undefined);
    if (sel && (ctx.facts.disks ?? []).some((d) => chosen.includes(d.name) && holdsData(d))) setAt(data, '/install/wipe', true);
  } else if (f.id === 'nic') {
    const nic = (ctx.facts.nics ?? []).find((n) => n.name === v);
    put(path, nic ? { mac: nic.mac } : undefined);
  } else if (f.id === 'fqdn') {
    const text = String(v).trim();
    const dot = text.indexOf('.');
    put('/node/hostname', text === '' ? undefined : dot < 0 ? text : text.slice(0, dot));
    put('/node/domain', dot < 0 ? undefined : text.slice(dot + 1));
  } else if (f.id === 'bondMode') {
    // A new bond: its mode here, its members (by MAC) from the next field.
    put('/network/bond', v === 'none' ? undefined : { mode: v, members: [] });
  } else if (f.id === 'bondMembers') {
    const macs = (ctx.facts.nics ?? []).filter((n) => (v as string[]).includes(n.name)).map((n) => ({ mac: n.mac }));
    setAt(data, path, macs);
  } else if (f.id === 'bond') {
    // The bond itself is the profile's (members by selector); the TUI only keeps or drops it.
    if (v !== true) deleteAt(data, path);
  } else if (f.id === 'password') {
    put(path, typeof a.passwordHash === 'string' ? a.passwordHash : String(v) !== '' && pendingHash ? PENDING_HASH : undefined);
  } else if (f.kind === 'toggle') setAt(data, path, v === true);
  else if (f.kind === 'keys') setAt(data, path, (v as string[]).map((k) => k.trim()).filter(Boolean));
  else {
    const text = String(v).trim();
    if (f.format === 'list') {
      const list = text.split(/[\s,]+/).filter(Boolean);
      if (list.length || hasAt(data, path)) setAt(data, path, list);
    } else if (text === '') deleteAt(data, path);
    else setAt(data, path, f.format === 'int' && /^[0-9]{1,9}$/.test(text) ? Number(text) : text);
  }
}

/** Whether a field's key is the TUI's to write: the operator changed it, or the preloaded profile did not say. */
function owned(form: Form, f: Field): boolean {
  if (form.skipped.includes(f.screen)) return false;
  if (f.id === 'password') return !same(form.answers.passwordHash, getAt(form.base, f.path!) as Value | undefined) || String(form.answers.password) !== '';
  return !(f.id in form.preloaded) || !same(form.answers[f.id], form.preloaded[f.id]);
}

/**
 * The profile data of the answers: the preloaded profile, with each field the operator answered
 * written at its key (a hidden field's key removed). `pendingHash` lets validation treat a typed,
 * not yet hashed password as set; exports and installs never get it.
 */
export function profileData(form: Form, opts: { pendingHash?: boolean } = {}): PlainObject {
  const data = structuredClone(form.base);
  data.version ??= PROFILE_VERSION;
  for (const f of FIELDS) {
    if (!f.path || !owned(form, f)) continue;
    if (f.when && !f.when(form.answers)) {
      if (!f.keepHidden) deleteAt(data, f.path);
      continue;
    }
    writeField(f, form.answers, data, form.ctx, opts.pendingHash === true);
  }
  return schemaOrder(data, ProfileSchema as unknown as Record<string, unknown>);
}

/** What the form itself checks that a profile cannot say: the password typed twice, the disk choice. */
function uiFindings(form: Form): Finding[] {
  const a = form.answers;
  const out: Finding[] = [];
  const pw = String(a.password);
  if (pw !== '' && pw.length < TUI_TEXT.minPassword) out.push({ path: '#password', code: 'E_TUI_PASSWORD', message: TUI_TEXT.passwordShort });
  if (pw !== '' && pw !== String(a.password2)) out.push({ path: '#password2', code: 'E_TUI_PASSWORD', message: TUI_TEXT.passwordMismatch });
  const luks = String(a.luksPassphrase ?? '');
  if (luks !== '' && luks !== String(a.luksPassphrase2 ?? ''))
    out.push({ path: '#luksPassphrase2', code: 'E_TUI_PASSPHRASE', message: TUI_TEXT.passphraseMismatch });
  const chosen = a.disks as string[];
  if (owned(form, FIELDS.find((f) => f.id === 'disks')!)) {
    if (chosen.length === 0) out.push({ path: '#disks', code: 'E_TUI_DISKS', message: TUI_TEXT.noDisk, hint: TUI_TEXT.noDiskHint });
    else if (!diskSelector(chosen, form.ctx.facts.disks ?? []))
      out.push({ path: '#disks', code: 'E_TUI_DISKS', message: TUI_TEXT.disksApart, hint: TUI_TEXT.disksApartHint });
  }
  return out;
}

/** Every problem of the answers, by field id, and those no visible field owns (by screen). */
export interface FormCheck {
  byField: Map<string, Finding[]>;
  byScreen: Map<ScreenId, Finding[]>;
}

/** The form screen a key path belongs to, for findings no visible field owns. */
export function screenOfPath(path: string): ScreenId {
  if (path === '/node/hostname' || path === '/node/domain') return 'network';
  if (path.startsWith('/node') || path.startsWith('/install')) return path.startsWith('/node') ? 'location' : 'disks';
  for (const s of FORM_SCREENS) if (s.sections.some((p) => path === p || path.startsWith(`${p}/`))) return s.id;
  return 'summary';
}

const under = (path: string, p: string) => path === p || path.startsWith(`${p}/`);

/**
 * Checks the answers with the profile's own schema and rules (the one checked-YAML loader and
 * profileKind, as `profile validate` and `install plan` do, with this machine's facts), and
 * gives each finding to the visible field whose key holds it.
 */
export function checkForm(form: Form): FormCheck {
  const data = profileData(form, { pendingHash: true });
  const r = checkYamlData(data, [], profileKind(form.ctx.facts));
  const findings: Finding[] = [
    ...uiFindings(form),
    ...(r.ok ? [] : r.issues.map(({ path, code, message, hint }) => ({ path, code, message, ...(hint ? { hint } : {}) }))),
  ];
  const visible = FIELDS.filter((f) => f.when?.(form.answers) ?? true);
  const byField = new Map<string, Finding[]>();
  const byScreen = new Map<ScreenId, Finding[]>();
  for (const f of findings) {
    let owner: Field | undefined;
    if (f.path.startsWith('#')) owner = visible.find((v) => v.id === f.path.slice(1));
    else {
      let best = -1;
      for (const v of visible) {
        for (const p of [v.path, ...(v.also ?? [])]) {
          if (p && under(f.path, p) && p.length > best) {
            best = p.length;
            owner = v;
          }
        }
      }
    }
    if (owner) byField.set(owner.id, [...(byField.get(owner.id) ?? []), f]);
    else {
      const s = screenOfPath(f.path);
      byScreen.set(s, [...(byScreen.get(s) ?? []), f]);
    }
  }
  return { byField, byScreen };
}

/** Problems on one screen: its visible fields' and the unowned ones of its keys. */
export function screenProblems(check: FormCheck, screen: ScreenId, a: Answers): Finding[] {
  const ids = FIELDS.filter((f) => f.screen === screen && (f.when?.(a) ?? true)).map((f) => f.id);
  return [...ids.flatMap((id) => check.byField.get(id) ?? []), ...(check.byScreen.get(screen) ?? [])];
}

/**
 * Whether a preloaded profile already answers a screen: it sets every key the screen is about,
 * and nothing on the screen has a problem. Such screens are not asked (Ubuntu's interactive
 * sections); the summary still shows their values.
 */
export function screenPreloaded(form: Form, screen: ScreenId, check: FormCheck): boolean {
  const s = FORM_SCREENS.find((x) => x.id === screen);
  if (!s) return false;
  if (!s.sections.every((p) => hasAt(form.base, p))) return false;
  if (screen === 'admin' && String(form.answers.password) === '' && typeof form.answers.passwordHash !== 'string') return false;
  return screenProblems(check, screen, form.answers).length === 0;
}

/** The answers as a profile file: the preloaded profile with the answers written in, schema order, version first. */
export function exportYaml(form: Form): string {
  const data = profileData(form);
  return `# A DebVisor profile saved by the installer (debvisor install tui).\n${stringify(data, { lineWidth: 0 })}`;
}

/** The chosen disks that are eligible, in the facts' order (a preload may name disks that are gone). */
export function chosenDisks(form: Form): string[] {
  const chosen = form.answers.disks as string[];
  return eligibleDisks(form.ctx.facts.disks ?? [])
    .map((d) => d.name)
    .filter((n) => chosen.includes(n));
}

import { isScalar, parseDocument, visit } from 'yaml';
import { describeContents } from '../../../profiles/facts.js';
import { formatBytes } from '../../../core/sizes.js';
import { searchList } from '../model/choices.js';
import { eligibleDisks } from '../model/disk-selector.js';
import { type Field, type FieldContext, FORM_SCREENS, SCREEN_TITLES } from '../model/fields.js';
import { chosenDisks, screenProblems } from '../model/form.js';
import { confirmWords, diskRows, flow, shownProblems, visibleFields, type TuiState } from '../model/navigation.js';
import { qrLines } from '../model/qr.js';
import { passwordStrength, TUI_TEXT } from '../model/text.js';
import { INNER } from './look.js';

/** Lines of the body between the title and the status line. */
export const BODY_LINES = 19;
const LABEL = 22;
/** Matches a focused search field lists under itself. */
const SEARCH_ROWS = 5;

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
/** The tail of a long value, so what is being typed stays in view. */
const tailOf = (s: string, n: number) => (s.length <= n ? s : `..${s.slice(s.length - n + 2)}`);

function valueText(s: TuiState, f: Field, focused: boolean, ctx: FieldContext): string {
  const a = s.form.answers;
  const v = a[f.id];
  const room = INNER - LABEL - 4;
  const cursor = focused ? '_' : '';
  switch (f.kind) {
    case 'text':
      return tailOf(String(v), room - 1) + cursor;
    case 'secret': {
      if (f.id === 'password' && String(v) === '' && typeof a.passwordHash === 'string')
        return focused ? '(kept from the profile; type to replace)_' : '(kept from the profile)';
      const stars = '*'.repeat(Math.min(String(v).length, room - 12));
      return f.id === 'password' && String(v) ? `${stars}${cursor}  (${passwordStrength(String(v))})` : stars + cursor;
    }
    case 'toggle':
      return v === true ? '[x] on' : '[ ] off';
    case 'choice': {
      const opts = f.options!(a, ctx);
      const all = opts.map((o) => (o === v ? `[${o}]` : o)).join(' ');
      return all.length <= room ? all : `< ${String(v)} >`;
    }
    case 'search': {
      const filter = s.search[f.id] ?? '';
      if (!focused) return String(v);
      const hits = searchList(f.options!(a, ctx), filter);
      return tailOf(`${String(v)}  [${filter}_] ${hits.length} match${hits.length === 1 ? '' : 'es'}`, room);
    }
    case 'keys': {
      const keys = v as string[];
      return `${keys.length} key${keys.length === 1 ? '' : 's'}${focused ? `  + ${tailOf(s.keyLine, room - 12)}_` : ''}`;
    }
    case 'disks':
      return chosenDisks(s.form).join(', ') || '(none chosen)';
    case 'nic':
      return String(v) || '(none)';
    case 'nics':
      return (v as string[]).join(', ') || '(none chosen)';
  }
}

function diskLines(s: TuiState, focused: boolean, ctx: FieldContext): string[] {
  const chosen = s.form.answers.disks as string[];
  const at = s.cursor.disks ?? 0;
  const disks = eligibleDisks(ctx.facts.disks ?? []);
  const other = (ctx.facts.disks ?? []).length - disks.length;
  const rows = diskRows(s).map((name, i) => {
    const d = disks.find((x) => x.name === name)!;
    const mark = chosen.includes(name) ? '[x]' : '[ ]';
    const pointer = focused && i === at ? '>' : ' ';
    return `  ${pointer}${mark} ${pad(name, 8)} ${pad(formatBytes(d.sizeBytes), 10)} ${pad(d.transport ?? '?', 6)} ${pad(d.model ?? '', 24).slice(0, 24)} ${d.serial ?? ''}`;
  });
  const holds = disks[at] ? [`      holds: ${describeContents(disks[at]!)}`] : [];
  return [...rows, ...(focused ? holds : []), ...(other ? [`      (${other} disk${other === 1 ? '' : 's'} not offered: the boot medium or read-only)`] : [])];
}

function nicLines(s: TuiState, f: Field, focused: boolean, ctx: FieldContext): string[] {
  const at = s.cursor[f.id] ?? 0;
  const v = s.form.answers[f.id];
  return (ctx.facts.nics ?? []).map((n, i) => {
    const mark = f.kind === 'nics' ? (Array.isArray(v) && v.includes(n.name) ? '[x]' : '[ ]') : v === n.name ? '(*)' : '( )';
    const pointer = focused && i === at ? '>' : ' ';
    const link = n.link ? `link${n.speedMbps ? ` ${n.speedMbps} Mb/s` : ''}` : 'NO LINK';
    return `  ${pointer}${mark} ${pad(n.name, 16)} ${n.mac}  ${pad(n.driver ?? '', 12)} ${link}`;
  });
}

/** A form screen: one line per field (lists under theirs), then the focused field's problem or help. */
export function formLines(s: TuiState, ctx: FieldContext): string[] {
  const fields = visibleFields(s);
  const out: string[] = [];
  fields.forEach((f, i) => {
    const focused = i === s.focus;
    const bad = shownProblems(s, f.id).length > 0;
    out.push(`${focused ? '>' : ' '}${bad ? '!' : ' '}${pad(f.label, LABEL)}${valueText(s, f, focused, ctx)}`);
    if (f.kind === 'search' && focused) {
      const hits = searchList(f.options!(s.form.answers, ctx), s.search[f.id] ?? '');
      const at = Math.max(0, hits.indexOf(String(s.form.answers[f.id])));
      const from = Math.max(0, Math.min(at - 1, hits.length - SEARCH_ROWS));
      out.push(...hits.slice(from, from + SEARCH_ROWS).map((h) => `${' '.repeat(LABEL + 2)}${h === s.form.answers[f.id] ? '>' : ' '} ${h}`));
    }
    if (f.kind === 'disks') out.push(...diskLines(s, focused, ctx));
    if (f.kind === 'nic' || f.kind === 'nics') out.push(...nicLines(s, f, focused, ctx));
  });
  const f = fields[s.focus];
  const message: string[] = [];
  const problems = f ? shownProblems(s, f.id) : [];
  if (problems.length) for (const p of problems.slice(0, 2)) message.push(`! ${p.message}`, ...(p.hint ? [`  ${p.hint}`] : []));
  else if (f) message.push(`  ${f.help}`);
  const other = s.check.byScreen.get(s.at) ?? [];
  for (const p of other.slice(0, 2)) message.push(`! ${p.path}: ${p.message}`);
  const room = BODY_LINES - message.length - 1;
  return [...out.slice(0, room), ...Array(Math.max(0, room - out.length)).fill(''), '', ...message].slice(0, BODY_LINES);
}

export function welcomeLines(s: TuiState): string[] {
  const preloaded = s.skipped.map((id) => FORM_SCREENS.find((x) => x.id === id)!.title);
  return [
    ...TUI_TEXT.welcome,
    '',
    // The source can be long (a device, a URL): one line, cut to the frame.
    ...(s.preloadedFrom ? [`Answers preloaded from ${s.preloadedFrom}`.slice(0, 76)] : []),
    ...(preloaded.length ? ['From the profile (not asked again, shown on the summary):', `  ${preloaded.join(', ')}`, ''] : s.preloadedFrom ? [''] : []),
    TUI_TEXT.welcomeGo,
  ];
}

/** The MFA screen, drawn without the frame: the QR code left (up to 24 lines), the text right. */
export function mfaLines(s: TuiState, ascii: boolean): string[] {
  const t = s.totp;
  if (!t) return ['no TOTP secret yet'];
  const groups = t.secret.match(/.{1,4}/g) ?? [];
  const code = String(s.form.answers.totpCode);
  // At most 31 columns: beside a version 7 code (47 columns with its quiet zone).
  const right = [
    'DebVisor: second factor',
    '',
    'Scan the code with an',
    'authenticator app, or type',
    'the secret:',
    `  ${groups.slice(0, 4).join(' ')}`,
    `  ${groups.slice(4).join(' ')}`,
    '',
    'Recovery codes (each works',
    'once; shown only now):',
    ...t.recoveryCodes.map((c) => `  ${c}`),
    '',
    `Code from the app: ${code}_`,
    ...(s.totpWrong ? [`! ${TUI_TEXT.totpWrong}`, `  ${TUI_TEXT.totpWrongHint}`] : ['', '']),
    '',
    'Enter checks  Esc back',
    '^C abort',
  ];
  if (ascii) {
    const text = ['(No QR code: it needs Unicode', 'blocks. Type the secret.)', '', ...right];
    return text.slice(0, 24);
  }
  const qr = qrLines(t.uri);
  const width = [...(qr[0] ?? '')].length;
  const rightWidth = 80 - width - 2;
  const n = Math.max(qr.length, right.length);
  const out: string[] = [];
  for (let i = 0; i < Math.min(n, 24); i++) out.push(`${qr[i] ?? ' '.repeat(width)}  ${(right[i] ?? '').slice(0, rightWidth)}`.trimEnd());
  return out;
}

/** Every choice, then what will be wiped, from the plan of the exported profile (the unattended path's plan). */
export function summaryLines(s: TuiState): string[] {
  const o = s.outcome;
  const a = s.form.answers;
  const out: string[] = [];
  if (!o) return ['no plan yet'];
  if (!o.ok) {
    out.push('The answers do not make a valid profile:');
    for (const i of o.issues) out.push(`! ${i.path}: ${i.message}`, ...(i.hint ? [`    ${i.hint}`] : []));
    return out;
  }
  const p = o.profile;
  const plan = o.plan;
  if (plan.wipe.length) {
    out.push('WILL BE WIPED (everything on these disks is lost):');
    for (const w of plan.wipe) out.push(`  ${w.path}  ${formatBytes(w.sizeBytes)}  ${w.model ?? ''}  serial ${w.serial ?? '?'}`, `      holds: ${w.holds}`);
  } else out.push(`disks: ${plan.disks.chosen.join(', ') || 'none chosen'}`);
  const st = plan.storage;
  out.push(
    `storage: ${p.install.storage.filesystem}, ${p.install.storage.raid}, swap ${p.install.storage.swapSize}${st ? '' : ''}`,
    `node: ${plan.node.fqdn}; ${p.node.timezone}, keyboard ${p.node.keyboard}, ${p.node.locale}`,
    `admin: ${p.users.admin.name}, ${p.users.admin.sshKeys.length} SSH key${p.users.admin.sshKeys.length === 1 ? '' : 's'}, password ${p.users.admin.passwordHash ? 'set' : 'NOT set'}, TOTP ${p.users.admin.mfa.totp ? (s.totp?.verified ? 'enrolled' : 'on') : 'off'}`,
  );
  const n = plan.network;
  const v4 = p.network.ipv4.method === 'static' ? `static ${p.network.ipv4.address} via ${p.network.ipv4.gateway ?? '-'}` : p.network.ipv4.method;
  const v6 = p.network.ipv6.method === 'static' ? `static ${p.network.ipv6.address}` : p.network.ipv6.method;
  const over =
    n?.interfaces
      .filter((i) => i.role !== 'unused')
      .map((i) => i.name)
      .join(', ') ?? '?';
  out.push(`network: ${n?.addressOn ?? '?'} over ${over}`, `  IPv4 ${v4}; IPv6 ${v6}`);

  out.push(`DNS: ${p.network.dns.servers.join(', ') || 'from DHCP'}${p.network.vlan ? `; VLAN ${p.network.vlan.id}` : ''}`);
  const fw = p.security.firewall;
  out.push(`security: firewall ${fw.enabled ? 'on' : 'OFF'}${fw.lockdown ? ', lockdown' : ''}; SSH ${p.security.ssh.level}`);
  out.push(`certificates: ${p.tls.acme.enabled ? `ACME ${p.tls.acme.ca}${p.tls.acme.email ? ` (${p.tls.acme.email})` : ''}` : 'self-signed only'}`);
  out.push(`DNS registration: ${p.dns.register ? `on, ${p.dns.server ?? '?'} zone ${p.dns.zone ?? p.node.domain ?? '?'}` : 'off'}`);
  out.push(
    `cluster: ${p.cluster.role}${p.cluster.role === 'init' ? ` ${p.cluster.name ?? ''}` : ''}${p.cluster.role === 'join' ? ` via ${p.cluster.join?.endpoint ?? '?'}` : ''}`,
  );
  if (!plan.ok) {
    out.push('', 'The plan is refused:');
    for (const e of plan.errors) out.push(`! ${e.path}: ${e.message}`, ...(e.hint ? [`    ${e.hint}`] : []));
  }
  for (const note of plan.notes) out.push(`note: ${note}`);
  void a;
  return out;
}

/** The summary body: the scrollable summary above the two fields and the status. */
export function summaryBody(s: TuiState, ctx: FieldContext): string[] {
  const lines = summaryLines(s).flatMap((l) => breakLine(l));
  const fields = visibleFields(s);
  const fieldLines = fields.map((f, i) => `${i === s.focus ? '>' : ' '} ${pad(f.label, LABEL)}${valueText(s, f, i === s.focus, ctx)}`);
  const words = confirmWords(s).filter((w) => !w.startsWith('/dev/'));
  const ready = s.outcome?.ok === true && s.outcome.plan.ok;
  const ask = ready
    ? `  Type ${[...new Set(words)].slice(1).join(' or ') || 'the disk name'} or yes, then Enter, to install.`
    : '  The install cannot start: fix the problems above (Esc goes back).';
  const room = BODY_LINES - fieldLines.length - 2;
  const top = Math.min(s.scroll, Math.max(0, lines.length - room));
  const shown = lines.slice(top, top + room);
  const more = lines.length > room ? ` (PgUp/PgDn: ${top + 1}-${top + shown.length} of ${lines.length})` : '';
  return [...shown, ...Array(Math.max(0, room - shown.length)).fill(''), more ? more.trim() : '', ask, ...fieldLines];
}

export function titleOf(s: TuiState): string {
  const order = flow(s);
  const i = order.indexOf(s.at);
  const step = i >= 0 ? ` (${i + 1}/${order.length})` : '';
  return `DebVisor installer - ${SCREEN_TITLES[s.at]}${step}`;
}

/** Problems anywhere, for the summary's status (a preloaded screen's problems show up here). */
export function allProblems(s: TuiState): number {
  return FORM_SCREENS.reduce((n, x) => n + screenProblems(s.check, x.id, s.form.answers).length, 0);
}

/** A long line of engine text (the plan, a failure) broken at spaces to `width`, continued under its own indent. */
export function breakLine(line: string, width = INNER): string[] {
  const out: string[] = [];
  const indent = `${' '.repeat(line.length - line.trimStart().length)}    `;
  let rest = line;
  while ([...rest].length > width) {
    const cut = rest.lastIndexOf(' ', width);
    const at = cut > indent.length ? cut : width;
    out.push(rest.slice(0, at).trimEnd());
    rest = indent + rest.slice(at).trimStart();
  }
  out.push(rest);
  return out;
}

/** The finish screen's text: the engine's lines without the event lines (the progress screen showed those), broken to the width. */
export function finishLines(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => !/^\d{4}-\d\d-\d\dT/.test(l))
    .flatMap((l) => breakLine(l));
}

/**
 * The profile as the "show profile" dialog prints it: the same YAML document, with every long
 * unbreakable string (a password hash, a key) double-quoted so YAML itself breaks it with escaped
 * line ends. Every line fits the width (the frame would cut it), and what is read off the screen
 * parses to exactly the exported profile.
 */
export function profileScreenLines(yaml: string, width = INNER): string[] {
  const doc = parseDocument(yaml);
  visit(doc, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === 'string' && /\S{40,}/.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  // YAML's fold does not always count the key before a value: narrower until every line fits.
  let lines: string[] = [];
  for (let w = width; w >= 30; w -= 4) {
    lines = doc.toString({ lineWidth: w, minContentWidth: 20 }).replace(/\n$/, '').split('\n');
    if (lines.every((l) => [...l].length <= width)) break;
  }
  return lines;
}

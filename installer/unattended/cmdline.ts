/**
 * What the kernel command line says about the unattended install (pure: the text of
 * /proc/cmdline in, a description out). Effects live in discover.ts.
 *
 *   debvisor.mode=unattended            the boot entry that starts the installer service
 *   debvisor.profile=/path/on/medium    a file on the boot medium (then the live root)
 *   debvisor.profile=label:NAME[:/path] a filesystem by label, mounted read-only (default path /profile.yaml)
 *   debvisor.profile=https://...        an answer server (POST facts, take the profile)
 *   debvisor.profile.pin=sha256:HEX     the SHA-256 of the server's certificate (DER)
 */

/** The label of a second stick that carries a profile. */
export const PROFILE_LABEL = 'DEBVISOR-PROFILE';
/** Where a profile is looked for on a filesystem found by its label. */
export const LABEL_DEFAULT_PATH = '/profile.yaml';
/** Longest label blkid accepts for the file systems a stick carries (ext4: 16, vfat: 11, iso9660: 32). */
const LABEL_MAX = 32;

export type ProfileSource =
  | { kind: 'path'; path: string }
  | { kind: 'label'; label: string; path: string }
  | { kind: 'https'; url: string; pin: string | undefined };

export interface UnattendedCmdline {
  mode: string | undefined;
  /** The explicit source, when `debvisor.profile=` is given. */
  source: ProfileSource | undefined;
  /** The certificate pin for an https:// source (given, or from DHCP). */
  pin: string | undefined;
}

/** A problem with the command line: the argument, what is wrong, what to do. */
export interface CmdlineIssue {
  arg: string;
  message: string;
  hint: string;
}

export type CmdlineResult = { ok: true; value: UnattendedCmdline } | { ok: false; issues: CmdlineIssue[] };

/**
 * Splits a kernel command line as the kernel does: spaces separate, double quotes group
 * (`a="b c"` is one argument `a=b c`).
 */
export function splitCmdline(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let has = false;
  for (const ch of text) {
    if (ch === '"') {
      quoted = !quoted;
      has = true;
    } else if (!quoted && /\s/.test(ch)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += ch;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

/** The value of the last `key=` argument (the kernel's and systemd's rule: the last one wins). */
function lastValue(args: string[], key: string): string | undefined {
  let v: string | undefined;
  for (const a of args) if (a.startsWith(`${key}=`)) v = a.slice(key.length + 1);
  return v;
}

/** `sha256:AB:CD:...` or `sha256:abcd...` to 64 lowercase hex digits, or undefined when malformed. */
export function normalizePin(pin: string): string | undefined {
  const m = /^sha256:([0-9a-fA-F:]+)$/.exec(pin);
  if (!m) return undefined;
  const hex = m[1]!.replace(/:/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

/** One `debvisor.profile=` value (also a URL from DHCP, held to the same rules); problems go to `issues`. */
export function parseSource(raw: string, pinRaw: string | undefined, issues: CmdlineIssue[]): ProfileSource | undefined {
  const arg = `debvisor.profile=${raw}`;
  // Control characters would reach a terminal and a mount option.
  if (/[\u0000-\u001f\u007f]/.test(raw)) {
    issues.push({ arg, message: 'the value holds control characters', hint: 'give a path, label:NAME or an https:// URL' });
    return undefined;
  }
  if (raw.startsWith('https://')) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      issues.push({ arg, message: 'not a valid URL', hint: 'for example debvisor.profile=https://10.0.0.5:8443/profile' });
      return undefined;
    }
    if (url.username || url.password) {
      issues.push({ arg, message: 'the URL holds a user or password', hint: 'the command line is readable by every process; use the certificate pin instead' });
      return undefined;
    }
    let pin: string | undefined;
    if (pinRaw !== undefined) {
      pin = normalizePin(pinRaw);
      if (!pin)
        issues.push({
          arg: `debvisor.profile.pin=${pinRaw}`,
          message: 'not a SHA-256 pin',
          hint: 'sha256: and 64 hex digits, as `openssl x509 -noout -fingerprint -sha256 -in cert.pem` prints them (colons allowed)',
        });
    }
    return { kind: 'https', url: url.href, pin };
  }
  if (raw.startsWith('http://')) {
    issues.push({
      arg,
      message: 'plain HTTP is refused: the profile holds secrets and decides which disks are wiped',
      hint: 'serve it over https:// with debvisor.profile.pin=sha256:...',
    });
    return undefined;
  }
  if (raw.startsWith('label:')) {
    const rest = raw.slice('label:'.length);
    const colon = rest.indexOf(':');
    const label = colon < 0 ? rest : rest.slice(0, colon);
    const path = colon < 0 ? LABEL_DEFAULT_PATH : rest.slice(colon + 1);
    if (!/^[A-Za-z0-9_.-]+$/.test(label) || label.length > LABEL_MAX) {
      issues.push({
        arg,
        message: `bad filesystem label "${label}"`,
        hint: `up to ${LABEL_MAX} letters, digits, '.', '_' or '-', for example label:${PROFILE_LABEL}`,
      });
      return undefined;
    }
    if (!isSafePath(path)) {
      issues.push({
        arg,
        message: `bad path "${path}" on the labelled filesystem`,
        hint: 'an absolute path without "..", for example label:STICK:/node1.yaml',
      });
      return undefined;
    }
    return { kind: 'label', label, path };
  }
  if (!isSafePath(raw)) {
    issues.push({
      arg,
      message: 'not an absolute path, label:NAME or https:// URL',
      hint: 'for example debvisor.profile=/debvisor/profile.yaml (on the boot medium)',
    });
    return undefined;
  }
  return { kind: 'path', path: raw };
}

/** An absolute path that stays inside the root it is joined to. */
export function isSafePath(p: string): boolean {
  return p.startsWith('/') && !p.split('/').includes('..') && p.length <= 1024;
}

/** The unattended settings of a kernel command line, or every problem with them. */
export function parseUnattendedCmdline(text: string): CmdlineResult {
  const args = splitCmdline(text);
  const issues: CmdlineIssue[] = [];
  const raw = lastValue(args, 'debvisor.profile');
  const pinRaw = lastValue(args, 'debvisor.profile.pin');
  const source = raw === undefined || raw === '' ? undefined : parseSource(raw, pinRaw, issues);
  if (pinRaw !== undefined && source !== undefined && source.kind !== 'https')
    issues.push({
      arg: `debvisor.profile.pin=${pinRaw}`,
      message: `a pin with a ${source.kind} profile`,
      hint: 'a pin is for an https:// profile URL; remove it',
    });
  // Without debvisor.profile= the pin is for the URL a DHCP server hands out.
  let pin: string | undefined;
  if (pinRaw !== undefined && source === undefined) {
    pin = normalizePin(pinRaw);
    if (!pin) issues.push({ arg: `debvisor.profile.pin=${pinRaw}`, message: 'not a SHA-256 pin', hint: 'sha256: and 64 hex digits (colons allowed)' });
  }
  if (issues.length) return { ok: false, issues };
  return { ok: true, value: { mode: lastValue(args, 'debvisor.mode'), source, pin: source?.kind === 'https' ? source.pin : pin } };
}

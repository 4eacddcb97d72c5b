/** The installer's own words, kept together so they can be reviewed in one place (the profile's messages come from its schema and rules). */
export const TUI_TEXT = {
  minPassword: 8,
  passwordShort: 'the password is shorter than 8 characters',
  passwordMismatch: 'the two passwords differ',
  passphraseMismatch: 'the two encryption passphrases differ',
  noDisk: 'no disk is chosen',
  noDiskHint: 'move to a disk with Up/Down and press Space',
  disksApart: 'no single selector tells these disks apart from the others',
  disksApartHint: 'choose all disks, or disks of one model or bus; or write install.disks.match in a profile',
  totpWrong: 'wrong code for this secret',
  totpWrongHint: "check the phone's clock",
  confirmWrong: 'type the disk name or yes to install',
  abortQuestion: 'Abort the install? Nothing has been written to any disk.',
  abortKeys: 'y: abort and leave   n or Esc: go back',
  keys: 'Up/Down field  Enter next  Esc back  ^C abort',
  keysList: 'Up/Down move  Space choose  Enter next  Esc back  ^C abort',
  welcome: [
    'This installs DebVisor, a Debian-based virtualization node, on this machine.',
    'It asks for the disks, location, administrator, second factor, network,',
    'security, certificates and cluster, then shows a summary. Nothing is written',
    'to any disk before you confirm on the summary.',
    '',
    'Keys: Up/Down or Tab move between fields, Enter goes on, Esc goes back,',
    'Ctrl-C aborts (it asks first). Nothing needs a mouse or colour.',
    '',
    'DebVisor is free software under the GNU Affero General Public License,',
    'version 3 or later (AGPL-3.0-or-later), WITHOUT ANY WARRANTY. The licence',
    'text is in /usr/share/doc/debvisor/copyright on the installed node.',
  ],
  welcomeGo: 'Press Enter to accept the licence and begin.',
  strength: ['weak', 'fair', 'good', 'strong'] as const,
} as const;

/** A rough strength hint: length and kinds of characters (the hint only; the rule is the minimum length). */
export function passwordStrength(pw: string): (typeof TUI_TEXT.strength)[number] {
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(pw)).length;
  const score = (pw.length >= 8 ? 1 : 0) + (pw.length >= 12 ? 1 : 0) + (pw.length >= 16 ? 1 : 0) + (kinds >= 3 ? 1 : 0) - (pw.length < 8 ? 1 : 0);
  return TUI_TEXT.strength[Math.max(0, Math.min(3, score))]!;
}

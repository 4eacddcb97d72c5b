import type { TargetFacts } from '../core/facts.js';
import { PANEL_CERT, PANEL_KEY } from './panel/nginx.js';

/**
 * The checks rendered files pass before they are written: each runs the daemon's own tool on
 * the staged copy (`$1` in the scripts, `{}` in argv). Checks that need more than the file run
 * in a private mount namespace (`unshare -m`) with a tmpfs on /run for their scratch files, so
 * nothing on this machine changes. A check exits 127 when its tool is not installed here and
 * 125 when this machine's tool is another version than the target's (it would judge the file
 * by the wrong rules); the writer reports both as unchecked, loudly, never as passed.
 */
export interface FileCheck {
  name: string;
  argv: string[];
}

const PATHS = 'PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH';
/** `need TOOL`: exit 127 with a sentence when the tool is missing. */
const NEED = 'need() { command -v "$1" >/dev/null 2>&1 || { echo "$1 is not installed on this machine: not checked"; exit 127; }; }';
/** `same WHAT HAVE WANT`: exit 125 with a sentence when the versions differ. */
const SAME =
  'same() { [ "$2" = "$3" ] || { echo "this machine has $1 $2, the file is for $1 $3: not checked here (render with --target host to check on this machine, or on the node)"; exit 125; }; }';
const sh = (script: string) => ['sh', '-c', `set -eu; ${PATHS}; ${NEED}; ${SAME}; ${script}`];
const v = (x: [number, number]) => x.join('.');

/** nft -c in an empty network namespace: the host's own tables play no part. */
export const NFT_CHECK: FileCheck = { name: 'nft -c', argv: ['unshare', '-n', 'nft', '-c', '-f', '{}'] };

export const VISUDO_CHECK: FileCheck = { name: 'visudo -c', argv: ['visudo', '-c', '-f', '{}'] };

/** sshd -t with a test config that includes the drop-in and a throwaway host key (sshd -t needs one). */
export function sshdCheck(facts: TargetFacts): FileCheck {
  const script = [
    'need sshd',
    'same OpenSSH "$(sshd -V 2>&1 | sed -n "s/^OpenSSH_\\([0-9]*\\.[0-9]*\\).*/\\1/p")" "$2"',
    'exec 3<"$1"',
    'mount -t tmpfs tmpfs /run',
    'mkdir -p /run/sshd /run/dv',
    'cat <&3 >/run/dv/dropin.conf',
    "ssh-keygen -q -t ed25519 -N '' -C '' -f /run/dv/hostkey",
    'echo "Include /run/dv/dropin.conf" >/run/dv/sshd_config',
    'exec sshd -t -f /run/dv/sshd_config -h /run/dv/hostkey',
  ].join('; ');
  return { name: 'sshd -t', argv: ['unshare', '-m', ...sh(script), 'sshd-check', '{}', v(facts.openssh)] };
}

/**
 * nginx -t on the site inside a minimal http block. The panel's certificate comes later (tls
 * self-signed, then ACME), so a throwaway one lies over its paths, in the namespace only.
 */
export function nginxCheck(facts: TargetFacts): FileCheck {
  const script = [
    'need nginx',
    'need openssl',
    'same nginx "$(nginx -v 2>&1 | sed -n "s|.*nginx/\\([0-9]*\\.[0-9]*\\).*|\\1|p")" "$2"',
    'same OpenSSL "$(openssl version | sed -n "s/^OpenSSL \\([0-9]*\\.[0-9]*\\).*/\\1/p")" "$3"',
    'exec 3<"$1"',
    'mount -t tmpfs tmpfs /run',
    'mkdir -p /run/dv/tmp "/run/dv/etc$(dirname "$4")" "/run/dv/etc$(dirname "$5")"',
    'openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=check -days 1 -keyout "/run/dv/etc$5" -out "/run/dv/etc$4" 2>/dev/null',
    'mount -t overlay overlay -o lowerdir=/run/dv/etc:/etc /etc',
    'cat <&3 >/run/dv/site.conf',
    'for t in client_body proxy fastcgi uwsgi scgi; do echo "${t}_temp_path /run/dv/tmp/$t;"; done >/run/dv/temp.conf',
    'printf "pid /run/dv/nginx.pid;\\nevents {}\\nhttp {\\ninclude /run/dv/temp.conf;\\ninclude /run/dv/site.conf;\\n}\\n" >/run/dv/nginx.conf',
    'exec nginx -t -q -e stderr -p /run/dv/ -c /run/dv/nginx.conf',
  ].join('; ');
  // The cert paths are given relative to /etc (the overlay's place).
  const inEtc = (p: string) => p.replace(/^\/etc/, '');
  return {
    name: 'nginx -t',
    argv: ['unshare', '-m', ...sh(script), 'nginx-check', '{}', v(facts.nginx), v(facts.openssl), inEtc(PANEL_CERT), inEtc(PANEL_KEY)],
  };
}

/**
 * fail2ban-client -t on this machine's stock fail2ban config with the staged action, filter and
 * jails laid over it (the jail file's check; it reads the whole staged /etc/fail2ban).
 */
export const FAIL2BAN_CHECK: FileCheck = {
  name: 'fail2ban-client -t',
  argv: [
    'unshare',
    '-m',
    ...sh(
      [
        'need fail2ban-client',
        '[ -d /etc/fail2ban ] || { echo "/etc/fail2ban is missing on this machine: not checked"; exit 127; }',
        'd=$(dirname "$(dirname "$1")")',
        // overlayfs separates layers with ':' and options with ','; a backslash escapes them.
        'd=$(printf "%s" "$d" | sed "s/[\\\\:,]/\\\\&/g")',
        'mount -t overlay overlay -o "lowerdir=$d:/etc/fail2ban" /etc/fail2ban',
        'mount -t tmpfs tmpfs /run',
        'exec fail2ban-client -t',
      ].join('; '),
    ),
    'fail2ban-check',
    '{}',
  ],
};

#!/bin/sh
# Runs a command in a private mount namespace where the system's accounts, /etc/ssh, the sshd
# PAM stack, /var, /home, /root and /run come from a test root, so a real sshd and PAM use the
# rendered files without touching this machine's own. usage: in-root.sh ROOT COMMAND...
set -eu
R=$1; shift
for f in etc/passwd etc/shadow etc/group etc/gshadow etc/pam.d/sshd; do mount --bind "$R/$f" "/$f"; done
for d in etc/ssh var home root; do mount --bind "$R/$d" "/$d"; done
mount -t tmpfs tmpfs /run
mkdir -p /run/sshd
exec "$@"

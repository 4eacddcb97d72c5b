#!/bin/sh
# Runs a command in a private mount namespace where a test root's /etc, /usr/share and /var/lib
# lie over this machine's (read-only overlays: the root's files win), with private /run and
# nginx log and state directories. Nothing outside the namespace changes. usage: overlay-root.sh ROOT CMD...
set -eu
R=$1; shift
for d in etc usr/share var/lib; do
  if [ -d "$R/$d" ]; then mount -t overlay overlay -o "lowerdir=$R/$d:/$d" "/$d"; fi
done
# An overlay cannot hide the host's files (nginx's default site): the root's nginx config replaces it whole.
[ -d "$R/etc/nginx" ] && mount --bind "$R/etc/nginx" /etc/nginx
mount -t tmpfs tmpfs /run
[ -d /var/log/nginx ] && mount -t tmpfs tmpfs /var/log/nginx
# nginx's state directories (/var/lib/nginx/body...) exist only after nginx has run once on a
# machine; a private tmpfs lets nginx make them, as it does at its first start on a node.
[ -d /var/lib/nginx ] && mount -t tmpfs tmpfs /var/lib/nginx
exec "$@"

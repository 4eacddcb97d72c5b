#!/usr/bin/env bash
# Installs what DebVisor's commands need, idempotently and quickly when it is already there:
# the Debian packages of the host tools for a purpose (test, iso), and the npm dependencies.
# usage: scripts/bootstrap.sh [test|iso]...
set -euo pipefail
cd "$(dirname "$0")/.."

need_node_major=20
need_node_minor=19
if ! command -v node >/dev/null 2>&1; then
  echo "bootstrap: Node.js >= ${need_node_major}.${need_node_minor} is required and was not found" >&2
  echo "  hint: on Debian 13 run: apt-get install nodejs npm" >&2
  exit 1
fi
node -e "const [a,b]=process.versions.node.split('.').map(Number); process.exit(a>${need_node_major}||(a===${need_node_major}&&b>=${need_node_minor})?0:1)" || {
  echo "bootstrap: Node.js $(node --version) is too old; DebVisor needs >= ${need_node_major}.${need_node_minor}" >&2
  exit 1
}

missing=()
for purpose in "$@"; do
  list="scripts/packages/${purpose}.txt"
  [ -f "$list" ] || { echo "bootstrap: no package list $list" >&2; exit 2; }
  while read -r pkg _; do
    case "$pkg" in ''|\#*) continue ;; esac
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$pkg")
  done < "$list"
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "bootstrap: these Debian packages are missing: ${missing[*]}" >&2
    echo "  hint: run as root, or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Services that packages start on install (fail2ban) are not wanted on a build or test host.
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; created_policy=1; fi
  trap '[ "$created_policy" = 1 ] && rm -f "$policy"' EXIT
  apt-get update -q </dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
fi

# npm dependencies: reinstall only when package-lock.json changed since the last install.
stamp=node_modules/.debvisor-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "bootstrap: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund </dev/null
  echo "$want" > "$stamp"
fi

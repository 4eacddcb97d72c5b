#!/usr/bin/env bash
# The README on a new machine: builds a clean Debian 12 root (mmdebstrap, minbase plus what a new
# machine of this kind has: Node.js with npm, git, python3, make, g++), copies a clean clone of
# the last commit in, runs the README's test machinery there (scripts/test.sh per level, which is
# what `npm test` runs: bootstrap with apt-get and npm ci, lint, type check, build, vitest), inside a private mount namespace and a
# private network namespace (user-mode networking through slirp4netns, so the suites still reach
# Debian's mirror, and nothing they start can meet this machine's own servers).
#
# A green suite on a machine where packages were once installed by hand hides a missing install
# step; this check cannot: the root starts with none of them.
#
# usage: scripts/fresh-machine-check.sh [LEVEL...]   LEVEL: unit, integration, e2e (default: unit integration)
#   FRESH_ROOT=DIR   where the root is made (default /var/tmp/debvisor-fresh; emptied first)
#   FRESH_KEEP=1     keep the root afterwards (to look inside)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
levels=("$@")
[ ${#levels[@]} -gt 0 ] || levels=(unit integration)
for l in "${levels[@]}"; do
  case "$l" in unit|integration|e2e) ;; *) echo "fresh-machine-check: unknown level '$l' (unit, integration, e2e)" >&2; exit 2 ;; esac
done
[ "$(id -u)" -eq 0 ] || { echo "fresh-machine-check: run as root (it builds a root and mounts inside it)" >&2; exit 2; }

root=${FRESH_ROOT:-/var/tmp/debvisor-fresh}
suite=bookworm
log() { printf '[fresh %s] %s\n' "$(date +%T)" "$*"; }

# The check's own tools, on this machine (not in the root).
need=()
for p in mmdebstrap slirp4netns; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  log "installing the check's tools: ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" </dev/null
fi

cleanup() {
  [ -n "${slirp_pid:-}" ] && kill "$slirp_pid" 2>/dev/null || true
  if [ "${FRESH_KEEP:-0}" != 1 ] && [ -d "$root" ]; then
    # Mounts lived in the private namespace only; nothing is mounted here any more.
    if ! findmnt -rn -o TARGET | grep -q "^$root"; then rm -rf "$root"; fi
  fi
}
trap cleanup EXIT

if findmnt -rn -o TARGET | grep -q "^$root"; then echo "fresh-machine-check: something is mounted under $root; unmount it first" >&2; exit 1; fi
rm -rf "$root"
mkdir -p "$root"

log "mmdebstrap $suite minbase into $root"
# Node.js is not Debian 12's (18 is too old): a new machine of this kind comes with Node.js 20
# and npm, so the root gets this machine's node and npm, nothing else of it.
mmdebstrap --variant=minbase --include=git,ca-certificates,python3,make,g++ \
  "$suite" "$root" http://deb.debian.org/debian >/dev/null
node_bin=$(command -v node)
npm_dir=$(dirname "$(readlink -f "$(command -v npm)")")/..
install -m 0755 "$node_bin" "$root/usr/bin/node"
mkdir -p "$root/usr/lib/node_modules"
cp -a "$(readlink -f "$npm_dir")" "$root/usr/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/bin/npx"
# The root's apt sources: Debian 12 with updates and security, as on a new machine.
cat > "$root/etc/apt/sources.list" <<EOF
deb http://deb.debian.org/debian $suite main
deb http://deb.debian.org/debian $suite-updates main
deb http://deb.debian.org/debian-security $suite-security main
EOF
echo 'nameserver 10.0.2.3' > "$root/etc/resolv.conf"   # slirp4netns's DNS forwarder
# What the Debian installer (or a cloud image) writes and mmdebstrap does not.
printf '127.0.0.1\tlocalhost\n127.0.1.1\tfresh\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
echo fresh > "$root/etc/hostname"
# A new machine of this kind also trusts its network's TLS egress CA and points npm at it: take
# those over (the CA certificates, npm's global config), nothing else.
if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null
fi
npmrc=$(npm config get globalconfig 2>/dev/null || true)
if [ -n "$npmrc" ] && [ -f "$npmrc" ]; then mkdir -p "$root$(dirname "$npmrc")"; cp "$npmrc" "$root$npmrc"; fi

log "clean clone of $(git -C "$repo" rev-parse --short HEAD) (committed work only)"
git clone -q --no-local "$repo" "$root/root/debvisor"
git -C "$root/root/debvisor" log --oneline -1

# What runs inside the private namespaces: the mounts a machine has, then the README's setup,
# then the suites.
cat > "$root/root/fresh-run.sh" <<'EOF'
#!/bin/bash
set -euo pipefail
cd /root/debvisor
echo "[fresh] node $(node --version), npm $(npm --version)"
# The README's own test machinery per level: bootstrap (apt-get, npm ci), lint, type check,
# build, vitest. Nothing is installed by hand before it.
for l in "$@"; do
  echo "[fresh] scripts/test.sh $l"
  bash scripts/test.sh "$l"
done
EOF
chmod +x "$root/root/fresh-run.sh"

cat > "$root/../debvisor-fresh-inner.sh" <<EOF
#!/bin/bash
set -euo pipefail
R=$root
# wait for slirp4netns's tap device
for i in \$(seq 1 100); do ip link show tap0 >/dev/null 2>&1 && break; sleep 0.1; done
ip link show tap0 >/dev/null
mount --make-rprivate /
# The root must be a mount point, as / is on a machine (unshare -m in the tests makes it private).
mount --bind "\$R" "\$R"
mount -t proc proc "\$R/proc"
mount -t sysfs sysfs "\$R/sys"
mount --rbind /dev "\$R/dev"
mount -t tmpfs tmpfs "\$R/run"
mount -t tmpfs -o mode=1777 tmpfs "\$R/tmp"
mkdir -p "\$R/dev/pts"
exec chroot "\$R" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb CI=1 \${NODE_EXTRA_CA_CERTS:+NODE_EXTRA_CA_CERTS=\$NODE_EXTRA_CA_CERTS} /root/fresh-run.sh "\$@"
EOF
chmod +x "$root/../debvisor-fresh-inner.sh"

log "running in a private mount and network namespace: setup, then ${levels[*]}"
start=$(date +%s)
unshare --mount --net --propagation private "$root/../debvisor-fresh-inner.sh" "${levels[@]}" </dev/null &
inner=$!
# The namespace's way out: user-mode networking (no route to this machine's loopback).
slirp4netns --configure --mtu=65520 --disable-host-loopback "$inner" tap0 >/dev/null 2>&1 &
slirp_pid=$!
set +e
wait "$inner"
rc=$?
set -e
rm -f "$root/../debvisor-fresh-inner.sh"
log "rc=$rc after $(( $(date +%s) - start )) s"
if [ "$rc" -eq 0 ]; then log "PASSED: the README's setup and the ${levels[*]} suites on a new Debian 12 root"; else log "FAILED"; fi
exit "$rc"

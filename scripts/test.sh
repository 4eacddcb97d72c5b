#!/usr/bin/env bash
# Runs a test level: unit, integration, e2e, all (what CI runs), or release (the custom-kernel
# ISO: a long kernel compile, run before a release rather than in CI). Installs what the tests
# need first, then checks lint and format (biome) and types, compiles dist/ (npm run build), then runs vitest for the chosen projects.
set -euo pipefail
cd "$(dirname "$0")/.."
level=${1:-all}
case "$level" in
  unit) bash scripts/bootstrap.sh ;;
  integration) bash scripts/bootstrap.sh test iso ;;
  all) bash scripts/bootstrap.sh test iso ;;
  e2e|release) bash scripts/bootstrap.sh test iso ;;
  *) echo "usage: scripts/test.sh unit|integration|e2e|release|all" >&2; exit 2 ;;
esac
npx biome check
npx tsc --noEmit
# The tests run bin/debvisor.js, which uses the compiled dist/ when it is newer than the sources.
npm run --silent build
# A lane: a vitest run in the background, its lines prefixed, its exit status in a file (it runs
# in a pipe). `lane_start NAME CMD...`, then `lane_wait NAME VAR` waits for it and sets VAR to
# that status. lane_wait must run in this shell, never in $(...): a subshell cannot wait for the
# lane (not its child) and would read the status file before the lane has written it.
declare -A lane_status lane_pid
lane_start() {
  local name=$1 st
  shift
  st=$(mktemp "/tmp/debvisor-lane.XXXXXX")
  lane_status[$name]=$st
  ( set +e; "$@" 2>&1; echo $? >"$st" ) | sed -u "s/^/[$name] /" &
  lane_pid[$name]=$!
}
lane_wait() {
  local lane_st=${lane_status[$1]} lane_rc
  wait "${lane_pid[$1]}" || true
  lane_rc=$(cat "$lane_st" 2>/dev/null || true)
  rm -f "$lane_st"
  printf -v "$2" '%s' "${lane_rc:-none}"
}
# The kernel files compile a kernel on both cores and share cache/kernel (the source download): one
# lane of their own, at the lowest CPU priority, beside the other integration files, which wait on
# daemons much of the time and keep a core for themselves whenever they need it.
KERNEL=(test/integration/kernel-build.test.ts test/integration/kernel-config.test.ts)
integration() {
  local f exclude=() status1 status2
  lane_start kernel nice -n 19 npx vitest run --project integration "${KERNEL[@]}"
  for f in "${KERNEL[@]}"; do exclude+=(--exclude "$f"); done
  npx vitest run "$@" --project integration "${exclude[@]}" && status2=0 || status2=$?
  lane_wait kernel status1
  echo "integration: kernel lane exit $status1, the other files exit $status2"
  [ "$status1" = 0 ] && [ "$status2" = 0 ]
}
# The end-to-end files in two lanes: each QEMU guest runs on one TCG thread and this machine has
# two cores. Lane 1 is the TUI over serial and then the full install (about half of the e2e time);
# lane 2 the other QEMU files, one guest at a time, then the reproducible build. The lanes' files
# build the ISO when they start, through one lock (test/e2e/helpers/default-build.ts): the second
# finds it cached. The reproducible build holds that lock while it runs (it adds an include, which
# would change the default build): by then lane 1 is well into the full install, built long before
# (the TUI runs first because its file would otherwise start last and wait for the lock).
LANE1=(test/e2e/install-tui-serial.test.ts test/e2e/install-apply.test.ts)
ALONE=test/e2e/reproducible.test.ts
e2e() {
  local f exclude=(--exclude "$ALONE") status1 status2 status3
  lane_start 'lane 1' env DEBVISOR_E2E_GUESTS=1 sh -c 'npx vitest run --project e2e "$1"; a=$?; npx vitest run --project e2e "$2"; b=$?; [ $a = 0 ] && [ $b = 0 ]' lane1 "${LANE1[@]}"
  for f in "${LANE1[@]}"; do exclude+=(--exclude "$f"); done
  DEBVISOR_E2E_GUESTS=1 npx vitest run --project e2e "${exclude[@]}" && status2=0 || status2=$?
  npx vitest run --project e2e "$ALONE" && status3=0 || status3=$?
  lane_wait 'lane 1' status1
  echo "e2e: lane 1 (TUI, full install) exit $status1, lane 2 exit $status2, reproducible exit $status3"
  [ "$status1" = 0 ] && [ "$status2" = 0 ] && [ "$status3" = 0 ]
}
if [ "$level" = all ]; then
  # The QEMU boots run after the integration tests: under load, their timing-based probes and
  # the emulated boots would slow each other down on two cores.
  integration --project unit
  e2e
  exit
fi
if [ "$level" = e2e ]; then
  e2e
  exit
fi
if [ "$level" = integration ]; then
  integration
  exit
fi
exec npx vitest run --project "$level"

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
# The end-to-end files in two lanes: each QEMU guest runs on one TCG thread and this machine has
# two cores. Lane 1 is the full install and the TUI over serial (about half of the e2e time); lane 2
# the other QEMU files, one guest at a time. Both lanes build the ISO through one lock
# (test/e2e/helpers/default-build.ts): the second finds it cached. The reproducible build runs
# last and alone: it adds an include, which would make the lanes' builds run again.
LANE1=(test/e2e/install-apply.test.ts test/e2e/install-tui-serial.test.ts)
ALONE=test/e2e/reproducible.test.ts
e2e() {
  local st status1 status2 status3
  st=$(mktemp /tmp/debvisor-e2e-lane1.XXXXXX)
  # Lane 1's lines carry a prefix; its exit status comes back through a file (it runs in a pipe).
  ( set +e; DEBVISOR_E2E_GUESTS=1 npx vitest run --project e2e "${LANE1[@]}" 2>&1; echo $? >"$st" ) | sed -u 's/^/[lane 1] /' &
  local lane1=$!
  local f exclude=(--exclude "$ALONE")
  for f in "${LANE1[@]}"; do exclude+=(--exclude "$f"); done
  DEBVISOR_E2E_GUESTS=1 npx vitest run --project e2e "${exclude[@]}" && status2=0 || status2=$?
  wait "$lane1" || true
  status1=$(cat "$st")
  rm -f "$st"
  npx vitest run --project e2e "$ALONE" && status3=0 || status3=$?
  echo "e2e: lane 1 (full install, TUI) exit ${status1:-none}, lane 2 exit $status2, reproducible exit $status3"
  [ "$status1" = 0 ] && [ "$status2" = 0 ] && [ "$status3" = 0 ]
}
if [ "$level" = all ]; then
  # The QEMU boots run after the integration tests: under load, their timing-based probes and
  # the emulated boots would slow each other down on two cores.
  npx vitest run --project unit --project integration
  e2e
  exit
fi
if [ "$level" = e2e ]; then
  e2e
  exit
fi
exec npx vitest run --project "$level"

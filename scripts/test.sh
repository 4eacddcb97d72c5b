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
if [ "$level" = all ]; then
  # The QEMU boots run alone: under load, the timing-based probes of the integration tests and
  # the emulated boots would slow each other down on two cores.
  npx vitest run --project unit --project integration
  exec npx vitest run --project e2e
fi
exec npx vitest run --project "$level"

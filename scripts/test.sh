#!/usr/bin/env bash
# Quick start, command 2: install what is missing, build with warnings as errors, and run the whole
# test suite: unit, integration and e2e tests, the storage contract tests against a real
# PostgreSQL server started here on 127.0.0.1 in a folder of its own, and the unit tests again
# under AddressSanitizer + UndefinedBehaviorSanitizer.
#   scripts/test.sh                      everything
#   scripts/test.sh --quick              debug build only, no sanitizer pass
#   scripts/test.sh --soak-seconds N     run the soak test (label soak: three servers on one
#                                        PostgreSQL, one killed mid-run) for N s instead of 20
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --soak-seconds) shift; export VAXREG_SOAK_SECONDS="${1:?--soak-seconds needs a number}" ;;
    *) echo "usage: scripts/test.sh [--quick] [--soak-seconds N]" >&2; exit 2 ;;
  esac
  shift
done
jobs=$(nproc)
# Compiled objects are kept by ccache (CMakeLists.txt) and reused by the next run, also from
# another checkout of the same sources: paths under this checkout are hashed as relative ones.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-20G}"

scripts/install-deps.sh

pg_dir="$PWD/build/pg-test"
export VAXREG_PG_DSN
VAXREG_PG_DSN=$(scripts/pg-test-server.sh start "$pg_dir" 55432)
export VAXREG_REQUIRE_PG=1   # a pg test that cannot reach the server fails instead of skipping
trap 'scripts/pg-test-server.sh stop "$pg_dir"' EXIT
echo "test: PostgreSQL at $VAXREG_PG_DSN"

start=$(date +%s)
echo "== debug build (-Werror)"
cmake --preset debug >/dev/null
cmake --build --preset debug -j "$jobs"
echo "== web portal: type check and build (web/dist, used by the browser tests)"
(cd web && npx tsc --noEmit -p . && node build.mjs)
echo "== tests: unit, integration, pg, e2e"
ctest --preset debug -j "$jobs"

if [ "$quick" -eq 0 ]; then
  echo "== asan-ubsan build of the unit tests"
  cmake --preset asan-ubsan >/dev/null
  # Only the unit test executables: the sanitizer pass runs the unit label alone, so building the
  # server, integration and PostgreSQL tests again would only cost time.
  cmake --build --preset asan-ubsan -j "$jobs" --target unit_tests
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --preset asan-ubsan -j "$jobs"
fi
echo "test: all suites passed in $(( $(date +%s) - start )) s"

#!/usr/bin/env bash
# Starts (or stops) a throw-away PostgreSQL server for the test suite, on 127.0.0.1 in a folder of
# its own, and prints the DSN to use as VAXREG_PG_DSN.
#   scripts/pg-test-server.sh start [DIR] [PORT]   (defaults: build/pg-test, 55432)
#   scripts/pg-test-server.sh stop  [DIR]
# PostgreSQL refuses to run as root, so when run as root the server runs as the 'postgres' user.
# PG_SERVER_OPTIONS adds server settings, e.g. a benchmark's sizing:
#   PG_SERVER_OPTIONS="-c shared_buffers=4GB -c max_wal_size=16GB" scripts/pg-test-server.sh start build/pg-bench 55433
set -euo pipefail

cmd=${1:-start}
dir=$(realpath -m "${2:-build/pg-test}")
port=${3:-55432}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ]; then
  echo "pg-test-server: PostgreSQL server binaries not found (run scripts/install-deps.sh)" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    if [ -f "$dir/data/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      echo "postgresql://vaxreg@127.0.0.1:$port/vaxreg_test"
      exit 0
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
    as_owner "$bindir/initdb" -D "$dir/data" -U vaxreg --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    # Durability stays on (fsync) so the tests exercise what production runs.
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=200 ${PG_SERVER_OPTIONS:-}" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    "$bindir/createdb" -h 127.0.0.1 -p "$port" -U vaxreg vaxreg_test
    echo "postgresql://vaxreg@127.0.0.1:$port/vaxreg_test"
    ;;
  stop)
    if [ -d "$dir/data" ]; then as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true; fi
    ;;
  *)
    echo "usage: $0 start|stop [DIR] [PORT]" >&2
    exit 2
    ;;
esac

# Helpers shared by the end-to-end scripts (sourced).

# prints PATTERN COMMAND...: runs COMMAND and succeeds if it succeeded and its output matches
# PATTERN (grep). The output is read to the end first: `COMMAND | grep -q` under pipefail fails
# at random when grep exits at the first match and COMMAND dies of SIGPIPE writing the rest.
prints() {
  local pattern=$1 out
  shift
  out=$("$@") || return 1
  grep -q -- "$pattern" <<< "$out"
}

# server_port LOG: the port a `vaxreg serve --port 0` reports in LOG ("listening on
# http://127.0.0.1:PORT"), waiting up to 30 s for the line (a debug build on a loaded machine
# starts slowly); prints nothing and fails when it never comes.
server_port() {
  local log=$1 port=""
  for _ in $(seq 1 300); do
    port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$log" | head -n 1)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] && echo "$port"
}

# For tests that run a PostgreSQL server of their own: sets `bindir` to the newest server
# binaries, or ends the test as skipped (77), or failed under VAXREG_REQUIRE_PG=1, when
# PostgreSQL is not installed.
find_pg_bindir() {
  if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
    [ "${VAXREG_REQUIRE_PG:-0}" = 1 ] && { echo "FAIL: PostgreSQL is not installed" >&2; exit 1; }
    echo "SKIPPED: PostgreSQL is not installed"
    exit 77
  fi
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
}

# Runs a command as the owner of the PostgreSQL data folders (postgres when run as root).
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# A TCP port free on 127.0.0.1 at the time of asking.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# For tests that run a PostgreSQL server of their own, after find_pg_bindir with `root` set to
# the checkout: makes the private folder `work`, defines fail() (prints the message and the tail
# of $work/server.log, exits 1), starts PostgreSQL on a free port (`pg_port`, DSN in `db`) and
# sets an EXIT trap that stops the vaxreg server whose pid is in `server_pid`, runs
# `extra_cleanup` when the test defines it, stops PostgreSQL and removes `work`.
start_own_pg() {
  work=$(mktemp -d)
  chmod 755 "$work"
  server_pid=""
  trap own_pg_cleanup EXIT
  fail() { echo "FAIL: $*" >&2; tail -20 "$work/server.log" >&2 2>/dev/null || true; exit 1; }
  pg_port=$(free_port)
  db=$("$root/scripts/pg-test-server.sh" start "$work/pg" "$pg_port") || fail "start PostgreSQL"
}
own_pg_cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if declare -F extra_cleanup >/dev/null; then extra_cleanup; fi
  "$root/scripts/pg-test-server.sh" stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}

#!/usr/bin/env bash
# Demo credentials never reach production: after `demo seed`, `serve` without --demo refuses to
# start (exit 2, naming the command that fixes it); `serve --demo` runs; after
# `demo disable-accounts` a plain `serve` starts and the published password no longer logs in.
#   demo_accounts_e2e_test.sh PATH_TO_VAXREG
set -euo pipefail
source "$(dirname "$0")/lib.sh"
vaxreg=$1
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -9 "$server_pid"; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$work/server.log" ] && tail -20 "$work/server.log" >&2; exit 1; }

db="sqlite:$work/demo.db"
export VAXREG_PASSWORD_COST=min
v() { "$vaxreg" --db "$db" --log-level warn "$@"; }

v demo seed >/dev/null 2>&1 || fail "demo seed"

set +e
v serve --port 0 >"$work/refused.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fail "serve without --demo started on a demo database"; fi
wait "$pid"
code=$?
set -e
[ "$code" -eq 2 ] || fail "serve without --demo should exit 2, got $code: $(cat "$work/refused.log")"
grep -q "demo disable-accounts" "$work/refused.log" || fail "the refusal names no remedy: $(cat "$work/refused.log")"
grep -q "admin" "$work/refused.log" || fail "the refusal names no account"

start_server() {  # start_server ARGS...: serve on a free port, set $base
  "$vaxreg" --db "$db" serve --port 0 --threads 2 "$@" >"$work/server.log" 2>&1 &
  server_pid=$!
  local port
  port=$(server_port "$work/server.log") || fail "server did not report its port"
  base="http://127.0.0.1:$port"
}
stop_server() { kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""; }
admin_login_status() {
  curl -s -o /dev/null -w '%{http_code}' -X POST "$base/api/v1/auth/login" \
    -H 'content-type: application/json' -d '{"username":"admin","password":"vaxreg-admin-demo"}'
}

start_server --demo
[ "$(admin_login_status)" = 200 ] || fail "serve --demo: the demo admin cannot log in"
stop_server

prints "demo accounts: 6 disabled" v demo disable-accounts || fail "demo disable-accounts"
prints "demo accounts: 0 disabled" v demo disable-accounts || fail "demo disable-accounts is not idempotent"
start_server
[ "$(admin_login_status)" = 401 ] || fail "a disabled demo admin logged in"
stop_server
v audit verify >/dev/null || fail "audit chain after disabling"
echo "demo accounts e2e: ok"

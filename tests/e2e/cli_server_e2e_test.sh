#!/usr/bin/env bash
# End to end through the real binary: --help, db migrate, user add, serve on a free port,
# login over HTTP, 401/403, graceful shutdown on SIGTERM, audit verify, and tampering caught.
#   cli_server_e2e_test.sh PATH_TO_VAXREG
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

db="sqlite:$work/e2e.db"
export VAXREG_PASSWORD_COST=min

prints "serve" "$vaxreg" --help || fail "--help does not list serve"
prints "--password-stdin" "$vaxreg" user add --help || fail "user add --help"
prints "schema version 0 -> " "$vaxreg" --db "$db" db migrate || fail "db migrate"
prints "0 migrations applied" "$vaxreg" --db "$db" db migrate || fail "db migrate is not idempotent"
echo "e2e password" | prints "created user" "$vaxreg" --db "$db" user add --username ops.admin \
  --role admin --password-stdin || fail "user add admin"
VAXREG_PASSWORD="e2e password" prints "created user" "$vaxreg" --db "$db" user add \
  --username lan.staff --role facility_staff --facility HN-BACHMAI || fail "user add staff"
if "$vaxreg" --db "$db" user add --username x.y --role facility_staff </dev/null 2>/dev/null; then
  fail "user add without a password must fail"
fi
set +e
"$vaxreg" --db "$db" user add --username bad --role wizard --password-stdin </dev/null 2>"$work/err"
code=$?
set -e
[ "$code" -eq 2 ] || fail "unknown role should exit 2, got $code"
grep -q "unknown role" "$work/err" || fail "unknown role message"

"$vaxreg" --db "$db" serve --port 0 --threads 2 >"$work/server.log" 2>&1 &
server_pid=$!
port=$(server_port "$work/server.log") || fail "server did not report its port"
base="http://127.0.0.1:$port"

[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz")" = 200 ] || fail "/healthz"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/users")" = 401 ] || fail "401 without token"
login() {
  curl -s -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"e2e password\"}" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}
admin_token=$(login ops.admin)
staff_token=$(login lan.staff)
[ -n "$admin_token" ] && [ -n "$staff_token" ] || fail "login"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $staff_token" "$base/api/v1/users")" = 403 ] \
  || fail "403 for the wrong role"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $admin_token" "$base/api/v1/users")" = 200 ] \
  || fail "200 for admin"

kill -TERM "$server_pid"
for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$server_pid" 2>/dev/null; then fail "server did not stop on SIGTERM"; fi
wait "$server_pid" || fail "server exit code after SIGTERM"
server_pid=""
grep -q "shutdown complete" "$work/server.log" || fail "no graceful shutdown"

prints "audit log OK" "$vaxreg" --db "$db" audit verify || fail "audit verify on an intact log"
sqlite3 "$work/e2e.db" "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor='admin:mallory' WHERE seq=2;"
set +e
out=$("$vaxreg" --db "$db" audit verify)
code=$?
set -e
[ "$code" -eq 1 ] || fail "audit verify should exit 1 on tampering, got $code"
echo "$out" | grep -q "BROKEN at seq 2" || fail "tampered row not reported: $out"
echo "e2e: all checks passed"

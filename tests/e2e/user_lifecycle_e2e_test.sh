#!/usr/bin/env bash
# Account lifecycle through the real binary: `vaxreg user disable|enable|set-password|set-role|
# sessions|revoke-sessions` against a running server (which stops accepting the ended sessions
# within auth.session_cache_seconds), every change in the audit log with actor "cli"; and
# one-time codes: a plain server logs and stores no code, a `serve --demo` server prints it on a
# line marked DEMO ONLY, and the demo citizen it logs in sees their record.
#   user_lifecycle_e2e_test.sh PATH_TO_VAXREG
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

export VAXREG_PASSWORD_COST=min
export VAXREG_SESSION_CACHE_SECONDS=1
db="sqlite:$work/users.db"
v() { "$vaxreg" --db "$db" --log-level warn "$@"; }

start_server() {  # start_server ARGS...: serve on a free port, set $base
  "$vaxreg" --db "$db" serve --port 0 --threads 2 "$@" >"$work/server.log" 2>&1 &
  server_pid=$!
  local port=""
  for _ in $(seq 1 100); do
    port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/server.log" | head -n 1)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || fail "server did not report its port"
  base="http://127.0.0.1:$port"
}
stop_server() { kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""; }
login() {  # login USER PASSWORD: prints the token or nothing
  curl -s -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$2\"}" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}
me_status() {
  curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $1" "$base/api/v1/me"
}

VAXREG_PASSWORD="first password" prints "created user" v user add --username lan.staff \
  --role facility_staff --facility HN-BACHMAI || fail "user add staff"
prints "created user" v user add --username 001090012345 --role citizen --phone 0912345678 \
  || fail "user add citizen"
start_server

token=$(login lan.staff "first password")
[ -n "$token" ] || fail "staff login"
prints "1 active session" v user sessions --username lan.staff || fail "user sessions"
prints '"disabled":true' v user disable --username lan.staff --reason "left" || fail "user disable"
sleep 1.2
[ "$(me_status "$token")" = 401 ] || fail "a disabled account's token still works"
[ -z "$(login lan.staff "first password")" ] || fail "a disabled account logged in"
prints '"disabled":false' v user enable --username lan.staff || fail "user enable"
[ -n "$(login lan.staff "first password")" ] || fail "an enabled account cannot log in"

echo "second password" | prints "user " v user set-password --username lan.staff --password-stdin \
  || fail "user set-password"
[ -z "$(login lan.staff "first password")" ] || fail "the old password still works"
token=$(login lan.staff "second password")
[ -n "$token" ] || fail "the new password does not work"
prints '"role":"health_authority"' v user set-role --username lan.staff --role health_authority \
  --unit 01 || fail "user set-role"
sleep 1.2
[ "$(me_status "$token")" = 401 ] || fail "a token survived the role change"
token=$(login lan.staff "second password")
prints "revoked 1 session" v user revoke-sessions --username lan.staff || fail "user revoke-sessions"
sleep 1.2
[ "$(me_status "$token")" = 401 ] || fail "a revoked token still works"
set +e
v user disable --username nobody 2>"$work/err"
code=$?
set -e
[ "$code" -eq 1 ] || fail "disabling an unknown user should exit 1, got $code"

# One-time codes: nothing of the code in the log or the outbox of a plain server.
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$base/api/v1/auth/otp" \
      -H 'content-type: application/json' -d '{"cccd":"001090012345"}')" = 202 ] || fail "otp"
stop_server
if grep -q "DEMO ONLY" "$work/server.log"; then fail "a plain server printed a code"; fi
six_digits='(^|[^0-9])[0-9]{6}([^0-9]|$)'  # a code, not the 10-digit phone number
if grep "outbox" "$work/server.log" | grep -qE "$six_digits"; then fail "the log shows a code"; fi
if sqlite3 "$work/users.db" "SELECT body FROM outbox" | grep -qE "$six_digits"; then
  fail "the outbox holds a code"
fi

for action in user.disable user.enable user.password_reset user.update session.revoke; do
  [ "$(sqlite3 "$work/users.db" "SELECT COUNT(*) FROM audit_log WHERE action = '$action' AND actor = 'cli'")" -ge 1 ] \
    || fail "no audit row $action by cli"
done
prints "audit log OK" v audit verify || fail "audit verify"

# A demo server prints the code, marked DEMO ONLY, and it logs the citizen in.
db="sqlite:$work/demo.db"
start_server --demo
for _ in $(seq 1 100); do  # the demo accounts exist once the login help is printed
  grep -q "Demo logins" "$work/server.log" && break
  sleep 0.1
done
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$base/api/v1/auth/otp" \
      -H 'content-type: application/json' -d '{"cccd":"001090012345"}')" = 202 ] || fail "demo otp"
code=""
for _ in $(seq 1 50); do
  code=$(sed -n 's/.*DEMO ONLY.*code \([0-9]\{6\}\).*/\1/p' "$work/server.log" | tail -n 1)
  [ -n "$code" ] && break
  sleep 0.1
done
[ -n "$code" ] || fail "serve --demo did not print the code marked DEMO ONLY"
token=$(curl -s -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"cccd\":\"001090012345\",\"code\":\"$code\"}" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || fail "the demo code does not log in"
# The demo citizen's birth date agrees with their record, so they see it.
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/me/record" \
      -H "Authorization: Bearer $token")" = 200 ] || fail "the demo citizen does not see their record"
stop_server
echo "user lifecycle e2e: ok"

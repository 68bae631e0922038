#!/usr/bin/env bash
# End to end through the real binary: POST /api/v1/doses/csv with a ~32 MB body of refused rows
# (5,300,000 lines like `x,1,2`) keeps the server's memory bounded and the server responsive.
#   - resident memory (VmRSS, and the peak VmHWM, from /proc/PID/status) grows by less than
#     200 MiB over the idle server's VmRSS, during and after the upload;
#   - /healthz answers within 5 s, several times, while the upload is being processed;
#   - the answer is small: the first 10,000 refused rows in full, a count by reason and the total,
#     with errors_truncated set.
# The limit holds on the debug build (which ctest runs) and the release build alike: the report
# is capped and rows are read a chunk at a time, so memory does not depend on the number of rows.
#   csv_upload_memory_e2e_test.sh PATH_TO_VAXREG
set -euo pipefail
source "$(dirname "$0")/lib.sh"
vaxreg=$1
work=$(mktemp -d)
server_pid=""
upload_pid=""
cleanup() {
  if [ -n "$upload_pid" ] && kill -0 "$upload_pid" 2>/dev/null; then kill "$upload_pid"; fi
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -9 "$server_pid"; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$work/server.log" ] && tail -20 "$work/server.log" >&2; exit 1; }
kib() { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$server_pid/status"; }

export VAXREG_PASSWORD_COST=min
db="sqlite:$work/mem.db"
"$vaxreg" --db "$db" --log-level warn db migrate > /dev/null
VAXREG_PASSWORD="e2e password" "$vaxreg" --db "$db" --log-level warn user add --username ops.admin \
  --role admin > /dev/null

"$vaxreg" --db "$db" --log-level info serve --address 127.0.0.1 --port 0 --threads 2 \
  > "$work/server.log" 2>&1 &
server_pid=$!
port=$(server_port "$work/server.log") || fail "server did not report its port"
base="http://127.0.0.1:$port"
token=$(curl -s -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"username":"ops.admin","password":"e2e password"}' | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || fail "login"

rows=5300000
{
  echo "record_id,cccd,full_name,dob,sex,phone,province_code,district_code,commune_code,vaccine,lot,dose_number,date,facility_code"
  awk -v n="$rows" 'BEGIN { for (i = 0; i < n; i++) print "x,1,2" }'
} > "$work/bad.csv"
size=$(stat -c %s "$work/bad.csv")
[ "$size" -gt 31000000 ] && [ "$size" -lt 33554432 ] || fail "test body is $size bytes"

# The idle server, after it has answered a few requests.
for _ in 1 2 3; do curl -s -o /dev/null "$base/healthz"; done
idle_rss=$(kib VmRSS)
echo "idle: VmRSS ${idle_rss} kB, VmHWM $(kib VmHWM) kB"

curl -s -o "$work/answer.json" -w '%{http_code}' --max-time 600 -X POST "$base/api/v1/doses/csv" \
  -H "Authorization: Bearer $token" -H 'content-type: text/csv' --data-binary "@$work/bad.csv" \
  > "$work/status" &
upload_pid=$!

# While the upload is read and processed: /healthz answers within 5 s (curl --max-time), every
# time, and memory is sampled.
probes=0
max_rss=$idle_rss
while kill -0 "$upload_pid" 2>/dev/null; do
  if ! code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base/healthz"); then
    kill -0 "$upload_pid" 2>/dev/null || break  # the upload ended during the probe
    fail "/healthz did not answer within 5 s during the upload (probe $probes)"
  fi
  [ "$code" = 200 ] || fail "/healthz answered $code during the upload"
  probes=$((probes + 1))
  rss=$(kib VmRSS)
  [ "$rss" -gt "$max_rss" ] && max_rss=$rss
  sleep 0.2
done
wait "$upload_pid" || fail "the upload failed (curl exit $?)"
upload_pid=""
[ "$(cat "$work/status")" = 200 ] || fail "upload answered $(cat "$work/status"): $(head -c 500 "$work/answer.json")"
[ "$probes" -ge 1 ] || fail "no /healthz probe ran during the upload"

after_rss=$(kib VmRSS)
peak=$(kib VmHWM)
answer_size=$(stat -c %s "$work/answer.json")
echo "during: $probes /healthz probes, largest VmRSS sample ${max_rss} kB"
echo "after: VmRSS ${after_rss} kB, VmHWM ${peak} kB; answer ${answer_size} bytes"
limit=$((200 * 1024))
[ $((peak - idle_rss)) -lt "$limit" ] || fail "peak VmHWM grew by $(((peak - idle_rss) / 1024)) MiB over idle"
[ $((after_rss - idle_rss)) -lt "$limit" ] || fail "VmRSS after grew by $(((after_rss - idle_rss) / 1024)) MiB"
[ "$answer_size" -lt $((4 * 1024 * 1024)) ] || fail "the answer is $answer_size bytes"

python3 - "$work/answer.json" "$rows" <<'PY' || fail "answer content"
import json, sys
a = json.load(open(sys.argv[1]))
rows = int(sys.argv[2])
assert a["rows"] == rows, a["rows"]
assert a["recorded"] == 0
assert a["failed"] == rows, a["failed"]
assert a["errors_truncated"] is True
errors = a["errors"]
assert len(errors) == 10000, len(errors)
assert errors[0]["line"] == 2 and errors[-1]["line"] == 10001, (errors[0], errors[-1])
assert errors[0]["error"]["field"] == "line"
counts = a["error_counts"]
assert counts == [{"code": "INVALID_ARGUMENT", "count": rows, "field": "line"}], counts
PY

# Still serving normally afterwards.
[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base/healthz")" = 200 ] || fail "/healthz after"
kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=""
echo "csv upload memory e2e: OK"

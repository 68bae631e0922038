#!/usr/bin/env bash
# Soak: three vaxreg servers on one PostgreSQL database, as a ministry runs them. Concurrent dose
# writes race on the same people through all three (with idempotency keys, some replayed),
# batches, CSV uploads, check-ins and logins run beside them, and one server is killed with
# SIGKILL mid-run and started again. Then: no duplicate dose, every acknowledged dose present
# (single writes and batch items, and batch items acknowledged as kept for cleaning),
# every counter equal to the rows it counts, the audit chain intact, and no answer but 2xx/4xx,
# except 503 or a refused connection from the server while it is down.
#   soak_pg_test.sh PATH_TO_VAXREG    (VAXREG_PG_DSN names the server; VAXREG_SOAK_SECONDS the
#                                      duration, 20 by default: scripts/test.sh --soak-seconds N)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
vaxreg=$1
seconds=${VAXREG_SOAK_SECONDS:-20}
if [ -z "${VAXREG_PG_DSN:-}" ]; then
  [ "${VAXREG_REQUIRE_PG:-0}" = 1 ] && { echo "FAIL: VAXREG_PG_DSN is not set" >&2; exit 1; }
  echo "SKIPPED: VAXREG_PG_DSN is not set"
  exit 77
fi
work=$(mktemp -d)
name="vaxreg_soak_$$_$RANDOM"
db="${VAXREG_PG_DSN%/*}/$name"
pids=("" "" "")
cleanup() {
  for p in "${pids[@]}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  psql "$VAXREG_PG_DSN" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; tail -5 "$work"/server*.log >&2 2>/dev/null || true; exit 1; }
sql() { psql "$db" -XAtqc "$1"; }

psql "$VAXREG_PG_DSN" -qc "CREATE DATABASE $name" >/dev/null || fail "create database"
export VAXREG_PASSWORD_COST=min
"$vaxreg" --db "$db" --log-level warn demo seed --people 200 --seed 5 --without-doses >/dev/null 2>&1 ||
  fail "demo seed"

ports=()
for _ in 0 1 2; do
  ports+=("$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')")
done
start_server() {  # start_server I
  "$vaxreg" --db "$db" --log-level warn serve --demo --address 127.0.0.1 --port "${ports[$1]}" \
    --threads 2 >>"$work/server$1.log" 2>&1 &
  pids[$1]=$!
  for _ in $(seq 1 200); do
    curl -sf "http://127.0.0.1:${ports[$1]}/readyz" >/dev/null && return 0
    sleep 0.05
  done
  fail "server $1 did not become ready"
}
for i in 0 1 2; do start_server "$i"; done

token=$(curl -s -X POST "http://127.0.0.1:${ports[0]}/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"username":"bachmai.staff","password":"vaxreg-staff-demo"}' | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || fail "staff login"
mapfile -t people < <(sql "SELECT id FROM people ORDER BY id LIMIT 30")
mapfile -t cccds < <(sql "SELECT cccd FROM people WHERE cccd IS NOT NULL ORDER BY id LIMIT 30")
[ "${#people[@]}" -eq 30 ] || fail "expected 30 people, got ${#people[@]}"

day_of() { case $1 in 1) echo 2021-07-01 ;; 2) echo 2021-09-01 ;; *) echo 2022-01-15 ;; esac; }
deadline=$(( $(date +%s) + seconds ))
# One line per answer: "WORKER PORT_INDEX HTTP_CODE ACKNOWLEDGED_DOSE_ID_OR_-".
post() {  # post WORKER I PATH BODY
  local code body id
  body=$(curl -s -m 20 -o - -w '\n%{http_code}' -X POST "http://127.0.0.1:${ports[$2]}$3" \
    -H "Authorization: Bearer $token" -H 'content-type: application/json' --data-binary "$4" 2>/dev/null) || true
  code=${body##*$'\n'}
  [ -n "$code" ] || code=000
  id=-
  if [ "$3" = /api/v1/doses ] && { [ "$code" = 200 ] || [ "$code" = 201 ]; }; then
    id=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' <<< "${body%$'\n'*}")
  fi
  # A batch acknowledges each item: a dose recorded, or a row kept for cleaning.
  if [ "$3" = /api/v1/doses/batch ] && [ "$code" = 200 ]; then
    grep -o '"dose":{"id":[0-9]*' <<< "${body%$'\n'*}" | sed 's/.*://' >> "$work/batch_doses" || true
    grep -o '"quarantine_id":[0-9]*' <<< "${body%$'\n'*}" | sed 's/.*://' >> "$work/batch_kept" || true
  fi
  echo "$1 $2 $code $id" >> "$work/answers"
}
dose_worker() {  # racing single doses, some keys replayed
  local w=$1 i=0 p n key
  while [ "$(date +%s)" -lt "$deadline" ]; do
    p=${people[$((RANDOM % 12))]}
    n=$((1 + RANDOM % 3))
    key="soak-$w-$((i - RANDOM % 2))"
    post "$w" $(( (w + i) % 3 )) /api/v1/doses "{\"person_id\":$p,\"vaccine\":\"COMIRNATY\",\"dose_number\":$n,\"administered_at\":\"$(day_of $n)T09:00:00+07:00\",\"facility_code\":\"HN-BACHMAI\",\"idempotency_key\":\"$key\"}"
    i=$((i + 1))
  done
}
batch_worker() {  # batches of the same people, in both orders
  local w=$1 i=0 items a b
  while [ "$(date +%s)" -lt "$deadline" ]; do
    a=${people[$((12 + RANDOM % 9))]}; b=${people[$((21 + RANDOM % 9))]}
    n=$((1 + RANDOM % 3))
    items="{\"person_id\":$a,\"vaccine\":\"SPIKEVAX\",\"dose_number\":$n,\"administered_at\":\"$(day_of $n)T09:00:00+07:00\",\"facility_code\":\"HN-BACHMAI\"}"
    items2="{\"person_id\":$b,\"vaccine\":\"SPIKEVAX\",\"dose_number\":$n,\"administered_at\":\"$(day_of $n)T09:00:00+07:00\",\"facility_code\":\"HN-BACHMAI\"}"
    if [ $((i % 2)) = 0 ]; then items="$items,$items2"; else items="$items2,$items"; fi
    post "$w" $(( (w + i) % 3 )) /api/v1/doses/batch "{\"items\":[$items]}"
    i=$((i + 1))
  done
}
csv_worker() {  # CSV uploads naming new people and existing ones
  local w=$1 i=0 c
  while [ "$(date +%s)" -lt "$deadline" ]; do
    c=${cccds[$((RANDOM % 30))]}
    printf -v csv '%s\n%s\n%s\n' \
      "record_id,cccd,full_name,dob,sex,phone,province_code,district_code,commune_code,vaccine,lot,dose_number,date,facility_code" \
      "n$i,00109$(printf '%07d' $(( (w * 100000 + i) % 10000000 ))),Lê Văn Soak,1990,M,,01,,,VAXZEVRIA,L1,1,2021-07-01,HN-BACHMAI" \
      "e$i,$c,,,,,,,,VAXZEVRIA,L1,1,2021-07-01,HN-BACHMAI"
    post "$w" $(( (w + i) % 3 )) /api/v1/doses/csv "$csv"
    i=$((i + 1))
  done
}
checkin_worker() {  # check-ins by chip card and logins
  local w=$1 i=0
  while [ "$(date +%s)" -lt "$deadline" ]; do
    post "$w" $(( (w + i) % 3 )) /api/v1/checkin "{\"qr\":\"${cccds[$((RANDOM % 30))]}||Soak|01011990|Nam|Hà Nội|01072021\"}"
    post "$w" $(( (w + i + 1) % 3 )) /api/v1/auth/login '{"username":"bachmai.staff","password":"vaxreg-staff-demo"}'
    i=$((i + 1))
  done
}
workers=()
for w in 1 2 3 4; do dose_worker "$w" & workers+=($!); done
for w in 5 6; do batch_worker "$w" & workers+=($!); done
csv_worker 7 & workers+=($!)
checkin_worker 8 & workers+=($!)

# Server 2 dies mid-run (SIGKILL: no shutdown, no drain) and comes back on the same port.
sleep $(( seconds / 3 ))
kill -9 "${pids[2]}"
wait "${pids[2]}" 2>/dev/null || true
pids[2]=""
sleep 2
start_server 2
for p in "${workers[@]}"; do wait "$p"; done

total=$(wc -l < "$work/answers")
[ "$total" -gt 100 ] || fail "only $total answers in ${seconds}s"
# Servers 0 and 1 answer 2xx/4xx only; server 2 may also refuse (000) or answer 503 around its death.
bad=$(awk '($2 != 2 && ($3 >= 500 || $3 == "000")) || ($2 == 2 && $3 >= 500 && $3 != 503)' "$work/answers" | head -5)
[ -z "$bad" ] || fail "answers other than 2xx/4xx: $bad"
acked=$(awk '$4 != "-" && $4 != "" {print $4}' "$work/answers" | sort -u)
n_acked=$(grep -c . <<< "$acked" || true)
[ "$n_acked" -gt 10 ] || fail "only $n_acked doses acknowledged"
present=$(sql "SELECT COUNT(*) FROM doses WHERE status = 'active' AND id IN ($(paste -sd, <<< "$acked"))")
[ "$present" = "$n_acked" ] || fail "$n_acked doses acknowledged, $present of them stored"
# Every batch item acknowledged as recorded is a stored dose (still active, or voided by
# nothing: the soak voids none), and every item acknowledged as kept is in the cleaning queue.
touch "$work/batch_doses" "$work/batch_kept"
batch_acked=$(sort -u "$work/batch_doses" | grep . || true)
n_batch=$(grep -c . <<< "$batch_acked" || true)
if [ "$n_batch" -gt 0 ]; then
  stored=$(sql "SELECT COUNT(*) FROM doses WHERE id IN ($(paste -sd, <<< "$batch_acked"))")
  [ "$stored" = "$n_batch" ] || fail "$n_batch batch doses acknowledged, $stored of them stored"
fi
kept_acked=$(sort -u "$work/batch_kept" | grep . || true)
n_kept=$(grep -c . <<< "$kept_acked" || true)
if [ "$n_kept" -gt 0 ]; then
  stored=$(sql "SELECT COUNT(*) FROM import_quarantine WHERE id IN ($(paste -sd, <<< "$kept_acked"))")
  [ "$stored" = "$n_kept" ] || fail "$n_kept batch items acknowledged as kept, $stored of them stored"
fi
dups=$(sql "SELECT COUNT(*) FROM (SELECT person_id, dose_number FROM doses WHERE status = 'active' GROUP BY 1, 2 HAVING COUNT(*) > 1) d")
[ "$dups" = 0 ] || fail "$dups duplicate doses"
keys=$(sql "SELECT COUNT(*) FROM (SELECT idempotency_key FROM doses WHERE idempotency_key IS NOT NULL GROUP BY 1 HAVING COUNT(*) > 1) k")
[ "$keys" = 0 ] || fail "$keys idempotency keys with two doses"
# Doses that count: a self-declared dose waiting for review (the demo citizen's) counts nowhere.
active=$(sql "SELECT COUNT(*) FROM doses WHERE status = 'active' AND (source = 'facility' OR review_status = 'verified')")
[ "$(sql "SELECT COALESCE(SUM(doses), 0) FROM stat_doses_daily")" = "$active" ] || fail "stat_doses_daily != COUNT(*)"
[ "$(sql "SELECT COALESCE(SUM(used), 0) FROM stock WHERE holder = 'HN-BACHMAI'")" = "$active" ] || fail "stock used != COUNT(*)"
[ "$(sql "SELECT COALESCE(SUM(at_least_one), 0) FROM stat_coverage")" = \
  "$(sql "SELECT COUNT(*) FROM people WHERE vax_status IN ('partly', 'fully', 'booster')")" ] ||
  fail "coverage != people with a dose"
[ "$(sql "SELECT COALESCE(SUM(fully), 0) FROM stat_coverage")" = \
  "$(sql "SELECT COUNT(*) FROM people WHERE vax_status IN ('fully', 'booster')")" ] || fail "coverage (fully)"
prints "audit log OK" "$vaxreg" --db "$db" --log-level warn audit verify || fail "audit verify"
echo "soak: $total answers in ${seconds}s over 3 servers (one killed and restarted), $n_acked single doses and $n_batch batch doses acknowledged and stored, $n_kept batch items kept for cleaning and stored, $active active, no duplicates, counters exact"

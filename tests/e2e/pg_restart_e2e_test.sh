#!/usr/bin/env bash
# PostgreSQL restarted under load, then the backup and restore drill. The test runs a PostgreSQL
# server of its own (scripts/pg-test-server.sh on a free port, so the suite's shared server is
# not disturbed) and one vaxreg server on it; four clients record doses (each with its own
# people, doses 1-3 in order, every request with an idempotency key and retried with the same
# key after a 503) while PostgreSQL is shut down (fast) and started again mid-run. Asserts:
# vaxreg stays up and answers only 2xx, 4xx or 503; writes succeed again after the restart;
# every acknowledged dose is stored, once; counters equal their COUNT(*); the audit chain is
# intact. Then scripts/pg-restore-drill.sh backs the database up with pg_basebackup, starts the
# copy and checks it, once.
#   pg_restart_e2e_test.sh PATH_TO_VAXREG
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
root=$(cd "$here/../.." && pwd)
vaxreg=$1
find_pg_bindir
start_own_pg
sql() { psql "$db" -XAtqc "$1"; }
export VAXREG_PASSWORD_COST=min
"$vaxreg" --db "$db" --log-level warn demo seed --people 400 --seed 7 --without-doses >/dev/null 2>&1 ||
  fail "demo seed"
port=$(free_port)
"$vaxreg" --db "$db" --log-level warn serve --demo --address 127.0.0.1 --port "$port" --threads 2 \
  >>"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.05; done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || fail "vaxreg did not become ready"
token=$(curl -s -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"username":"bachmai.staff","password":"vaxreg-staff-demo"}' | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || fail "staff login"
mapfile -t people < <(sql "SELECT id FROM people WHERE NOT EXISTS (SELECT 1 FROM doses d WHERE d.person_id = people.id) ORDER BY id LIMIT 400")
[ "${#people[@]}" -ge 300 ] || fail "expected at least 300 people without doses, got ${#people[@]}"

day_of() { case $1 in 1) echo 2021-07-01 ;; 2) echo 2021-09-01 ;; *) echo 2022-01-15 ;; esac; }
# One line per answer: "UNIX_MS HTTP_CODE DOSE_ID_OR_-".
worker() {  # worker W: people W, W+4, ...; doses 1-3 each; a 503 is retried with the same key
  local w=$1 i p n code body id tries
  for ((i = w; i < ${#people[@]}; i += 4)); do
    p=${people[$i]}
    for n in 1 2 3; do
      for tries in $(seq 1 100); do
        body=$(curl -s -m 20 -o - -w '\n%{http_code}' -X POST "http://127.0.0.1:$port/api/v1/doses" \
          -H "Authorization: Bearer $token" -H 'content-type: application/json' \
          --data-binary "{\"person_id\":$p,\"vaccine\":\"COMIRNATY\",\"dose_number\":$n,\"administered_at\":\"$(day_of $n)T09:00:00+07:00\",\"facility_code\":\"HN-BACHMAI\",\"idempotency_key\":\"restart-$p-$n\"}" 2>/dev/null) || true
        code=${body##*$'\n'}
        [ -n "$code" ] || code=000
        id=-
        if [ "$code" = 200 ] || [ "$code" = 201 ]; then
          id=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' <<< "${body%$'\n'*}")
        fi
        echo "$(date +%s%3N) $code $id" >> "$work/answers"
        [ "$code" = 503 ] || [ "$code" = 000 ] || break
        sleep 0.2
      done
    done
  done
}
workers=()
for w in 0 1 2 3; do worker "$w" & workers+=($!); done

# PostgreSQL goes down (fast shutdown: sessions are cut) and comes back after a second.
sleep 2
down_at=$(date +%s%3N)
as_owner "$bindir/pg_ctl" -D "$work/pg/data" -m fast -w stop >/dev/null || fail "stop PostgreSQL"
sleep 1
as_owner "$bindir/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$work/pg -c max_connections=200" \
  start >/dev/null || fail "start PostgreSQL again"
up_at=$(date +%s%3N)
for p in "${workers[@]}"; do wait "$p"; done
kill -0 "$server_pid" 2>/dev/null || fail "vaxreg died while PostgreSQL was down"

total=$(wc -l < "$work/answers")
bad=$(awk '$2 !~ /^[24]/ && $2 != 503' "$work/answers" | head -5)
[ -z "$bad" ] || fail "answers other than 2xx, 4xx or 503: $bad"
unavailable=$(awk '$2 == 503' "$work/answers" | wc -l)
after=$(awk -v t="$up_at" '$1 > t && $2 ~ /^2/' "$work/answers" | wc -l)
[ "$after" -gt 0 ] || fail "no write succeeded after PostgreSQL came back"
acked=$(awk '$3 != "-" && $3 != "" {print $3}' "$work/answers" | sort -u)
n_acked=$(grep -c . <<< "$acked" || true)
present=$(sql "SELECT COUNT(*) FROM doses WHERE status = 'active' AND id IN ($(paste -sd, <<< "$acked"))")
[ "$present" = "$n_acked" ] || fail "$n_acked doses acknowledged, $present of them stored"
dups=$(sql "SELECT COUNT(*) FROM (SELECT person_id, dose_number FROM doses WHERE status = 'active' GROUP BY 1, 2 HAVING COUNT(*) > 1) d")
[ "$dups" = 0 ] || fail "$dups duplicate doses"
active=$(sql "SELECT COUNT(*) FROM doses WHERE status = 'active' AND (source = 'facility' OR review_status = 'verified')")
[ "$(sql "SELECT COALESCE(SUM(doses), 0) FROM stat_doses_daily")" = "$active" ] || fail "stat_doses_daily != COUNT(*)"
[ "$(sql "SELECT COALESCE(SUM(at_least_one), 0) FROM stat_coverage")" = \
  "$(sql "SELECT COUNT(*) FROM people WHERE vax_status IN ('partly', 'fully', 'booster')")" ] ||
  fail "coverage != people with a dose"
prints "audit log OK" "$vaxreg" --db "$db" --log-level warn audit verify || fail "audit verify"
echo "restart: $total answers, $unavailable of them 503 around a PostgreSQL restart of $(( up_at - down_at )) ms; $after writes succeeded after it; $n_acked doses acknowledged and stored once; counters exact"

"$root/scripts/pg-restore-drill.sh" --dsn "$db" --vaxreg "$vaxreg" --dir "$work/drill" || fail "restore drill"

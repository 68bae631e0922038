#!/usr/bin/env bash
# Read replica: a PostgreSQL primary of the test's own, a streaming replica made from it with
# pg_basebackup, and one vaxreg server with database.url on the primary and database.read_url on
# the replica. Asserts:
#   - the read routes (record, person, check-in by chip-card QR, bookings, statistics, facility
#     lists, the facility's day, the response centre) answer 200 with the replica in use;
#   - reads really come from the replica: with its replay paused, a reader without a fence sees
#     the record as it was before a new dose;
#   - the writer sees its own write at once: its next read carries the fence (the cookie of the
#     dose's answer, or the Vaxreg-Read-After header) and is answered from the primary while the
#     replica lags, and from the replica again once it has caught up;
#   - with the replica stopped, reads go on from the primary.
#   pg_replica_e2e_test.sh PATH_TO_VAXREG
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
root=$(cd "$here/../.." && pwd)
vaxreg=$1
find_pg_bindir
extra_cleanup() {
  if [ -d "$work/replica/data" ]; then as_owner "$bindir/pg_ctl" -D "$work/replica/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
}
start_own_pg
sql() { psql "$db" -XAtqc "$1"; }
export VAXREG_PASSWORD_COST=min
"$vaxreg" --db "$db" --log-level warn demo seed --people 300 --seed 11 >/dev/null 2>&1 || fail "demo seed"

# The replica: a base backup with WAL streamed alongside and -R (standby.signal and
# primary_conninfo written for it), started on a port of its own.
replica_port=$(free_port)
mkdir -p "$work/replica"
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$work/replica"
as_owner "$bindir/pg_basebackup" -h 127.0.0.1 -p "$pg_port" -U vaxreg -D "$work/replica/data" \
  -X stream -R --checkpoint=fast >/dev/null 2>&1 || fail "pg_basebackup"
as_owner "$bindir/pg_ctl" -D "$work/replica/data" -l "$work/replica/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$replica_port -c unix_socket_directories=$work/replica -c hot_standby=on -c max_connections=200" \
  start >/dev/null || { cat "$work/replica/server.log" >&2; fail "start the replica"; }
replica="postgresql://vaxreg@127.0.0.1:$replica_port/vaxreg_test"
rsql() { psql "$replica" -XAtqc "$1"; }
[ "$(rsql "SELECT pg_is_in_recovery()")" = t ] || fail "the replica is not in recovery"

port=$(free_port)
VAXREG_DB_READ_URL="$replica" "$vaxreg" --db "$db" --log-level info serve --demo \
  --address 127.0.0.1 --port "$port" --threads 2 >>"$work/server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 300); do curl -sf "$base/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "$base/readyz" >/dev/null || fail "vaxreg did not become ready"
token=$(curl -s -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"username":"bachmai.staff","password":"vaxreg-staff-demo"}' | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || fail "staff login"
auth=(-H "Authorization: Bearer $token")
replica_reads() {
  curl -s "$base/metrics" | sed -n 's/^vaxreg_db_reads_total{target="replica"} \([0-9.e+]*\)$/\1/p' |
    awk '{v = $1} END {printf "%d", v + 0}'
}
code_of() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
doses_in() { grep -o '"administered_at"' <<< "$1" | wc -l; }

# The read routes, answered with the replica in use.
person=$(sql "SELECT id FROM people p WHERE NOT EXISTS (SELECT 1 FROM doses d WHERE d.person_id = p.id) AND province_code = '01' ORDER BY id LIMIT 1")
[ -n "$person" ] || fail "no person without doses in Hà Nội"
cccd=$(sql "SELECT cccd FROM people WHERE cccd IS NOT NULL ORDER BY id LIMIT 1")
today=$(date -u +%F)
for _ in $(seq 1 100); do  # the replica has replayed the seed and the server's start-up writes
  [ "$(rsql "SELECT COUNT(*) FROM people")" = "$(sql "SELECT COUNT(*) FROM people")" ] && break
  sleep 0.1
done
before=$(replica_reads)
for route in "/api/v1/people/$person" "/api/v1/people/$person/record" "/api/v1/people/$person/bookings" \
  "/api/v1/stats/doses" "/api/v1/stats/coverage" "/api/v1/facilities" "/api/v1/facilities/HN-BACHMAI" \
  "/api/v1/facilities/HN-BACHMAI/day?day=$today" "/api/v1/facilities/HN-BACHMAI/doses" \
  "/api/v1/facilities/HN-BACHMAI/bookings"; do
  code=$(code_of "${auth[@]}" "$base$route")
  [ "$code" = 200 ] || fail "GET $route answered $code"
done
code=$(code_of "${auth[@]}" -X POST "$base/api/v1/checkin" -H 'content-type: application/json' \
  --data-binary "{\"qr\":\"$cccd||Replica|01011990|Nam|Hà Nội|01072021\"}")
[ "$code" = 200 ] || fail "check-in by chip-card QR answered $code"
after=$(replica_reads)
[ "$(( after - before ))" -ge 10 ] || fail "only $(( after - before )) of 11 reads went to the replica"

# Replay paused: the replica stays behind the primary from here on.
rsql "SELECT pg_wal_replay_pause()" >/dev/null
jar="$work/cookies"
answer=$(curl -s -D "$work/headers" -c "$jar" "${auth[@]}" -X POST "$base/api/v1/doses" \
  -H 'content-type: application/json' \
  --data-binary "{\"person_id\":$person,\"vaccine\":\"COMIRNATY\",\"dose_number\":1,\"administered_at\":\"2021-07-01T09:00:00+07:00\",\"facility_code\":\"HN-BACHMAI\",\"idempotency_key\":\"replica-$person-1\"}")
grep -q '"id":' <<< "$answer" || fail "dose not recorded: $answer"
fence=$(sed -n 's/^Vaxreg-Written-Lsn: \([0-9A-F/]*\).*/\1/Ip' "$work/headers" | tr -d '\r')
[ -n "$fence" ] || fail "the dose's answer carries no Vaxreg-Written-Lsn"
grep -qi '^set-cookie: vaxreg_read_after=' "$work/headers" || fail "the dose's answer sets no fence cookie"
stale=$(curl -s "${auth[@]}" "$base/api/v1/people/$person/record")
[ "$(doses_in "$stale")" = 0 ] || fail "a read without a fence did not come from the paused replica: $stale"
own=$(curl -s -b "$jar" "${auth[@]}" "$base/api/v1/people/$person/record")
[ "$(doses_in "$own")" = 1 ] || fail "the writer's next read (cookie) missed its own dose: $own"
own=$(curl -s -H "Vaxreg-Read-After: $fence" "${auth[@]}" "$base/api/v1/people/$person/record")
[ "$(doses_in "$own")" = 1 ] || fail "the writer's next read (header) missed its own dose"
echo "replay paused: a read without a fence saw 0 doses (replica), the writer's reads saw its dose (primary)"

# Replay resumed: once caught up, fenced reads are the replica's again.
rsql "SELECT pg_wal_replay_resume()" >/dev/null
for _ in $(seq 1 100); do
  [ "$(rsql "SELECT pg_last_wal_replay_lsn() >= '$fence'::pg_lsn")" = t ] && break
  sleep 0.1
done
sleep 0.3  # past the routing's probe interval
before=$(replica_reads)
own=$(curl -s -b "$jar" "${auth[@]}" "$base/api/v1/people/$person/record")
[ "$(doses_in "$own")" = 1 ] || fail "read after catching up: $own"
[ "$(( $(replica_reads) - before ))" = 1 ] || fail "a fenced read did not return to the caught-up replica"

# The replica goes away: reads go on from the primary (a read caught mid-failure may get 503).
as_owner "$bindir/pg_ctl" -D "$work/replica/data" -m immediate -w stop >/dev/null 2>&1 || fail "stop the replica"
ok=0
for _ in 1 2 3 4 5; do
  code=$(code_of "${auth[@]}" "$base/api/v1/people/$person/record")
  case $code in 200) ok=$((ok + 1)) ;; 503) ;; *) fail "with the replica down a read answered $code" ;; esac
done
[ "$ok" -ge 3 ] || fail "with the replica down only $ok of 5 reads succeeded"
kill -0 "$server_pid" 2>/dev/null || fail "vaxreg died"
echo "replica: read routes served from it, read-your-writes by fence, reads carry on without it"

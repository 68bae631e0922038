#!/usr/bin/env bash
# Registry benchmarks of issue 3, each beside the raw limit measured in the same run:
#   (a) single-dose POST, 64 keep-alive connections, durable   vs  raw fsync/s and GET /healthz
#   (b) batch endpoint (1,000 doses per request)               vs  raw fsync/s
#   (c) check-in lookup by chip-card QR on 1,000,000 people     vs  GET /healthz (same server)
#       and its database read alone (bench_checkin_read)        vs  the same SELECT on the C API
#   (d) CSV import (`vaxreg import doses`)                      vs  raw batched SQLite insert
# plus the time to seed 1,000,000 people (`demo seed`) and the server's peak memory (VmHWM).
#
# usage: bench/registry/run.sh [--pg DSN] [--people N] [--seconds S] [--import-rows N]
#                               [--wrk-threads N]
#   --pg DSN   also run (a)-(d) on PostgreSQL (DSN of a role that may create databases),
#              beside PostgreSQL's raw limits: durable single-row INSERTs from 64 connections
#              (pgbench) and COPY of the CSV import's rows (SKIP_CHECKIN=1 skips (c), whose
#              1,000,000-person seed takes minutes)
#   --pg-only  skip the SQLite runs
#   SKIP_DOSES=1 / SKIP_IMPORT=1 skip (a)+(b) / (d). The 10 M bulk-scale measurement (initial
#              load, bytes per row, check-in on it) is bench/registry/scale_pg.sh
#   --wrk-threads N  threads of the load generator (1): it shares the server's two cores, so one
#              thread leaves the server more of them; /healthz is measured with the same number
# Needs a release build (cmake --preset release; cmake --build --preset release) and wrk.
# BUILD=build/release by default. The load generator runs on the same machine as the server.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/release}
BIN=$BUILD/src/app/vaxreg
PEOPLE=1000000
SECONDS_RUN=15
IMPORT_ROWS=200000
PG=""
SQLITE=1
WT=1
while [ $# -gt 0 ]; do
  case "$1" in
    --pg) PG=$2; shift 2 ;;
    --pg-only) SQLITE=0; shift ;;
    --people) PEOPLE=$2; shift 2 ;;
    --seconds) SECONDS_RUN=$2; shift 2 ;;
    --import-rows) IMPORT_ROWS=$2; shift 2 ;;
    --wrk-threads) WT=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
WORK=$(mktemp -d /tmp/vaxreg-bench.XXXXXX)
PORT=18480
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true; }
trap cleanup EXIT

serve() {  # serve DB_URL: starts the server (2 I/O threads), waits until ready
  "$BIN" --db "$1" --log-level warn serve --demo --address 127.0.0.1 --port $PORT --threads 2 \
    > "$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 200); do
    curl -sf "http://127.0.0.1:$PORT/readyz" > /dev/null && return 0
    sleep 0.1
  done
  echo "server did not start" >&2; cat "$WORK/server.log" >&2; exit 1
}
stop() {
  echo "  server peak memory: $(grep VmHWM /proc/$SERVER_PID/status | awk '{print $2/1024 " MiB"}')"
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
}
token() {
  curl -s -H 'content-type: application/json' -X POST "http://127.0.0.1:$PORT/api/v1/auth/login" \
    -d '{"username":"admin","password":"vaxreg-admin-demo"}' | sed 's/.*"token":"\([^"]*\)".*/\1/'
}
rps() { grep 'Requests/sec' | awk '{print $2}'; }
hello() {  # raw HTTP limit of this server: GET /healthz, same connections
  wrk -t$WT -c64 -d"${SECONDS_RUN}s" "http://127.0.0.1:$PORT/healthz" | rps
}

echo "== raw fsync (bench_group_commit)"
FSYNC=$("$BUILD/bench/group_commit/bench_group_commit" --threads 64 --seconds 2 --fsync-seconds 3 \
  --dir "$WORK" | sed -n 's/.*fsync_raw_per_s=\([0-9]*\).*/\1/p')
echo "  raw fsync/s: $FSYNC"

dose_bench() {  # dose_bench DB_URL LABEL
  local url=$1 label=$2
  echo "== ($label) single-dose POST and batch: seeding 300,000 people without doses"
  "$BIN" --db "$url" --log-level warn demo seed --people 300000 --seed 3 --without-doses \
    > /dev/null 2>&1
  serve "$url"
  local t; t=$(token)
  local hello_rps; hello_rps=$(hello)
  local single; single=$(TOKEN=$t FIRST=2 PEOPLE=150000 THREADS=$WT wrk -t$WT -c64 -d"${SECONDS_RUN}s" \
    -s bench/registry/post_dose.lua "http://127.0.0.1:$PORT" | tee "$WORK/a-$label.txt" | rps)
  echo "  single-dose POST: $single doses/s  (GET /healthz $hello_rps req/s, fsync $FSYNC/s)"
  grep -A4 'Latency Distribution' "$WORK/a-$label.txt" || true
  local batch; batch=$(TOKEN=$t FIRST=150002 PEOPLE=150000 BATCH=1000 THREADS=$WT wrk -t$WT -c8 \
    -d"${SECONDS_RUN}s" -s bench/registry/post_dose.lua "http://127.0.0.1:$PORT" | rps)
  echo "  batch: $batch requests/s x 1000 = $(echo "$batch * 1000" | bc) doses/s"
  stop
}

checkin_bench() {  # checkin_bench DB_URL LABEL
  local url=$1 label=$2
  echo "== ($label) check-in lookup: seeding $PEOPLE people with dose histories"
  /usr/bin/time -f "  demo seed: %e s elapsed, %M KiB max RSS" \
    "$BIN" --db "$url" --log-level warn demo seed --people "$PEOPLE" --seed 1 2> /dev/null
  serve "$url"
  local t; t=$(token)
  # 100,000 chip-card QR texts of seeded people: CCCD|CMND|name|ddmmyyyy|sex|address|issued
  curl -s "http://127.0.0.1:$PORT/healthz" > /dev/null
  if [ "$label" = sqlite ]; then
    sqlite3 "${url#sqlite:}" "SELECT cccd || '||' || full_name || '|' || substr(dob,9,2) ||
      substr(dob,6,2) || substr(dob,1,4) || '|' || CASE sex WHEN 'M' THEN 'Nam' ELSE 'Nữ' END ||
      '||01072021' FROM people WHERE cccd IS NOT NULL AND length(dob) = 10 ORDER BY random()
      LIMIT 100000" > "$WORK/qr.txt"
  else
    psql -Atq "$url" -c "SELECT cccd || '||' || full_name || '|' || substr(dob,9,2) ||
      substr(dob,6,2) || substr(dob,1,4) || '|' || CASE sex WHEN 'M' THEN 'Nam' ELSE 'Nữ' END ||
      '||01072021' FROM people WHERE cccd IS NOT NULL AND length(dob) = 10 ORDER BY random()
      LIMIT 100000" > "$WORK/qr.txt"
  fi
  # Warm-up: a server that has run for a while has the pages of its indexes mapped; a fresh
  # process faults each one in on first touch. 5 s of the same load, not counted.
  TOKEN=$t QR_FILE="$WORK/qr.txt" wrk -t$WT -c64 -d5s -s bench/registry/checkin.lua \
    "http://127.0.0.1:$PORT" > /dev/null
  local hello_rps; hello_rps=$(hello)
  TOKEN=$t QR_FILE="$WORK/qr.txt" wrk -t$WT -c64 -d"${SECONDS_RUN}s" --latency \
    -s bench/registry/checkin.lua "http://127.0.0.1:$PORT" > "$WORK/c-$label.txt"
  echo "  check-in: $(rps < "$WORK/c-$label.txt") req/s  (GET /healthz $hello_rps req/s)"
  # checkin.lua leaves answer checking to wrk: any answer that is not 2xx is counted here.
  grep 'Non-2xx' "$WORK/c-$label.txt" || echo "  every answer 2xx"
  grep -A4 'Latency Distribution' "$WORK/c-$label.txt"
  stop
  if [ "$label" = sqlite ]; then
    # The read alone, one thread, against the same SELECT on the SQLite C API.
    echo "  check-in read without HTTP: $("$BUILD/bench/registry/bench_checkin_read" --db "$url")"
  fi
}

import_bench() {  # import_bench [DB_URL RAW_ROWS_PER_S]: SQLite (raw: batched insert) or the given database
  local url=${1:-sqlite:$WORK/import.db} raw=${2:-}
  echo "== (d) CSV import of $IMPORT_ROWS rows into $url"
  [ -f "$WORK/doses.csv" ] || python3 bench/registry/gen_doses_csv.py "$IMPORT_ROWS" "$WORK/doses.csv" 5
  if [ -z "$raw" ]; then
    "$BUILD/bench/registry/bench_raw_insert" --csv "$WORK/doses.csv" --db "sqlite:$WORK/raw.db" |
      tee "$WORK/raw.txt"
    raw=$(sed -n 's/.*raw_rows_per_s=\([0-9]*\).*/\1/p' "$WORK/raw.txt")
  fi
  # The demo facilities (HN-BACHMAI) and accounts, and one synthetic person.
  "$BIN" --db "$url" --log-level warn demo seed --people 1 > /dev/null
  local start end
  start=$(date +%s.%N)
  "$BIN" --db "$url" --log-level warn import doses "$WORK/doses.csv" \
    --errors "$WORK/import-errors.csv" 2> /dev/null | tee "$WORK/import.txt" || true
  end=$(date +%s.%N)
  local rate; rate=$(echo "$IMPORT_ROWS / ($end - $start)" | bc)
  echo "  import: $rate rows/s, raw $raw rows/s, ratio $(echo "scale=3; $rate / $raw" | bc)"
}

if [ "$SQLITE" = 1 ]; then
  dose_bench "sqlite:$WORK/doses.db" sqlite
  checkin_bench "sqlite:$WORK/people.db" sqlite
  import_bench
fi
pg_raw() {  # pg_raw DB_URL: PostgreSQL's own limits on this machine, no vaxreg in between
  local url=$1
  local pgbench; pgbench=$(ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -n 1)
  echo "== (postgresql) raw limits"
  psql -q "$url" -c "CREATE TABLE raw_doses (person_id BIGINT, vaccine TEXT, dose_number INT,
    administered_at TEXT, facility_code TEXT, idempotency_key TEXT)"
  # Durable single-row autocommit INSERTs from 64 connections (PostgreSQL's own group commit).
  printf '%s\n' '\set p random(1, 100000000)' \
    "INSERT INTO raw_doses VALUES (:p, 'COMIRNATY', 1, '2021-07-01T09:00:00+07:00', 'HN-BACHMAI', 'k' || :p);" \
    > "$WORK/insert.sql"
  local inserts; inserts=$("$pgbench" -n -c 64 -j 2 -T "$SECONDS_RUN" -f "$WORK/insert.sql" "$url" 2>/dev/null |
    sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -n 1)
  echo "  single-row autocommit INSERT: ${inserts%.*}/s (64 connections)"
  # COPY of the CSV import's rows into a table of the same columns, indexed like doses.
  python3 bench/registry/gen_doses_csv.py "$IMPORT_ROWS" "$WORK/pg-doses.csv" 5
  local cols; cols=$(head -n 1 "$WORK/pg-doses.csv" | sed 's/,/ TEXT, /g; s/$/ TEXT/')
  psql -q "$url" -c "CREATE TABLE raw_copy ($cols)" -c "CREATE INDEX ON raw_copy (cccd)"
  local start end; start=$(date +%s.%N)
  psql -q "$url" -c "\\copy raw_copy FROM '$WORK/pg-doses.csv' WITH (FORMAT csv, HEADER true)"
  end=$(date +%s.%N)
  PG_COPY=$(echo "$IMPORT_ROWS / ($end - $start)" | bc)
  echo "  COPY: $PG_COPY rows/s ($IMPORT_ROWS rows, one index)"
}

if [ -n "$PG" ]; then
  for db in vaxreg_bench_doses vaxreg_bench_people vaxreg_bench_raw vaxreg_bench_import; do
    psql "$PG" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  done
  base=${PG%/*}
  pg_raw "$base/vaxreg_bench_raw"
  [ "${SKIP_DOSES:-0}" = 1 ] || dose_bench "$base/vaxreg_bench_doses" postgresql
  [ "${SKIP_IMPORT:-0}" = 1 ] || import_bench "$base/vaxreg_bench_import" "$PG_COPY"
  [ "${SKIP_CHECKIN:-0}" = 1 ] || checkin_bench "$base/vaxreg_bench_people" postgresql
fi
rm -rf "$WORK"

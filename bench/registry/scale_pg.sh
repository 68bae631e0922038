#!/usr/bin/env bash
# Bulk scale on PostgreSQL: loads N people with dose histories (`demo seed --initial-load`: COPY in
# one transaction, indexes and constraints built again at the end) into a new database, reports
# the load time beside PostgreSQL's raw COPY rate measured in the same run, the heap and index
# bytes per row of each table, then check-in by chip-card QR on that database (64 connections,
# p50/p90/p99) beside GET /healthz of the same server.
#
# usage: bench/registry/scale_pg.sh --pg DSN [--people N] [--seconds S] [--reuse DB_NAME]
#   --pg DSN      a role that may create databases (its database is used only to create others)
#   --people N    10000000 by default
#   --reuse NAME  skip the load and measure check-in on an existing database of that server
# Needs a release build (BUILD=build/release by default) and wrk. A server sized for the load
# helps: e.g. scripts/pg-test-server.sh with
#   PG_SERVER_OPTIONS="-c shared_buffers=4GB -c max_wal_size=16GB -c checkpoint_timeout=30min
#                      -c maintenance_work_mem=1GB"
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/release}
BIN=$BUILD/src/app/vaxreg
PEOPLE=10000000
SECONDS_RUN=15
PG=""
REUSE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --pg) PG=$2; shift 2 ;;
    --people) PEOPLE=$2; shift 2 ;;
    --seconds) SECONDS_RUN=$2; shift 2 ;;
    --reuse) REUSE=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$PG" ] || { echo "usage: $0 --pg DSN [--people N] [--seconds S] [--reuse DB_NAME]" >&2; exit 2; }
WORK=$(mktemp -d /tmp/vaxreg-scale.XXXXXX)
PORT=18481
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
base=${PG%/*}
db=${REUSE:-vaxreg_scale}
url="$base/$db"

if [ -z "$REUSE" ]; then
  echo "== raw limit: COPY of 1,000,000 rows of the doses' width into a table with one index"
  psql "$PG" -qc "DROP DATABASE IF EXISTS vaxreg_scale_raw" -c "CREATE DATABASE vaxreg_scale_raw"
  python3 bench/registry/gen_doses_csv.py 1000000 "$WORK/raw.csv" 5
  cols=$(head -n 1 "$WORK/raw.csv" | sed 's/,/ TEXT, /g; s/$/ TEXT/')
  psql -q "$base/vaxreg_scale_raw" -c "CREATE TABLE raw_copy ($cols)" -c "CREATE INDEX ON raw_copy (cccd)"
  start=$(date +%s.%N)
  psql -q "$base/vaxreg_scale_raw" -c "\\copy raw_copy FROM '$WORK/raw.csv' WITH (FORMAT csv, HEADER true)"
  end=$(date +%s.%N)
  echo "  COPY: $(echo "1000000 / ($end - $start)" | bc) rows/s"
  psql "$PG" -qc "DROP DATABASE vaxreg_scale_raw"

  echo "== load: $PEOPLE people with dose histories (demo seed --initial-load)"
  psql "$PG" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  /usr/bin/time -f "  %e s elapsed, %M KiB max RSS" \
    "$BIN" --db "$url" --log-level warn demo seed --people "$PEOPLE" --seed 1 --population-only \
    --initial-load 2> >(tr '\r' '\n' | grep -v ' people, .* doses, ' >&2)
  psql -q "$url" -c "ANALYZE"
fi

echo "== bytes per row"
psql "$url" -c "SELECT c.relname AS table, c.reltuples::bigint AS rows,
    pg_size_pretty(pg_relation_size(c.oid)) AS heap, pg_size_pretty(pg_indexes_size(c.oid)) AS indexes,
    round(pg_relation_size(c.oid)::numeric / greatest(c.reltuples, 1)) AS heap_bytes_per_row,
    round(pg_indexes_size(c.oid)::numeric / greatest(c.reltuples, 1)) AS index_bytes_per_row
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.reltuples > 1000
  ORDER BY pg_total_relation_size(c.oid) DESC"
psql -Atq "$url" -c "SELECT '  database: ' || pg_size_pretty(pg_database_size(current_database()))"

echo "== check-in on $db"
# A bench account (the population-only load creates none).
VAXREG_PASSWORD=scale-bench-password VAXREG_PASSWORD_COST=min "$BIN" --db "$url" --log-level warn \
  user add --username scale.bench --role admin > /dev/null 2>&1 || true
"$BIN" --db "$url" --log-level warn serve --address 127.0.0.1 --port $PORT --threads 2 \
  > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$PORT/readyz" > /dev/null && break
  sleep 0.2
done
token=$(curl -s -H 'content-type: application/json' -X POST "http://127.0.0.1:$PORT/api/v1/auth/login" \
  -d '{"username":"scale.bench","password":"scale-bench-password"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')
# 100,000 chip-card QR texts of people spread over the whole table (TABLESAMPLE, not the first rows).
psql -Atq "$url" -c "SELECT cccd || '||' || full_name || '|' || substr(dob,9,2) || substr(dob,6,2) ||
    substr(dob,1,4) || '|' || CASE sex WHEN 'M' THEN 'Nam' ELSE 'Nữ' END || '||01072021'
  FROM people TABLESAMPLE SYSTEM (2) WHERE cccd IS NOT NULL AND length(dob) = 10 LIMIT 100000" > "$WORK/qr.txt"
echo "  $(wc -l < "$WORK/qr.txt") QR texts"
TOKEN=$token QR_FILE="$WORK/qr.txt" wrk -t1 -c64 -d5s -s bench/registry/checkin.lua \
  "http://127.0.0.1:$PORT" > /dev/null
hello=$(wrk -t1 -c64 -d"${SECONDS_RUN}s" "http://127.0.0.1:$PORT/healthz" | awk '/Requests\/sec/ {print $2}')
TOKEN=$token QR_FILE="$WORK/qr.txt" wrk -t1 -c64 -d"${SECONDS_RUN}s" --latency \
  -s bench/registry/checkin.lua "http://127.0.0.1:$PORT" > "$WORK/c.txt"
echo "  check-in: $(awk '/Requests\/sec/ {print $2}' "$WORK/c.txt") req/s (GET /healthz $hello req/s)"
grep 'Non-2xx' "$WORK/c.txt" || echo "  every answer 2xx"
grep -A4 'Latency Distribution' "$WORK/c.txt"
echo "  server peak memory: $(grep VmHWM /proc/$SERVER_PID/status | awk '{print $2/1024 " MiB"}')"

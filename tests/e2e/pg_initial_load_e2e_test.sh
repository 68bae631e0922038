#!/usr/bin/env bash
# `demo seed --initial-load` on PostgreSQL: the whole population in one transaction with the
# indexes and constraints of people and doses dropped and built again. Checks that it leaves
# exactly the schema it found (every index and constraint, by definition), the same people,
# doses and counters as the chunked load of the same seed, counters equal to COUNT(*) queries,
# a clear refusal on a database that already has people, and nothing half-done when refused.
#   pg_initial_load_e2e_test.sh PATH_TO_VAXREG    (VAXREG_PG_DSN names the server)
set -euo pipefail
vaxreg=$1
if [ -z "${VAXREG_PG_DSN:-}" ]; then
  [ "${VAXREG_REQUIRE_PG:-0}" = 1 ] && { echo "FAIL: VAXREG_PG_DSN is not set" >&2; exit 1; }
  echo "SKIPPED: VAXREG_PG_DSN is not set"
  exit 77
fi
work=$(mktemp -d)
fast="vaxreg_initial_$$_$RANDOM"
chunked="vaxreg_chunked_$$_$RANDOM"
cleanup() {
  for d in "$fast" "$chunked"; do
    psql "$VAXREG_PG_DSN" -qc "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
url() { echo "${VAXREG_PG_DSN%/*}/$1"; }
sql() { psql "$(url "$1")" -XAtqc "$2"; }
export VAXREG_PASSWORD_COST=min

for d in "$fast" "$chunked"; do psql "$VAXREG_PG_DSN" -qc "CREATE DATABASE $d" >/dev/null; done
"$vaxreg" --db "$(url "$fast")" --log-level warn db migrate >/dev/null 2>&1 || fail "migrate"
schema="SELECT string_agg(d, E'\n' ORDER BY d) FROM (
  SELECT pg_get_indexdef(indexrelid) AS d FROM pg_index
   WHERE indrelid IN ('people'::regclass, 'doses'::regclass)
  UNION ALL SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
   FROM pg_constraint WHERE conrelid IN ('people'::regclass, 'doses'::regclass)) s"
sql "$fast" "$schema" > "$work/schema-before.txt"
[ "$(wc -l < "$work/schema-before.txt")" -ge 10 ] || fail "expected the schema's indexes: $(cat "$work/schema-before.txt")"

"$vaxreg" --db "$(url "$fast")" --log-level warn demo seed --people 3000 --seed 9 --population-only \
  --initial-load > "$work/fast.txt" 2> "$work/fast.err" || fail "initial load: $(cat "$work/fast.err")"
grep -q "demo population: 3000 people" "$work/fast.txt" || fail "initial load: $(cat "$work/fast.txt")"
grep -q "building .* indexes and constraints again" "$work/fast.err" || fail "no stage lines: $(cat "$work/fast.err")"
sql "$fast" "$schema" > "$work/schema-after.txt"
diff "$work/schema-before.txt" "$work/schema-after.txt" || fail "the initial load changed the schema"
[ "$(sql "$fast" "SELECT count(*) FROM pg_index WHERE NOT indisvalid")" = 0 ] || fail "an invalid index"

"$vaxreg" --db "$(url "$chunked")" --log-level warn demo seed --people 3000 --seed 9 \
  --population-only > /dev/null 2>&1 || fail "chunked load"
for q in "SELECT count(*) || ' ' || md5(string_agg(cccd || full_name || vax_status, ',' ORDER BY id)) FROM people" \
         "SELECT count(*) || ' ' || md5(string_agg(person_id || vaccine_code || dose_number || administered_at, ',' ORDER BY id)) FROM doses" \
         "SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM stat_doses_daily t" \
         "SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM stat_coverage t"; do
  a=$(sql "$fast" "$q"); b=$(sql "$chunked" "$q")
  [ "$a" = "$b" ] || fail "initial and chunked loads differ on: $q ($a vs $b)"
done
# Counters agree with the rows they count.
[ "$(sql "$fast" "SELECT sum(doses) FROM stat_doses_daily")" = \
  "$(sql "$fast" "SELECT count(*) FROM doses WHERE status = 'active'")" ] ||
  fail "stat_doses_daily does not add up to the doses"

# Refused on a database with people; nothing changes.
before=$(sql "$fast" "SELECT count(*) FROM people")
if "$vaxreg" --db "$(url "$fast")" --log-level warn demo seed --people 10 --seed 2 --population-only \
     --initial-load > /dev/null 2> "$work/again.err"; then
  fail "a second initial load must be refused"
fi
grep -q "an initial load needs an empty people table" "$work/again.err" || fail "message: $(cat "$work/again.err")"
[ "$(sql "$fast" "SELECT count(*) FROM people")" = "$before" ] || fail "the refused load changed people"
diff "$work/schema-before.txt" <(sql "$fast" "$schema") || fail "the refused load changed the schema"
echo "PASS"

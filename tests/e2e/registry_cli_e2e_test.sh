#!/usr/bin/env bash
# End to end through the real binary: `demo seed --people N` (deterministic for a seed),
# `import doses` with good and malformed rows (per-row report, good rows kept, exit 1), and the
# imported doses visible through the public statistics of a served database; the people an
# import creates verified against the population register (or not, with --no-verify).
#   registry_cli_e2e_test.sh PATH_TO_VAXREG
set -euo pipefail
vaxreg=$1
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -9 "$server_pid"; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export VAXREG_PASSWORD_COST=min

db="sqlite:$work/demo.db"
"$vaxreg" --db "$db" --log-level warn demo seed --people 500 --seed 42 > "$work/seed.txt" 2>/dev/null
grep -q "demo population: 500 people" "$work/seed.txt" || fail "demo seed: $(cat "$work/seed.txt")"
"$vaxreg" --db "sqlite:$work/again.db" --log-level warn demo seed --people 500 --seed 42 \
  > /dev/null 2>&1
q="SELECT group_concat(cccd || full_name, ',') FROM (SELECT cccd, full_name FROM people ORDER BY id)"
[ "$(sqlite3 "$work/demo.db" "$q")" = "$(sqlite3 "$work/again.db" "$q")" ] ||
  fail "the same seed must give the same people"

cat > "$work/doses.csv" <<'CSV'
record_id,cccd,full_name,dob,sex,phone,province_code,district_code,commune_code,vaccine,lot,dose_number,date,facility_code
r1,001090777001,Phạm Văn Tú,1990-01-02,M,0912000001,01,006,00232,COMIRNATY,FF1,1,2021-07-01,HN-BACHMAI
r1,001090777001,Phạm Văn Tú,1990-01-02,M,0912000001,01,006,00232,COMIRNATY,FF2,2,2021-07-05,HN-BACHMAI
r2,001190777002,Lê Thị Hoa,1990-03-04,F,,01,006,00232,JANSSEN,J1,1,2021-08-01,HN-BACHMAI
r3,broken,line
r4,001090777004,Nam Sai Giới,1990-01-01,F,,01,,,COMIRNATY,FF3,1,2021-07-01,HN-BACHMAI
CSV
set +e
"$vaxreg" --db "$db" --log-level warn import doses "$work/doses.csv" --errors "$work/errors.csv" \
  > "$work/import.txt" 2>/dev/null
rc=$?
set -e
[ "$rc" = 1 ] || fail "import with refused rows must exit 1, got $rc"
grep -q "5 rows, 2 recorded, 3 refused" "$work/import.txt" || fail "import: $(cat "$work/import.txt")"
grep -q '^3,r1,FAILED_PRECONDITION,administered_at,' "$work/errors.csv" || fail "interval row: $(cat "$work/errors.csv")"
grep -q '^5,,INVALID_ARGUMENT,line,' "$work/errors.csv" || fail "malformed row"
grep -q '^6,r4,INVALID_ARGUMENT,sex,' "$work/errors.csv" || fail "CCCD against sex"
[ "$(sqlite3 "$work/demo.db" "SELECT vax_status FROM people WHERE cccd = '001190777002'")" = fully ] ||
  fail "Janssen alone is fully vaccinated"

# demo seed imported the demo population register (the demo people): the two new people of the
# import are not in it.
grep -Eq "identity: 2 new people against [0-9]+ register entries: verified 0, proposed corrections 0, not found 2" \
  "$work/import.txt" || fail "import against the demo register: $(cat "$work/import.txt")"

# With a population register, the people an import creates are verified after it (one pass);
# --no-verify leaves them unverified.
cat > "$work/register.csv" <<'CSV'
cccd,cmnd,full_name,dob,sex,province_code,district_code,commune_code
001090777011,,Trần Văn Khoa,1990-02-03,M,01,006,00232
CSV
"$vaxreg" --db "$db" --log-level warn import population "$work/register.csv" --quiet > /dev/null
cat > "$work/doses2.csv" <<'CSV'
record_id,cccd,full_name,dob,sex,phone,province_code,district_code,commune_code,vaccine,lot,dose_number,date,facility_code
r11,001090777011,Trần Văn Khoa,1990-02-03,M,,01,006,00232,COMIRNATY,FF4,1,2021-07-01,HN-BACHMAI
r12,,Hồ Thị Mận,1991-12-30,F,,79,760,26734,COMIRNATY,FF5,1,2021-07-01,HN-BACHMAI
CSV
"$vaxreg" --db "$db" --log-level warn import doses "$work/doses2.csv" > "$work/import2.txt" \
  2> "$work/import2.err" || fail "import 2: $(cat "$work/import2.txt" "$work/import2.err")"
grep -Eq "identity: 2 new people against [0-9]+ register entries: verified 1, proposed corrections 0, not found 1" \
  "$work/import2.txt" || fail "verification after import: $(cat "$work/import2.txt")"
grep -q "verifying" "$work/import2.err" || fail "no verification progress on stderr"
[ "$(sqlite3 "$work/demo.db" "SELECT identity_status FROM people WHERE cccd = '001090777011'")" = verified ] ||
  fail "the imported person in the register is not verified"
cat > "$work/doses3.csv" <<'CSV'
record_id,cccd,full_name,dob,sex,phone,province_code,district_code,commune_code,vaccine,lot,dose_number,date,facility_code
r21,001090777021,Vũ Văn Lâm,1990-05-06,M,,01,006,00232,COMIRNATY,FF6,1,2021-07-01,HN-BACHMAI
CSV
"$vaxreg" --db "$db" --log-level warn import doses "$work/doses3.csv" --no-verify \
  > "$work/import3.txt" 2>/dev/null || fail "import 3: $(cat "$work/import3.txt")"
! grep -q "identity:" "$work/import3.txt" || fail "--no-verify still verified"
[ "$(sqlite3 "$work/demo.db" "SELECT identity_status FROM people WHERE cccd = '001090777021'")" = unverified ] ||
  fail "--no-verify: the new person must stay unverified"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$vaxreg" --db "$db" --log-level warn serve --demo --address 127.0.0.1 --port "$port" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/readyz" > /dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/api/v1/stats/doses?from=2021-08-01&to=2021-08-01&vaccine=JANSSEN&province=01" |
  grep -q '"total":1' || fail "the imported Janssen dose is not in the public statistics"
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
echo "registry CLI e2e: OK"

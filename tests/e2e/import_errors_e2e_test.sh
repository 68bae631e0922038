#!/usr/bin/env bash
# End to end through the real binary: `vaxreg import doses --errors OUT.csv` writes every refused
# row (here 60,002 of them, more than the HTTP answer lists) to the file in line order, with text
# fields that a spreadsheet would run as formulas neutralised ('=...' written as "'=..."), and
# keeps the good rows.
#   import_errors_e2e_test.sh PATH_TO_VAXREG
set -euo pipefail
vaxreg=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export VAXREG_PASSWORD_COST=min
db="sqlite:$work/import.db"
"$vaxreg" --db "$db" --log-level warn db migrate > /dev/null
sqlite3 "$work/import.db" "INSERT INTO facilities (code, name, province_code, district_code, \
  commune_code, status, daily_capacity, applied_by, created_at, updated_at) VALUES \
  ('HN-BACHMAI', 'Bach Mai', '01', '006', '00199', 'active', 1000, 'test', 0, 0)"

bad=60000
{
  echo "record_id,cccd,full_name,dob,sex,phone,province_code,district_code,commune_code,vaccine,lot,dose_number,date,facility_code"
  echo "r1,001090777001,Phạm Văn Tú,1990-01-02,M,,01,006,00199,COMIRNATY,FF1,1,2021-07-01,HN-BACHMAI"
  awk -v n="$bad" 'BEGIN { for (i = 0; i < n; i++) print "x,1,2" }'
  echo "=HYPERLINK(\"http://x\"),,Bé Lan,2015-06-01,F,,01,,,NOPE,L1,1,2021-07-01,HN-BACHMAI"
  echo "r2,001190777002,Lê Thị Hoa,1990-03-04,F,,01,006,00199,COMIRNATY,$(printf 'L%.0s' $(seq 1 100)),1,2021-08-01,HN-BACHMAI"
  echo "r3,001190777003,Lê Thị Hồng,1990-03-04,F,,01,006,00199,COMIRNATY,FF3,1,2021-08-01,HN-BACHMAI"
} > "$work/doses.csv"

set +e
"$vaxreg" --db "$db" --log-level warn import doses "$work/doses.csv" --errors "$work/errors.csv" \
  --no-verify > "$work/import.txt" 2> "$work/import.err"
rc=$?
set -e
[ "$rc" = 1 ] || fail "import with refused rows must exit 1, got $rc: $(cat "$work/import.txt" "$work/import.err")"
total=$((bad + 4))
grep -q "$total rows, 2 recorded, $((bad + 2)) refused" "$work/import.txt" ||
  fail "import: $(cat "$work/import.txt")"
[ "$(head -n 1 "$work/errors.csv")" = "line,record_id,code,field,message" ] || fail "errors header"
[ "$(wc -l < "$work/errors.csv")" = $((bad + 3)) ] || fail "errors file has $(wc -l < "$work/errors.csv") lines"
# Every refused line, in order: 3 .. bad+2 are the malformed lines, then the two refused rows.
[ "$(sed -n '2p' "$work/errors.csv" | cut -d, -f1)" = 3 ] || fail "first refused line"
[ "$(tail -n +2 "$work/errors.csv" | head -n "$bad" | cut -d, -f1 | sort -n -c && echo sorted)" = sorted ] ||
  fail "refused lines not in order"
[ "$(sed -n "$((bad + 1))p" "$work/errors.csv" | cut -d, -f1)" = $((bad + 2)) ] || fail "last malformed line"
grep -q "^$((bad + 3)),\"'=HYPERLINK(\"\"http://x\"\")\",INVALID_ARGUMENT,vaccine," "$work/errors.csv" ||
  fail "formula record id not neutralised: $(tail -n 2 "$work/errors.csv")"
grep -q "^$((bad + 4)),r2,INVALID_ARGUMENT,lot," "$work/errors.csv" || fail "100-byte lot accepted"
! grep -q '^[0-9]*,=' "$work/errors.csv" || fail "a field starts with ="
[ "$(sqlite3 "$work/import.db" "SELECT COUNT(*) FROM doses")" = 2 ] || fail "good rows not kept"

# The kept rows in the data-quality report (this week, the whole country): all open; Bạch Mai
# ranked with the 2 rows that named it beside its 2 recorded doses; Hà Nội (01) sees those 2
# (the unreadable lines name no facility and go to the national queue).
"$vaxreg" --db "$db" --log-level warn quarantine quality > "$work/quality.txt" ||
  fail "quarantine quality: $(cat "$work/quality.txt")"
grep -q "rows kept for cleaning: $((bad + 2)) (open $((bad + 2))," "$work/quality.txt" ||
  fail "quality totals: $(head -n 3 "$work/quality.txt")"
grep -Eq "HN-BACHMAI +2 kept +2 recorded" "$work/quality.txt" ||
  fail "quality facilities: $(tail -n 3 "$work/quality.txt")"
"$vaxreg" --db "$db" --log-level warn quarantine quality --area 01 --json |
  grep -q '"totals":{"kept":2,' || fail "quality --json for Hà Nội"
set +e
"$vaxreg" --db "$db" --log-level warn quarantine quality --from 2021-02-30 > /dev/null 2>&1
rc=$?
set -e
[ "$rc" = 2 ] || fail "a bad day must exit 2, got $rc"
echo "import errors e2e: OK"

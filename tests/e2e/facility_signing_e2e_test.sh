#!/usr/bin/env bash
# Facility dose signatures and list export through the real binary on SQLite: keys facility,
# doses sign, doses verify-signatures (clean, then a lot edited in the database after signing:
# the dose id is named and the exit status is 1), and revocation-list export (a revoked
# certificate's UVCI hash is in the signed file, which cert verify accepts).
#   facility_signing_e2e_test.sh PATH_TO_VAXREG
set -euo pipefail
source "$(dirname "$0")/lib.sh"
vaxreg=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export VAXREG_KEY_PASSPHRASE="e2e key passphrase"
db="$work/v.db"
keys="$work/keys"
v() { "$vaxreg" --db "sqlite:$db" "$@"; }

v demo seed --people 40 >/dev/null 2>&1 || fail "demo seed"
"$vaxreg" keys --key-dir "$keys" init >/dev/null || fail "keys init"
fac=$(sqlite3 "$db" "SELECT facility_code FROM doses WHERE facility_code IS NOT NULL
                     GROUP BY facility_code ORDER BY COUNT(*) DESC, facility_code LIMIT 1")
[ -n "$fac" ] || fail "no facility with doses"

prints "kid" v keys --key-dir "$keys" facility --facility "$fac" || fail "keys facility"
grep -q "BEGIN ENCRYPTED PRIVATE KEY" "$keys/facilities/$fac/0001.key.pem" || fail "key not encrypted"
[ "$(stat -c %a "$keys/facilities/$fac/0001.key.pem")" = 600 ] || fail "facility key file mode"
if v keys --key-dir "$keys" facility --facility NO-SUCH >/dev/null 2>&1; then
  fail "a key for an unknown facility"
fi

out=$(v doses --key-dir "$keys" sign --facility "$fac" 2>/dev/null) || fail "doses sign: $out"
echo "$out" | grep -q "signed in 1 batch" || fail "doses sign: $out"
out=$(v doses --key-dir "$keys" verify-signatures) || fail "verify-signatures (clean): $out"
echo "$out" | grep -q " 0 problems" || fail "verify-signatures (clean): $out"

id=$(sqlite3 "$db" "SELECT MIN(dose_id) FROM dose_signatures")
sqlite3 "$db" "UPDATE doses SET lot = 'FORGED' WHERE id = $id"
set +e
out=$(v doses --key-dir "$keys" verify-signatures --facility "$fac")
rc=$?
set -e
[ "$rc" = 1 ] || fail "verify-signatures after tampering: exit $rc"
echo "$out" | grep -q "^dose $id (batch 1): dose changed after signing" || fail "tamper report: $out"

# A revoked certificate in the database: its hash must be in the exported list.
uvci="URN:UVCI:01:VN:E2ETESTREVOKED#A"
now=$(date +%s)
pid=$(sqlite3 "$db" "SELECT MIN(id) FROM people")
sqlite3 "$db" "INSERT INTO certificates (person_id, uvci, hc1, kid, doses_hash, doses, issued_at,
  expires_at, status, revoked_at, revoke_reason, issued_by) VALUES ($pid, '$uvci', 'HC1:X', '00',
  'h', '1/2', $now, $((now + 86400)), 'revoked', $now, 'e2e', 'e2e')"
prints "1 revoked" v revocation-list --key-dir "$keys" export "$work/rl.json" || fail "export"
hash=$(printf %s "$uvci" | openssl dgst -sha256 -binary | head -c 16 | base64)
grep -qF "$hash" "$work/rl.json" || fail "revocation hash missing from $(cat "$work/rl.json")"
# A certificate of a person none of whose doses was edited after signing.
holder=$(sqlite3 "$db" "SELECT MIN(d.person_id) FROM doses d JOIN dose_signatures s ON s.dose_id = d.id
  WHERE d.person_id NOT IN (SELECT person_id FROM doses WHERE id = $id)")
hc1=$(v cert --key-dir "$keys" issue --person "$holder" 2>/dev/null) || fail "cert issue --person $holder"
out=$("$vaxreg" cert --key-dir "$keys" verify --revocation-list "$work/rl.json" \
  --csca "$keys/csca.crt.pem" "$hc1") || fail "verify with the exported list: $out"
echo "PASS"

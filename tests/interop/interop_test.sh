#!/usr/bin/env bash
# Interop both ways with an independent EU DCC implementation (tests/interop/dcc_interop.js:
# npm cbor + pako and node:crypto), and one way with the PathCheck DCC SDK
# (tests/interop/dcc_pathcheck.mjs, @pathcheck/dcc-sdk, strict about the zlib container):
#   1. certificates made by vaxreg verify in the node implementation, which also reads back the
#      ICAO names, and in the PathCheck SDK (status "verified"; a copy with one character
#      changed is refused): one issued for a registered person with facility-signed doses after a key
#      rotation (under the active DSC, not the old one), and test certificates (several names,
#      one-dose and booster series) from `cert issue-test` under its TEST key;
#   2. certificates made and signed by the node implementation with a key and certificate made
#      by the openssl command line verify in vaxreg (`cert verify --cert`), and a tampered one
#      does not.
# node_modules comes from `npm ci` (scripts/install-deps.sh); without it the test is skipped, or
# fails when VAXREG_REQUIRE_NPM=1.
#   interop_test.sh PATH_TO_VAXREG
set -euo pipefail
vaxreg=$1
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
if [ ! -d "$here/node_modules/cbor" ] || [ ! -d "$here/node_modules/pako" ] ||
   [ ! -d "$here/node_modules/@pathcheck/dcc-sdk" ] || ! command -v node >/dev/null; then
  if [ "${VAXREG_REQUIRE_NPM:-0}" = 1 ]; then
    fail "node or $here/node_modules missing: run scripts/install-deps.sh (npm ci in tests/interop)"
  fi
  echo "SKIPPED: node or $here/node_modules missing (run npm ci in tests/interop)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export VAXREG_KEY_PASSPHRASE="interop key passphrase"
export VAXREG_PASSWORD_COST=min
keys="$work/keys"
test_keys="$work/test-keys"
db="sqlite:$work/v.db"
"$vaxreg" keys --key-dir "$keys" init >/dev/null

issue_test() { "$vaxreg" cert issue-test --test-key-dir "$test_keys" "$@" 2>/dev/null; }
pathcheck() {  # HC1 DSC_PEM: the PathCheck SDK's verdict as JSON; fails unless "verified"
  node --import "file://$here/sdk_register.mjs" "$here/dcc_pathcheck.mjs" "$1" "$2" 2>/dev/null
}
check_node() {  # HC1 DSC_PEM EXPECTED_FNT EXPECTED_GNT EXPECTED_DN_SD
  local out
  out=$(node "$here/dcc_interop.js" verify "$1" "$2") || fail "node rejects a vaxreg certificate: $out"
  echo "$out" | grep -q "\"fnt\":\"$3\"" || fail "fnt $3: $out"
  echo "$out" | grep -q "\"gnt\":\"$4\"" || fail "gnt $4: $out"
  echo "$out" | grep -q "\"dn\":${5%/*},\"sd\":${5#*/}" || fail "dn/sd $5: $out"
  echo "$out" | grep -q '"ci":"URN:UVCI:01:VN:' || fail "UVCI: $out"
  out=$(pathcheck "$1" "$2") ||
    fail "the PathCheck SDK rejects a vaxreg certificate: $out"
  echo "$out" | grep -q "\"fnt\":\"$3\"" || fail "PathCheck fnt $3: $out"
  # One character changed near the end (signature or checksum): the SDK must refuse it.
  local bad="${1:0:${#1}-8}$( [ "${1:${#1}-8:1}" = A ] && echo B || echo A )${1:${#1}-7}"
  if out=$(pathcheck "$bad" "$2"); then
    fail "the PathCheck SDK accepted a tampered vaxreg certificate: $out"
  fi
}
n=0
"$vaxreg" --db "$db" --log-level warn demo seed --people 1 >/dev/null 2>&1 || fail "demo seed"
cat >"$work/doses.csv" <<'CSV'
record_id,cccd,full_name,dob,sex,phone,province_code,district_code,commune_code,vaccine,lot,dose_number,date,facility_code
r1,001085777001,Nguyễn Văn Ánh,1985-04-12,M,,01,006,00232,COMIRNATY,FF1,1,2021-08-01,HN-BACHMAI
r1,001085777001,Nguyễn Văn Ánh,1985-04-12,M,,01,006,00232,COMIRNATY,FF2,2,2021-08-29,HN-BACHMAI
CSV
"$vaxreg" --db "$db" --log-level warn import doses "$work/doses.csv" --no-verify >/dev/null 2>&1 ||
  fail "import doses"
"$vaxreg" --db "$db" --log-level warn doses --key-dir "$keys" sign --facility HN-BACHMAI \
  >/dev/null 2>&1 || fail "doses sign"
"$vaxreg" keys --key-dir "$keys" rotate >/dev/null
hc1=$("$vaxreg" --db "$db" --log-level warn cert --key-dir "$keys" issue --cccd 001085777001 \
  2>/dev/null) || fail "cert issue"
check_node "$hc1" "$keys/dsc/0002.crt.pem" NGUYEN "VAN<ANH" 2/2; n=$((n + 1))
if node "$here/dcc_interop.js" verify "$hc1" "$keys/dsc/0001.crt.pem" >/dev/null; then
  fail "node accepted a certificate under the wrong DSC"
fi
hc1=$(issue_test --name "Đỗ Thị Đào" --dob 1990 --dose JANSSEN:2021-10-01)
check_node "$hc1" "$test_keys/test-dsc.crt.pem" DO "THI<DAO" 1/1; n=$((n + 1))
hc1=$(issue_test --name "Trần Quốc Toản" --dob 2001-02-03 --dose VAXZEVRIA:2021-07-01 \
  --dose VAXZEVRIA:2021-09-01 --dose COMIRNATY:2022-01-15)
check_node "$hc1" "$test_keys/test-dsc.crt.pem" TRAN "QUOC<TOAN" 3/3; n=$((n + 1))
if node "$here/dcc_interop.js" verify "$hc1" "$keys/dsc/0002.crt.pem" >/dev/null; then
  fail "node accepted a test certificate under the real DSC"
fi

# The other way: key and certificate from the openssl CLI, certificate from node.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/node.key" \
  -out "$work/node.crt" -days 30 -subj "/C=VN/CN=Interop DSC" \
  -addext "extendedKeyUsage=1.3.6.1.4.1.1847.2021.1.2" 2>/dev/null
for i in 1 2 3; do
  theirs=$(node "$here/dcc_interop.js" issue "$work/node.key" "$work/node.crt")
  out=$("$vaxreg" cert verify --cert "$work/node.crt" "$theirs") || fail "vaxreg rejects a node certificate: $out"
  echo "$out" | grep -q '"name":"Đặng Thị Thu Hà"' || fail "holder: $out"
  n=$((n + 1))
done
# One flipped character in the signed part must fail in vaxreg.
tampered="${theirs:0:60}$( [ "${theirs:60:1}" = A ] && echo B || echo A )${theirs:61}"
if "$vaxreg" cert verify --cert "$work/node.crt" "$tampered" >/dev/null; then
  fail "vaxreg accepted a tampered node certificate"
fi
echo "interop: $n certificates verified across implementations"

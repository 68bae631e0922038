#!/usr/bin/env bash
# SMART Health Cards interop both ways with an independent implementation
# (tests/interop/shc_interop.mjs: npm jose + node:zlib):
#   1. cards vaxreg issues verify in the node implementation, which fetches the key set and the
#      revocation list from a running server (and sees their CORS header): one from
#      `cert issue --smart-health-card` (a health card file), one from POST /api/v1/certificates
#      (its shc:/ text); once the second supersedes the first, node finds the first revoked;
#   2. cards node signs with its own key verify in vaxreg (`cert verify --jwks --iss`), and a
#      tampered one, one under another issuer and one under another key do not.
# node_modules comes from `npm ci` (scripts/install-deps.sh); without it the test is skipped, or
# fails when VAXREG_REQUIRE_NPM=1.
#   shc_interop_test.sh PATH_TO_VAXREG
set -euo pipefail
vaxreg=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../e2e/lib.sh"
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; wait "$server_pid" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$work/server.log" ] && tail -20 "$work/server.log" >&2; exit 1; }
if [ ! -d "$here/node_modules/jose" ] || ! command -v node >/dev/null; then
  if [ "${VAXREG_REQUIRE_NPM:-0}" = 1 ]; then
    fail "node or $here/node_modules/jose missing: run scripts/install-deps.sh (npm ci in tests/interop)"
  fi
  echo "SKIPPED: node or $here/node_modules/jose missing (run npm ci in tests/interop)"
  exit 77
fi
export VAXREG_KEY_PASSPHRASE="interop key passphrase"
export VAXREG_PASSWORD_COST=min
export VAXREG_KEY_DIR="$work/keys"
export VAXREG_SHC_ISSUER="https://vaxreg.example.vn"
db="sqlite:$work/v.db"
node_verify() { node "$here/shc_interop.mjs" verify --iss "$VAXREG_SHC_ISSUER" "$@"; }

"$vaxreg" keys init >/dev/null
"$vaxreg" --db "$db" --log-level warn demo seed --people 1 >/dev/null 2>&1 || fail "demo seed"
cat >"$work/doses.csv" <<'CSV'
record_id,cccd,full_name,dob,sex,phone,province_code,district_code,commune_code,vaccine,lot,dose_number,date,facility_code
r1,001085777001,Nguyễn Văn Ánh,1985-04-12,M,,01,006,00232,COMIRNATY,FF1,1,2021-08-01,HN-BACHMAI
r1,001085777001,Nguyễn Văn Ánh,1985-04-12,M,,01,006,00232,SPIKEVAX,MX2,2,2021-08-29,HN-BACHMAI
CSV
"$vaxreg" --db "$db" --log-level warn import doses "$work/doses.csv" --no-verify >/dev/null 2>&1 ||
  fail "import doses"
"$vaxreg" --db "$db" --log-level warn doses sign --facility HN-BACHMAI >/dev/null 2>&1 || fail "doses sign"
"$vaxreg" --db "$db" --log-level warn cert issue --cccd 001085777001 \
  --smart-health-card "$work/first.smart-health-card" >/dev/null 2>"$work/issue.log" || fail "cert issue"
person=$(sed -n 's/.*issued for person \([0-9]*\).*/\1/p' "$work/issue.log")
[ -n "$person" ] || fail "no person id: $(cat "$work/issue.log")"
echo "interop signer password" | "$vaxreg" --db "$db" user add --username interop.signer \
  --role signer --password-stdin >/dev/null
"$vaxreg" --db "$db" demo disable-accounts >/dev/null  # the demo's published passwords

"$vaxreg" --db "$db" serve --port 0 --threads 2 >"$work/server.log" 2>&1 &
server_pid=$!
port=$(server_port "$work/server.log") || fail "server did not report its port"
base="http://127.0.0.1:$port"
wk=(--jwks "$base/.well-known/jwks.json" --crl "$base/.well-known/crl")

# 1. vaxreg -> node.
out=$(node_verify "${wk[@]}" "$work/first.smart-health-card") || fail "node rejects a vaxreg card file: $out"
for want in '"name":"Nguyễn Văn Ánh"' '"birthDate":"1985-04-12"' '"doses":2' '"codes":\["208","207"\]' \
  '"cors":"\*"'; do
  grep -q "$want" <<<"$out" || fail "$want: $out"
done
token=$(curl -s -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"username":"interop.signer","password":"interop signer password"}' |
  sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || fail "signer login"
cert=$(curl -s -X POST "$base/api/v1/certificates" -H "Authorization: Bearer $token" \
  -H 'content-type: application/json' -d "{\"person_id\":$person}")
qr=$(sed -n 's/.*"qr":"\(shc:\/[0-9]*\)".*/\1/p' <<<"$cert")
[ -n "$qr" ] || fail "no shc:/ text in $cert"
out=$(node_verify "${wk[@]}" "$qr") || fail "node rejects a vaxreg shc:/ text: $out"
if out=$(node_verify "${wk[@]}" "$work/first.smart-health-card"); then
  fail "node accepted the superseded card"
fi
grep -q '"reason":"revoked"' <<<"$out" || fail "superseded card not revoked: $out"
if out=$(node_verify --jwks "$base/.well-known/jwks.json" --crl "$base/.well-known/crl" \
  --iss "https://elsewhere.example" "$qr"); then
  fail "node accepted a card for another issuer"
fi
n=3
# vaxreg's own offline verifier: the key folder's keys, and a saved copy of /.well-known.
out=$("$vaxreg" cert verify "$qr") || fail "cert verify with the key folder: $out"
mkdir -p "$work/well-known/crl"
curl -s "$base/.well-known/jwks.json" >"$work/well-known/jwks.json"
kid=$(sed -n 's/.*"kid":"\([^"]*\)".*/\1/p' "$work/well-known/jwks.json")
curl -s "$base/.well-known/crl/$kid.json" >"$work/well-known/crl/$kid.json"
out=$("$vaxreg" cert verify --jwks "$work/well-known/jwks.json" --iss "$VAXREG_SHC_ISSUER" "$qr") ||
  fail "cert verify with a saved key set: $out"
if out=$("$vaxreg" cert verify --jwks "$work/well-known/jwks.json" --iss "$VAXREG_SHC_ISSUER" \
  "$work/first.smart-health-card"); then
  fail "cert verify accepted the superseded card"
fi
grep -q '"code":"revoked"' <<<"$out" || fail "cert verify: superseded card not revoked: $out"

# 2. node -> vaxreg.
node "$here/shc_interop.mjs" keygen "$work/node-keys"
node "$here/shc_interop.mjs" keygen "$work/other-keys"
for i in 1 2 3; do
  theirs=$(node "$here/shc_interop.mjs" issue "$work/node-keys" "https://node.example")
  out=$("$vaxreg" cert verify --jwks "$work/node-keys/jwks.json" --iss "https://node.example" "$theirs") ||
    fail "vaxreg rejects a node card: $out"
  grep -q '"name":"Đặng Thị Thu Hà"' <<<"$out" || fail "holder: $out"
  grep -q '"doses":2' <<<"$out" || fail "doses: $out"
  n=$((n + 1))
done
tampered="${theirs:0:200}$( [ "${theirs:200:1}" = 1 ] && echo 2 || echo 1 )${theirs:201}"
if "$vaxreg" cert verify --jwks "$work/node-keys/jwks.json" --iss "https://node.example" "$tampered" >/dev/null; then
  fail "vaxreg accepted a tampered node card"
fi
if "$vaxreg" cert verify --jwks "$work/node-keys/jwks.json" --iss "https://vaxreg.example.vn" "$theirs" >/dev/null; then
  fail "vaxreg accepted a node card for another issuer"
fi
out=$("$vaxreg" cert verify --jwks "$work/other-keys/jwks.json" "$theirs") && fail "vaxreg accepted another key"
grep -q '"code":"unknown_kid"' <<<"$out" || fail "unknown kid: $out"
echo "shc interop: $n cards verified across implementations"

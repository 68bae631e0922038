#!/usr/bin/env bash
# Certificate commands through the real binary: keys init/rotate/list (keys encrypted at rest),
# cert issue for a registered person with facility-signed doses (HC1 + PNG + SVG, a certificates
# row and a certificate.issue audit entry each time), no certificate for facts given on the
# command line, cert issue-test with a TEST key that the trust list refuses, trust-list export,
# cert verify from text, file and image, with --cert, --trust-list, --at and --minimal, and
# rotation keeping old certificates valid.
#   cert_cli_e2e_test.sh PATH_TO_VAXREG
set -euo pipefail
source "$(dirname "$0")/lib.sh"
vaxreg=$1
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -9 "$server_pid"; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
keys="$work/keys"
export VAXREG_KEY_PASSPHRASE="e2e key passphrase"
export VAXREG_PASSWORD_COST=min
db="$work/v.db"
v() { "$vaxreg" --db "sqlite:$db" --log-level warn "$@"; }

prints "^CSCA" "$vaxreg" keys --key-dir "$keys" init || fail "keys init"
grep -q "BEGIN ENCRYPTED PRIVATE KEY" "$keys/dsc/0001.key.pem" || fail "DSC key not encrypted"
[ "$(stat -c %a "$keys/csca.key.pem")" = 600 ] || fail "CSCA key file mode"
if "$vaxreg" keys --key-dir "$keys" init >/dev/null 2>&1; then fail "second init must fail"; fi
# The key folder may also follow the subcommand.
prints "^CSCA" "$vaxreg" keys init --key-dir "$work/keys-after" || fail "keys init --key-dir"
prints "^DSC\*" "$vaxreg" keys list --key-dir "$keys" || fail "keys list --key-dir"
if VAXREG_KEY_PASSPHRASE= "$vaxreg" keys --key-dir "$keys" rotate >/dev/null 2>&1; then
  fail "rotate without a passphrase must fail"
fi
if VAXREG_KEY_PASSPHRASE="wrong passphrase!" "$vaxreg" keys --key-dir "$keys" rotate >/dev/null 2>&1; then
  fail "rotate with a wrong passphrase must fail"
fi

# A registered person whose doses the facility has signed.
v demo seed --people 1 >/dev/null 2>&1 || fail "demo seed"
cat >"$work/doses.csv" <<'CSV'
record_id,cccd,full_name,dob,sex,phone,province_code,district_code,commune_code,vaccine,lot,dose_number,date,facility_code
r1,001085777001,Nguyễn Văn Ánh,1985-04-12,M,,01,006,00232,COMIRNATY,FF1,1,2021-08-01,HN-BACHMAI
r1,001085777001,Nguyễn Văn Ánh,1985-04-12,M,,01,006,00232,COMIRNATY,FF2,2,2021-08-29,HN-BACHMAI
CSV
v import doses "$work/doses.csv" --no-verify >/dev/null 2>&1 || fail "import doses"
v doses --key-dir "$keys" sign --facility HN-BACHMAI >/dev/null 2>&1 || fail "doses sign"
pid=$(sqlite3 "$db" "SELECT id FROM people WHERE cccd = '001085777001'")

# Facts given on the command line are never signed with the real keys.
if v cert --key-dir "$keys" issue --name "Nguyễn Văn Ánh" --dob 1985-04-12 \
  --dose COMIRNATY:2021-08-01 >/dev/null 2>&1; then
  fail "cert issue signed a certificate for facts given on the command line"
fi
if v cert --key-dir "$keys" issue --cccd 079099000999 >/dev/null 2>&1; then
  fail "cert issue for a person who is not registered"
fi
[ "$(sqlite3 "$db" "SELECT COUNT(*) FROM certificates")" = 0 ] || fail "certificate rows after refusals"

issue() { v cert --key-dir "$keys" issue "$@"; }
old=$(issue --cccd 001085777001 --png "$work/old.png" --svg "$work/old.svg" 2>/dev/null)
case "$old" in HC1:*) ;; *) fail "issue: $old" ;; esac
grep -q "<svg" "$work/old.svg" || fail "svg"
[ "$(sqlite3 "$db" "SELECT COUNT(*) FROM certificates WHERE person_id = $pid AND status = 'active'
                    AND hc1 = '$old'")" = 1 ] || fail "no certificates row for the issued certificate"
[ "$(sqlite3 "$db" "SELECT COUNT(*) FROM audit_log WHERE action = 'certificate.issue'
                    AND actor = 'system:cli'")" = 1 ] || fail "no audit entry for the issue"

prints "DSC" "$vaxreg" keys --key-dir "$keys" rotate || fail "rotate"
[ "$("$vaxreg" keys --key-dir "$keys" list | grep -c '^DSC')" = 2 ] || fail "two DSCs after rotation"
new=$(issue --person "$pid" 2>/dev/null)
[ "$(sqlite3 "$db" "SELECT status FROM certificates WHERE hc1 = '$old'")" = superseded ] ||
  fail "re-issuing must supersede the previous certificate"
[ "$(sqlite3 "$db" "SELECT COUNT(*) FROM audit_log WHERE action = 'certificate.issue'")" = 2 ] ||
  fail "the re-issue is not audited"
v audit verify >/dev/null || fail "audit chain after issuing"
prints "2 DSC" "$vaxreg" trust-list --key-dir "$keys" export "$work/trust.json" || fail "export"

out=$("$vaxreg" cert verify --trust-list "$work/trust.json" --csca "$keys/csca.crt.pem" "$old") \
  || fail "old certificate after rotation: $out"
echo "$out" | grep -q '"valid":true' || fail "old certificate: $out"
echo "$out" | grep -q '"fnt"\|"name":"Nguyễn Văn Ánh"' || fail "holder name: $out"
echo "$out" | grep -q '"doses":"2/2"' || fail "doses: $out"
"$vaxreg" cert verify --trust-list "$work/trust.json" "$new" >/dev/null || fail "new certificate"
"$vaxreg" cert verify --trust-list "$work/trust.json" "$work/old.png" >/dev/null || fail "PNG input"
echo "$old" >"$work/old.txt"
"$vaxreg" cert verify --trust-list "$work/trust.json" "$work/old.txt" >/dev/null || fail "file input"
echo "$old" | "$vaxreg" cert verify --trust-list "$work/trust.json" - >/dev/null || fail "stdin input"
min=$("$vaxreg" cert verify --trust-list "$work/trust.json" --minimal "$old")
[ "$min" = '{"valid":true,"failures":[],"name":"Nguyễn Văn Ánh"}' ] || fail "minimal: $min"

# The first DSC alone verifies only the old certificate.
set +e
out=$("$vaxreg" cert verify --cert "$keys/dsc/0001.crt.pem" "$new")
code=$?
set -e
[ "$code" = 1 ] || fail "new certificate against the old DSC should exit 1"
echo "$out" | grep -q '"code":"unknown_kid"' || fail "unknown_kid: $out"
"$vaxreg" cert verify --cert "$keys/dsc/0001.crt.pem" "$old" >/dev/null || fail "--cert"

# --at: a year and a day later it has expired.
set +e
out=$("$vaxreg" cert verify --trust-list "$work/trust.json" --at "$(date -u -d '+1 year +2 days' +%Y-%m-%dT%H:%M:%SZ)" "$old")
set -e
echo "$out" | grep -q '"code":"expired"' || fail "--at expiry: $out"

# A tampered trust list is refused.
sed 's/VN DSC 1/VN DSC 9/' "$work/trust.json" >"$work/bad.json"
if "$vaxreg" cert verify --trust-list "$work/bad.json" "$old" >/dev/null 2>&1; then
  fail "tampered trust list accepted"
fi
set +e
out=$("$vaxreg" cert verify --trust-list "$work/trust.json" "HC2:${old#HC1:}")
set -e
echo "$out" | grep -q '"code":"prefix"' || fail "prefix: $out"

# A withdrawn DSC: `keys compromise --kid` (the kid as `keys list` prints it) replaces the active
# DSC, takes it off the trust list and re-issues what it signed; running it again is harmless.
kid2=$("$vaxreg" keys --key-dir "$keys" list | awk '/^DSC\*/ {print $3}')
[ -n "$kid2" ] || fail "no active DSC kid in keys list"
if v keys --key-dir "$keys" compromise --kid "not-a-kid" >/dev/null 2>&1; then
  fail "compromise accepted a malformed kid"
fi
out=$(v keys --key-dir "$keys" compromise --kid "$kid2" --reason "e2e: key file exposed") ||
  fail "compromise: $out"
echo "$out" | grep -q "1 certificate(s) it signed re-issued" || fail "compromise re-issue: $out"
[ -f "$keys/dsc/0002.compromised" ] || fail "no withdrawal marker"
"$vaxreg" keys --key-dir "$keys" list | grep -q "$kid2" && fail "withdrawn DSC still listed"
newer=$(sqlite3 "$db" "SELECT hc1 FROM certificates WHERE person_id = $pid AND status = 'active'")
[ -n "$newer" ] && [ "$newer" != "$new" ] || fail "no certificate re-issued after withdrawal"
prints "2 DSC" "$vaxreg" trust-list --key-dir "$keys" export "$work/trust2.json" || fail "export 2"
set +e
out=$("$vaxreg" cert verify --trust-list "$work/trust2.json" "$new")
code=$?
set -e
[ "$code" = 1 ] && echo "$out" | grep -q '"code":"unknown_kid"' ||
  fail "a certificate of the withdrawn DSC still verifies: $out"
"$vaxreg" cert verify --trust-list "$work/trust2.json" "$newer" >/dev/null ||
  fail "the re-issued certificate"
out=$(v keys --key-dir "$keys" compromise --kid "$kid2") || fail "compromise again: $out"
echo "$out" | grep -q "withdrawn before" && echo "$out" | grep -q "^0 certificate" ||
  fail "compromise again: $out"
v audit verify >/dev/null || fail "audit chain after the withdrawal"

# Keys at rest: PBES2 with PBKDF2-HMAC-SHA256 at 600,000 iterations (0x927C0) and AES-256-CBC.
kdf=$(openssl asn1parse -in "$keys/dsc/0002.key.pem")
grep -q ":PBKDF2" <<<"$kdf" || fail "KDF: $kdf"
grep -q ":hmacWithSHA256" <<<"$kdf" || fail "PRF: $kdf"
grep -q "INTEGER *:0927C0" <<<"$kdf" || fail "iterations: $kdf"
grep -q ":aes-256-cbc" <<<"$kdf" || fail "cipher: $kdf"
# A key written the old way (PBKDF2, 2,048 iterations) still opens, and rotate-passphrase
# re-encrypts it and every other key (4 DSCs, the withdrawn one too, the SHC key, the facility key) under the new passphrase with the current encryption.
openssl pkcs8 -topk8 -v2 aes-256-cbc -iter 2048 -in <(openssl pkey -in "$keys/csca.key.pem" \
  -passin env:VAXREG_KEY_PASSPHRASE) -passout env:VAXREG_KEY_PASSPHRASE -out "$work/old-csca.pem"
cp "$work/old-csca.pem" "$keys/csca.key.pem"
openssl asn1parse -in "$keys/csca.key.pem" | grep -q "INTEGER *:0800" || fail "old-style key"
prints "DSC" "$vaxreg" keys --key-dir "$keys" rotate || fail "rotate with an old-style CSCA key"
if echo "short" | "$vaxreg" keys --key-dir "$keys" rotate-passphrase >/dev/null 2>&1; then
  fail "rotate-passphrase accepted a short passphrase"
fi
cmp -s "$work/old-csca.pem" "$keys/csca.key.pem" || fail "a refused rotation changed a key"
out=$(echo "the new e2e passphrase" | "$vaxreg" keys --key-dir "$keys" rotate-passphrase) ||
  fail "rotate-passphrase: $out"
grep -q "re-encrypted 8 key(s).*1 had the older" <<<"$out" || fail "rotate-passphrase: $out"
for f in "$keys"/*.key.pem "$keys"/dsc/*.key.pem "$keys"/shc/*.key.pem "$keys"/facilities/*/*.key.pem; do
  openssl asn1parse -in "$f" | grep -q "INTEGER *:0927C0" || fail "$f not re-encrypted"
  [ "$(stat -c %a "$f")" = 600 ] || fail "$f mode after rotation"
done
if "$vaxreg" keys --key-dir "$keys" rotate >/dev/null 2>&1; then fail "old passphrase still opens"; fi
export VAXREG_KEY_PASSPHRASE="the new e2e passphrase"
prints "DSC" "$vaxreg" keys --key-dir "$keys" rotate || fail "rotate under the new passphrase"

# A passphrase-protected TLS key, its passphrase only from VAXREG_TLS_KEY_PASSPHRASE.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout "$work/tls.key" \
  -out "$work/tls.crt" -days 2 -subj "/CN=127.0.0.1" -passout pass:"tls key passphrase" 2>/dev/null
grep -q "ENCRYPTED PRIVATE KEY" "$work/tls.key" || fail "TLS key not encrypted"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
if VAXREG_TLS_KEY_PASSPHRASE= timeout 20 "$vaxreg" --db "sqlite:$work/tls.db" --log-level warn serve \
  --address 127.0.0.1 --port "$port" --tls-cert "$work/tls.crt" --tls-key "$work/tls.key" \
  </dev/null >"$work/tls-nopass.log" 2>&1; then
  fail "server started with an encrypted TLS key and no passphrase"
fi
grep -q "TLS private key" "$work/tls-nopass.log" || fail "no passphrase: $(cat "$work/tls-nopass.log")"
VAXREG_TLS_KEY_PASSPHRASE="tls key passphrase" "$vaxreg" --db "sqlite:$work/tls.db" --log-level warn \
  serve --address 127.0.0.1 --port "$port" --tls-cert "$work/tls.crt" --tls-key "$work/tls.key" \
  >"$work/tls.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do curl -skf "https://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
curl -skf "https://127.0.0.1:$port/healthz" >/dev/null || fail "HTTPS with a passphrase-protected key"
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
if grep -q "tls key passphrase" "$work/tls.log"; then fail "the TLS passphrase was logged"; fi

# Test certificates: a self-signed TEST key in its own folder, never the key folder.
if "$vaxreg" cert issue-test --test-key-dir "$keys" --name "Đỗ Thị Đào" --dob 1990 \
  --dose JANSSEN:2021-10-01 >/dev/null 2>&1; then
  fail "issue-test must refuse the real key folder"
fi
test_hc1=$("$vaxreg" cert issue-test --test-key-dir "$work/test-keys" --name "Đỗ Thị Đào" \
  --dob 1990 --dose JANSSEN:2021-10-01 2>/dev/null) || fail "issue-test"
openssl x509 -in "$work/test-keys/test-dsc.crt.pem" -noout -subject | grep -q "TEST" ||
  fail "the test signer's certificate is not marked TEST"
out=$("$vaxreg" cert verify --cert "$work/test-keys/test-dsc.crt.pem" "$test_hc1") ||
  fail "test certificate against its own test key: $out"
echo "$out" | grep -q "TEST ISSUER" || fail "test certificate not marked TEST: $out"
set +e
out=$("$vaxreg" cert verify --trust-list "$work/trust.json" "$test_hc1")
code=$?
set -e
[ "$code" = 1 ] || fail "a test certificate passed the real trust list"
echo "$out" | grep -q '"code":"unknown_kid"' || fail "test certificate: $out"
[ "$(sqlite3 "$db" "SELECT COUNT(*) FROM certificates")" = 3 ] || fail "issue-test stored a row"
echo "e2e certificate CLI: all checks passed"

#!/usr/bin/env bash
# Certificate commands through the real binary: keys init/rotate/list (keys encrypted at rest),
# cert issue (HC1 + PNG + SVG), trust-list export, cert verify from text, file and image, with
# --cert, --trust-list, --at and --minimal, and rotation keeping old certificates valid.
#   cert_cli_e2e_test.sh PATH_TO_VAXREG
set -euo pipefail
source "$(dirname "$0")/lib.sh"
vaxreg=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
keys="$work/keys"
export VAXREG_KEY_PASSPHRASE="e2e key passphrase"

prints "^CSCA" "$vaxreg" keys --key-dir "$keys" init || fail "keys init"
grep -q "BEGIN ENCRYPTED PRIVATE KEY" "$keys/dsc/0001.key.pem" || fail "DSC key not encrypted"
[ "$(stat -c %a "$keys/csca.key.pem")" = 600 ] || fail "CSCA key file mode"
if "$vaxreg" keys --key-dir "$keys" init >/dev/null 2>&1; then fail "second init must fail"; fi
if VAXREG_KEY_PASSPHRASE= "$vaxreg" keys --key-dir "$keys" rotate >/dev/null 2>&1; then
  fail "rotate without a passphrase must fail"
fi
if VAXREG_KEY_PASSPHRASE="wrong passphrase!" "$vaxreg" keys --key-dir "$keys" rotate >/dev/null 2>&1; then
  fail "rotate with a wrong passphrase must fail"
fi

issue() {
  "$vaxreg" cert --key-dir "$keys" issue --name "Nguyễn Văn Ánh" --dob 1985-04-12 \
    --dose COMIRNATY:2021-08-01 --dose COMIRNATY:2021-08-29 "$@"
}
old=$(issue --png "$work/old.png" --svg "$work/old.svg")
case "$old" in HC1:*) ;; *) fail "issue: $old" ;; esac
grep -q "<svg" "$work/old.svg" || fail "svg"

prints "DSC" "$vaxreg" keys --key-dir "$keys" rotate || fail "rotate"
[ "$("$vaxreg" keys --key-dir "$keys" list | grep -c '^DSC')" = 2 ] || fail "two DSCs after rotation"
new=$(issue)
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
echo "e2e certificate CLI: all checks passed"

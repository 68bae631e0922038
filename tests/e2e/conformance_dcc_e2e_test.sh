#!/usr/bin/env bash
# `vaxreg conformance dcc DIR` through the real binary: the shared corpus with the documented
# known issues, the same vectors moved into another layout with other file names (nothing may
# depend on names), and a case whose expectation was flipped (must be reported and fail).
#   conformance_dcc_e2e_test.sh PATH_TO_VAXREG CORPUS_DIR KNOWN_ISSUES_FILE
set -euo pipefail
source "$(dirname "$0")/lib.sh"
vaxreg=$1
corpus=$2
known=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

if [ ! -d "$corpus" ]; then
  echo "no corpus at $corpus"
  exit 77
fi

prints "--known-issues" "$vaxreg" conformance dcc --help || fail "--help"

"$vaxreg" conformance dcc "$corpus" --known-issues "$known" >"$work/full.txt" \
  || fail "corpus with known issues: exit $? ($(tail -3 "$work/full.txt"))"
[ "$(tail -n 1 "$work/full.txt")" = "330 passed, 0 failed" ] || fail "last line: $(tail -n 1 "$work/full.txt")"
if grep -q "^FAIL\|^STALE" "$work/full.txt"; then fail "unexpected FAIL/STALE lines"; fi

# Without the known-issues list the documented NL schema disagreements fail.
set +e
"$vaxreg" conformance dcc "$corpus" >"$work/bare.txt"
code=$?
set -e
[ "$code" -eq 1 ] || fail "corpus without known issues should exit 1, got $code"
grep -q "^FAIL NL/.* EXPECTEDSCHEMAVALIDATION" "$work/bare.txt" || fail "NL schema FAIL lines missing"
tail -n 1 "$work/bare.txt" | grep -Eq "^[0-9]+ passed, [1-9][0-9]* failed$" || fail "bare summary"

# The common/ vectors in an upstream-like layout with other names.
mkdir -p "$work/other/XX/1.3.0/2DCode/Raw"
for f in "$corpus"/common/2DCode/raw/*.json; do
  cp "$f" "$work/other/XX/1.3.0/2DCode/Raw/case-$(basename "$f")"
done
echo '{"not":"a case"}' >"$work/other/XX/readme.json"
n=$(ls "$work/other/XX/1.3.0/2DCode/Raw" | wc -l)
"$vaxreg" conformance dcc "$work/other" >"$work/other.txt" || fail "relaid corpus: $(tail -3 "$work/other.txt")"
[ "$(tail -n 1 "$work/other.txt")" = "$n passed, 0 failed" ] || fail "relaid: $(tail -n 1 "$work/other.txt")"

# Flip one expectation: a signature that must not verify is declared valid.
bad="$work/other/XX/1.3.0/2DCode/Raw/case-CO5.json"
sed -i 's/"EXPECTEDVERIFY": *false/"EXPECTEDVERIFY": true/' "$bad"
grep -q '"EXPECTEDVERIFY": *true' "$bad" || fail "could not flip CO5"
set +e
"$vaxreg" conformance dcc "$work/other" >"$work/flipped.txt"
code=$?
set -e
[ "$code" -eq 1 ] || fail "flipped case should exit 1, got $code"
grep -q "^FAIL XX/1.3.0/2DCode/Raw/case-CO5.json EXPECTEDVERIFY" "$work/flipped.txt" \
  || fail "flipped case not reported: $(cat "$work/flipped.txt")"
[ "$(tail -n 1 "$work/flipped.txt")" = "$((n - 1)) passed, 1 failed" ] || fail "flipped summary"

set +e
"$vaxreg" conformance dcc "$work/nope" 2>/dev/null
code=$?
set -e
[ "$code" -eq 2 ] || fail "missing folder should exit 2, got $code"
echo "e2e conformance: all checks passed"

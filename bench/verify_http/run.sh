#!/usr/bin/env bash
# POST /api/v1/verify over HTTP with wrk, beside the raw ECDSA P-256 verify rate of
# `openssl speed -multi 2 ecdsap256` measured in the same run. Server and wrk share the machine.
#   bench/verify_http/run.sh BUILD_DIR [seconds=10]
set -euo pipefail
build=$1
secs=${2:-10}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export VAXREG_KEY_PASSPHRASE="benchmark key passphrase"
vaxreg="$build/src/app/vaxreg"
"$vaxreg" keys --key-dir "$work/keys" init >/dev/null
HC1=$("$vaxreg" cert --key-dir "$work/keys" issue --name "Nguyễn Văn Ánh" --dob 1985-04-12 \
  --dose COMIRNATY:2021-08-01 --dose COMIRNATY:2021-08-29)
export HC1
VAXREG_KEY_DIR="$work/keys" "$vaxreg" --db "sqlite:$work/b.db" serve \
  --port 0 --threads 2 >"$work/server.log" 2>&1 &
pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*listening on http:\/\/[0-9.]*:\([0-9]*\).*/\1/p' "$work/server.log" | head -n 1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "server did not start"; cat "$work/server.log"; exit 1; }
curl -s -X POST -H 'Content-Type: text/plain' --data "$HC1" "http://127.0.0.1:$port/api/v1/verify" \
  | grep -q '"valid":true' || { echo "sample does not verify"; exit 1; }
raw1=$(openssl speed -multi 2 -seconds 3 ecdsap256 2>/dev/null | awk '/256 bits ecdsa/ {print $NF}')
out=$(wrk -t1 -c32 -d"${secs}s" -s "$here/post_verify.lua" "http://127.0.0.1:$port/api/v1/verify")
raw2=$(openssl speed -multi 2 -seconds 3 ecdsap256 2>/dev/null | awk '/256 bits ecdsa/ {print $NF}')
rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
echo "$out" | grep -E "Latency|Requests/sec|Non-2xx" || true
raw=$(echo "$raw1 $raw2" | awk '{printf "%.0f", ($1 + $2) / 2}')
echo "openssl speed -multi 2 ecdsap256 verify/s (before, after): $raw1 $raw2"
echo "POST /api/v1/verify: $rps req/s = $(echo "$rps $raw" | awk '{printf "%.1f", 100 * $1 / $2}') % of raw verify $raw/s (target >= 40 %)"

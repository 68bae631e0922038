#!/usr/bin/env bash
# Signed audit checkpoints through the real binary on SQLite: `audit checkpoint` appends a signed
# line to a file outside the database, the server publishes one at start and serves the latest
# at GET /api/v1/audit/checkpoint, and `audit verify --checkpoints` catches what the hash chain
# alone cannot: rows deleted from the end, the whole chain rewritten, every row deleted.
#   audit_checkpoint_e2e_test.sh PATH_TO_VAXREG
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
export VAXREG_PASSWORD_COST=min
export VAXREG_AUDIT_CHECKPOINT_KEY="$work/anchor/checkpoint.key"
export VAXREG_AUDIT_CHECKPOINT_FILE="$work/anchor/checkpoints.jsonl"
db="$work/v.db"
v() { "$vaxreg" --db "sqlite:$db" --log-level warn "$@"; }
fresh() {  # a database with a few audited writes and one checkpoint of them
  rm -f "$db" "$db-wal" "$db-shm" "$VAXREG_AUDIT_CHECKPOINT_FILE"
  for u in e2e.admin e2e.signer e2e.admin2; do
    VAXREG_PASSWORD="an e2e test password" v user add --username "$u" \
      --role "$([ "$u" = e2e.signer ] && echo signer || echo admin)" >/dev/null 2>&1 ||
      fail "user add $u"
  done
  prints "audit checkpoint: [1-9][0-9]* rows" v audit checkpoint || fail "audit checkpoint"
  prints "audit checkpoints OK" v audit verify --checkpoints "$VAXREG_AUDIT_CHECKPOINT_FILE" ||
    fail "clean verify"
}
# The chain alone passes; against the checkpoints it must fail.
expect_caught() {
  prints "audit log OK" v audit verify || fail "$1: the chain alone should still verify"
  set +e
  out=$(v audit verify --checkpoints "$VAXREG_AUDIT_CHECKPOINT_FILE")
  rc=$?
  set -e
  [ "$rc" = 1 ] || fail "$1: verify --checkpoints exit $rc: $out"
  grep -q "audit checkpoints BROKEN" <<<"$out" || fail "$1: $out"
}
drop_triggers="DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"

fresh
[ "$(stat -c %a "$VAXREG_AUDIT_CHECKPOINT_KEY")" = 600 ] || fail "checkpoint key file mode"
[ -s "$VAXREG_AUDIT_CHECKPOINT_KEY.pub" ] || fail "no public key file"
if grep -q "$(sed -n 2p "$VAXREG_AUDIT_CHECKPOINT_KEY")" "$db"; then fail "key in the database"; fi
# Without a trusted public key there is nothing to check signatures against.
if VAXREG_AUDIT_CHECKPOINT_KEY= VAXREG_AUDIT_CHECKPOINT_FILE= \
  v audit verify --checkpoints "$VAXREG_AUDIT_CHECKPOINT_FILE" >/dev/null 2>&1; then
  fail "verify --checkpoints without a public key"
fi

rows=$(sqlite3 "$db" "SELECT COUNT(*) FROM audit_log")
sqlite3 "$db" "$drop_triggers DELETE FROM audit_log WHERE seq > $((rows - 2))"
expect_caught "rows deleted from the end"
if v audit checkpoint >/dev/null 2>&1; then fail "checkpointed a truncated chain"; fi

fresh
# Rewrite every row with a forged actor, recomputing each hash so that the chain links up.
python3 - "$db" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
rows = db.execute("SELECT seq, at, actor, action, target, before_json, after_json, request_id "
                  "FROM audit_log ORDER BY seq").fetchall()
prev = "0" * 64
for seq, at, actor, action, target, before, after, rid in rows:
    actor = "admin:mallory"
    fields = [prev, str(seq), str(at), actor, action, target, before, after, rid]
    content = "".join(f"{len(f.encode())}:{f};" for f in fields)
    h = hashlib.sha256(content.encode()).hexdigest()
    db.execute("UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?",
               (actor, prev, h, seq))
    prev = h
db.commit()
PY
expect_caught "whole chain rewritten"

fresh
sqlite3 "$db" "$drop_triggers DELETE FROM audit_log"
expect_caught "every row deleted"

# The server publishes a checkpoint at start and serves the latest one to anyone.
fresh
lines=$(wc -l <"$VAXREG_AUDIT_CHECKPOINT_FILE")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
VAXREG_AUDIT_CHECKPOINT_INTERVAL_SECONDS=3600 "$vaxreg" --db "sqlite:$db" --log-level warn serve \
  --address 127.0.0.1 --port "$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
for _ in $(seq 1 50); do
  [ "$(wc -l <"$VAXREG_AUDIT_CHECKPOINT_FILE")" -gt "$lines" ] && break
  sleep 0.1
done
[ "$(wc -l <"$VAXREG_AUDIT_CHECKPOINT_FILE")" -gt "$lines" ] || fail "no checkpoint from the server"
out=$(curl -sf "http://127.0.0.1:$port/api/v1/audit/checkpoint") || fail "GET checkpoint"
grep -q "\"public_key\":\"$(cat "$VAXREG_AUDIT_CHECKPOINT_KEY.pub")\"" <<<"$out" ||
  fail "served checkpoint: $out"
tail -1 "$VAXREG_AUDIT_CHECKPOINT_FILE" | python3 -c '
import json, sys
line = json.loads(sys.stdin.read()); served = json.loads(sys.argv[1])
sys.exit(0 if all(served[k] == line[k] for k in line) else 1)' "$out" ||
  fail "served checkpoint differs from the file: $out"
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
prints "audit checkpoints OK" v audit verify --checkpoints "$VAXREG_AUDIT_CHECKPOINT_FILE" ||
  fail "verify after the server's checkpoint"
echo "audit checkpoint e2e: OK"

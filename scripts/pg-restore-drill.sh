#!/usr/bin/env bash
# Backup and restore drill for a vaxreg PostgreSQL database: takes a base backup of the running
# server with pg_basebackup (the WAL written during the backup streamed alongside, so the copy is
# consistent on its own), starts the copy as a second server on another port, and checks that
# the restored database is what vaxreg wrote: the same row counts in the tables that matter and an
# intact audit chain (`vaxreg audit verify`). Prints each step and the time it took; exits 0 only
# when every check passed. docs/scale.md describes where it fits (nightly base backups plus
# archived WAL for point-in-time recovery).
#
#   scripts/pg-restore-drill.sh --dsn postgresql://USER@HOST:PORT/DB --vaxreg PATH [--dir DIR] [--port N]
#
#   --dsn     the database to back up (a role with the REPLICATION attribute, allowed to connect
#             for replication by pg_hba.conf)
#   --vaxreg  the vaxreg binary, for `audit verify` on the restored copy
#   --dir     where the backup and the restored server live (default: a new temporary folder,
#             removed afterwards; a given folder is kept for inspection)
#   --port    the restored server's port (default: a free port)
# As root, the backup and the restored server run as the 'postgres' user (PostgreSQL refuses root).
set -euo pipefail

usage() { sed -n '/^#   scripts/,/^# As root/p' "$0" | sed 's/^# \{0,1\}//'; }
dsn="" vaxreg="" dir="" port="" keep=0
while [ $# -gt 0 ]; do
  case $1 in
    --dsn) dsn=$2; shift 2 ;;
    --vaxreg) vaxreg=$2; shift 2 ;;
    --dir) dir=$2; keep=1; shift 2 ;;
    --port) port=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "pg-restore-drill: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[ -n "$dsn" ] && [ -n "$vaxreg" ] || { usage >&2; exit 2; }
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "pg-restore-drill: PostgreSQL server binaries not found" >&2; exit 1; }
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ -n "$port" ] || port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
[ -n "$dir" ] || dir=$(mktemp -d)
mkdir -p "$dir"
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
data="$dir/restored"
started=0
cleanup() {
  [ "$started" = 1 ] && as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
  [ "$keep" = 1 ] || rm -rf "$dir"
}
trap cleanup EXIT
step() { printf '%-44s' "$1"; t0=$(date +%s%N); }
done_step() { awk -v ns=$(( $(date +%s%N) - t0 )) -v what="${1:-ok}" 'BEGIN { printf "%6.1f s  %s\n", ns / 1e9, what }'; }

# The tables whose rows a restore must bring back, counted on both sides.
tables="people doses certificates population_register registrations correction_requests import_quarantine users audit_log"
counts() {  # counts DSN: "table=N ..." for the tables that exist
  local out="" t n
  for t in $tables; do
    n=$(psql "$1" -XAtqc "SELECT to_regclass('$t') IS NOT NULL") || return 1
    [ "$n" = t ] || continue
    n=$(psql "$1" -XAtqc "SELECT COUNT(*) FROM $t") || return 1
    out+="$t=$n "
  done
  echo "$out"
}

db=${dsn##*/}
db=${db%%\?*}
server=${dsn%/*}
host=$(sed -n 's|.*@\([^:/]*\).*|\1|p' <<< "$server"); host=${host:-127.0.0.1}
src_port=$(sed -n 's|.*:\([0-9]*\)$|\1|p' <<< "$server"); src_port=${src_port:-5432}
user=$(sed -n 's|postgresql://\([^@:]*\).*|\1|p' <<< "$server"); user=${user:-postgres}

step "counting rows on the primary"
before=$(counts "$dsn")
done_step "$before"

step "pg_basebackup (WAL streamed alongside)"
as_owner "$bindir/pg_basebackup" -h "$host" -p "$src_port" -U "$user" -D "$data" -X stream \
  --checkpoint=fast --no-password >"$dir/basebackup.log" 2>&1 ||
  { cat "$dir/basebackup.log" >&2; exit 1; }
done_step "$(du -sh "$data" | cut -f1)"

step "starting the restored copy on port $port"
rm -f "$data/postmaster.pid" "$data/standby.signal"
as_owner "$bindir/pg_ctl" -D "$data" -l "$dir/restored.log" -w -t 120 \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c archive_mode=off" \
  start >/dev/null || { cat "$dir/restored.log" >&2; exit 1; }
started=1
done_step

restored="postgresql://$user@127.0.0.1:$port/$db"
step "counting rows on the restored copy"
after=$(counts "$restored")
done_step "$after"
if [ "$before" != "$after" ]; then
  echo "pg-restore-drill: FAILED: the restored copy differs (primary: $before; restored: $after)" >&2
  exit 1
fi

step "vaxreg audit verify on the restored copy"
out=$("$vaxreg" --db "$restored" --log-level warn audit verify 2>&1) ||
  { echo "$out" >&2; echo "pg-restore-drill: FAILED: audit chain broken on the restored copy" >&2; exit 1; }
done_step "$(tail -n 1 <<< "$out")"
echo "pg-restore-drill: restore verified ($after)"

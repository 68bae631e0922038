#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build, and run the server on the embedded
# SQLite default with demo data at http://127.0.0.1:8080 (Ctrl-C stops it; data stays in var/).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target vaxreg
# The web portal (web/dist: hashed, precompressed files), built from the npm packages installed
# above; nothing is fetched at run time.
(cd web && node build.mjs)
mkdir -p var
# Photos of correction requests live beside the database (docs/corrections.md).
export VAXREG_CORRECTIONS_PHOTO_DIR="${VAXREG_CORRECTIONS_PHOTO_DIR:-var/photos}"
# Certificate signing keys of the demo, created on first use. DEMO ONLY: this passphrase is
# published here; real keys get their own (vaxreg keys init, docs/certificates.md).
export VAXREG_KEY_DIR="${VAXREG_KEY_DIR:-var/demo-keys}"
export VAXREG_KEY_PASSPHRASE="${VAXREG_KEY_PASSPHRASE:-vaxreg demo keys - not a secret}"
if [ ! -e var/demo.db ]; then
  # About 10,000 synthetic people with dose histories, the demo facilities and accounts, and
  # correction requests in every queue (open, overdue, decided); the demo facilities sign their
  # doses and certificates are issued (the demo citizen's among them).
  build/release/src/app/vaxreg --db "sqlite:var/demo.db" demo seed --people 10000 --seed 1
fi
exec build/release/src/app/vaxreg --db "sqlite:var/demo.db" serve --demo --address 127.0.0.1 --port 8080 \
  --web-root web/dist "$@"

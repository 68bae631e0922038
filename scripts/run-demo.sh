#!/usr/bin/env bash
# Quick start, command 1: install what is missing, build, and run the server on the embedded
# SQLite default with demo data at http://127.0.0.1:8080 (Ctrl-C stops it; data stays in var/).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target vaxreg
mkdir -p var
exec build/release/src/app/vaxreg --db "sqlite:var/demo.db" serve --demo --address 127.0.0.1 --port 8080 \
  --web-root web "$@"

#!/usr/bin/env bash
# Installs everything vaxreg needs to build, run and test on Debian 12, from Debian's packages.
# Idempotent: packages already present are skipped, so a second run does nothing but check.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates ccache
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev openssl zlib1g-dev libdeflate-dev libsqlite3-dev sqlite3 libpq-dev
  libcbor-dev libqrencode-dev libzxing-dev libpng-dev libicu-dev libsodium-dev
  libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev libvips-dev
  libcairo2-dev libpango1.0-dev poppler-utils
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  clang-14 libclang-rt-14-dev
  postgresql postgresql-client
  wrk curl python3
  chromium fonts-noto-core
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Node.js (for the interop tests' independent verifier) may come from Debian or be preinstalled.
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

# npm packages of the web portal (web/package-lock.json: Preact, esbuild, and for the browser
# tests playwright-core, axe-core and Lighthouse, which drive Debian's chromium and never download
# a browser) and of the interop tests (tests/interop/package-lock.json), installed here from the
# lock files. `npm ci` runs only when node_modules is missing or older than the lock file.
# tests/interop omits optional packages: @pathcheck/dcc-sdk's webcrypto shim lists React Native
# and Expo modules as optional (500 packages, 350 MB) that node never loads. web/ keeps them:
# esbuild ships its native binary as an optional package.
install_npm_packages() {
  local root dir omit
  root="$(cd "$(dirname "$0")/.." && pwd)"
  command -v npm >/dev/null 2>&1 || return 0
  for dir in "$root/web" "$root/tests/interop"; do
    [ -f "$dir/package-lock.json" ] || continue
    omit=""
    [ "$dir" = "$root/tests/interop" ] && omit="--omit=optional"
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
      (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci $omit --no-audit --no-fund --loglevel=error) \
        && touch "$dir/node_modules"
    fi
  done
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  install_npm_packages
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
install_npm_packages

#!/usr/bin/env bash
# Installs what the project needs, only when it is missing (idempotent):
#   Debian: emscripten xtensor-dev xtl-dev catch2 chromium cmake g++ make clang libclang-rt-dev
#           (clang and libFuzzer: the fuzz targets, tests/fuzz/) nodejs npm
#   npm:    `npm ci` when node_modules does not match package-lock.json
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in emscripten xtensor-dev xtl-dev catch2 chromium cmake g++ make clang libclang-rt-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

stamp=node_modules/.pe-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

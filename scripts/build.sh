#!/usr/bin/env bash
# Builds what a command needs, and nothing more:
#   scripts/build.sh --page    the page only (npm start): both WASM modules and dist/
#   scripts/build.sh --web     dist/ only, from the modules last built (front-end work)
#   scripts/build.sh --bench   what `npm run bench` runs: native pe_bench_native and pe-cli,
#                              the bench modules pe_bench_{simd,scalar}.mjs, pe_peak_simd.mjs
#   scripts/build.sh [--no-web] everything the tests need (npm test):
#     build/native       pe_core, pe-cli, pe_tests (g++)
#     build/wasm-simd    web module with -msimd128, pe_kernel_tests.cjs, pe_bench_simd.mjs
#     build/wasm-scalar  the same without SIMD (picked when the browser lacks it)
#     dist/              the static site and dist/pe-playground.html (skipped with --no-web),
#                        the element dist/pe-playground.js, dist/article.html, dist/api/
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs   # Debian's emcc looks for acorn there
jobs=${PE_JOBS:-2}
mode=${1:-tests}

step() { echo "== build: $*"; }
native() {  # targets...
  step "native: $*"
  cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/native -j"$jobs" --target "$@"
}
wasm() {  # simd|scalar targets...
  local variant=$1; shift
  step "wasm ($variant): $*"
  local simd=ON; [ "$variant" = scalar ] && simd=OFF
  emcmake cmake -S . -B "build/wasm-$variant" -DCMAKE_BUILD_TYPE=Release -DPE_SIMD=$simd >/dev/null
  cmake --build "build/wasm-$variant" -j"$jobs" --target "$@"
}
web() {
  mkdir -p web/src/generated
  [ "$mode" = --web ] || cp build/wasm-simd/pe_module_simd.mjs build/wasm-scalar/pe_module_scalar.mjs web/src/generated/
  step "web: the first view, computed now (web/src/generated/first-view.json)"
  node scripts/make-first-view.mjs
  step "web: dist/ (static site)"
  npx vite build --logLevel warn
  step "web: dist/pe-playground.html (single file)"
  npx vite build --mode singlefile --logLevel warn
  cp build/single/index.html dist/pe-playground.html
  step "web: dist/pe-playground.js (the <pe-playground> element), dist/article.html, dist/api/"
  npx vite build --mode element --logLevel warn
  cp build/element/pe-playground.js dist/pe-playground.js
  node scripts/build-article.mjs dist/pe-playground.js web/article.html dist/article.html
  # The package's API (package.json "exports"): engine.js and its modules as they are.
  rm -rf dist/api && mkdir -p dist/api/generated
  cp web/src/engine.js dist/api/engine.js
  cp web/src/generated/pe_module_simd.mjs web/src/generated/pe_module_scalar.mjs dist/api/generated/
  sed "s#'\.\./engine\.js'#'./engine.js'#" web/src/element/api.js > dist/api/index.js
}

case "$mode" in
  --page)
    wasm simd pe_module_simd
    wasm scalar pe_module_scalar
    web
    ;;
  --web)
    web
    ;;
  --bench)
    native pe-cli pe_bench_native
    wasm simd pe_bench_simd pe_peak_simd
    wasm scalar pe_bench_scalar
    ;;
  tests|--no-web)
    native pe-cli pe_tests pe_bench_native
    wasm simd pe_module_simd pe_kernel_tests pe_bench_simd
    wasm scalar pe_module_scalar pe_kernel_tests pe_bench_scalar
    mkdir -p web/src/generated
    cp build/wasm-simd/pe_module_simd.mjs build/wasm-scalar/pe_module_scalar.mjs web/src/generated/
    [ "$mode" = --no-web ] || web
    ;;
  *) echo "usage: scripts/build.sh [--page|--web|--bench|--no-web]" >&2; exit 2 ;;
esac
echo "== build: done"

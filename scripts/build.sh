#!/usr/bin/env bash
# Builds everything the tests and the page need:
#   build/native       pe_core, pe-cli, pe_tests, pe_bench_native (g++)
#   build/wasm-simd    web module with -msimd128, pe_kernel_tests.js
#   build/wasm-scalar  the same module without SIMD (picked when the browser lacks it)
#   dist/              the static site (index.html + assets) and dist/pe-playground.html
# Usage: scripts/build.sh [--no-web]
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs   # Debian's emcc looks for acorn there
jobs=${PE_JOBS:-2}

step() { echo "== build: $*"; }

step native
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j"$jobs"

step "wasm (simd)"
emcmake cmake -S . -B build/wasm-simd -DCMAKE_BUILD_TYPE=Release -DPE_SIMD=ON >/dev/null
cmake --build build/wasm-simd -j"$jobs"

step "wasm (scalar)"
emcmake cmake -S . -B build/wasm-scalar -DCMAKE_BUILD_TYPE=Release -DPE_SIMD=OFF >/dev/null
cmake --build build/wasm-scalar -j"$jobs"

mkdir -p web/src/generated
cp build/wasm-simd/pe_module_simd.mjs build/wasm-scalar/pe_module_scalar.mjs web/src/generated/

if [ "${1:-}" != "--no-web" ]; then
  step "web: dist/ (static site)"
  npx vite build --logLevel warn
  step "web: dist/pe-playground.html (single file)"
  npx vite build --mode singlefile --logLevel warn
  cp build/single/index.html dist/pe-playground.html
fi
echo "== build: done"

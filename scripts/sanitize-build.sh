#!/usr/bin/env bash
# The sanitizer build shared by the ASan layer of npm test and the fuzz targets:
# build/sanitize, clang, RelWithDebInfo, ASan + UBSan (PE_SANITIZE) and libFuzzer's
# coverage on pe_core (PE_FUZZ), so pe_core is compiled once for both.
#   scripts/sanitize-build.sh TARGET...     e.g. pe_tests, fuzz_tokenizer
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang++ >/dev/null || { echo "clang++ is missing (scripts/setup.sh installs clang libclang-rt-dev)" >&2; exit 1; }
CXX=clang++ cmake -S . -B build/sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPE_SANITIZE=ON -DPE_FUZZ=ON >/dev/null
cmake --build build/sanitize -j"${PE_JOBS:-2}" --target "$@"

#!/usr/bin/env bash
# npm test: install what is missing, build, then run every test layer and end with one
# line "N passed, N failed" (test cases across all layers).
#   1. Catch2 suite, native (via CTest)              build/native
#   2. Catch2 suite under ASan + UBSan (clang)       build/sanitize
#   3. kernel tests compiled to WASM (SIMD, scalar)  node build/wasm-*/pe_kernel_tests.cjs
#   4. Node tests of the built WASM module           node --test tests/node/
#   5. browser tests, Playwright + Debian Chromium   node --test tests/browser/
#   6. libFuzzer targets (clang, ASan + UBSan)       scripts/fuzz.sh --check (corpus + 10 s each)
# Run one layer alone: scripts/test.sh native|asan|wasm-kernels|node|browser|fuzz
set -uo pipefail
cd "$(dirname "$0")/.."
only=${1:-all}
jobs=${PE_JOBS:-2}

bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
case "$only" in
  all|browser|node) build_args=() ;;  # the node layer packs dist/ (tests/node/package.test.mjs)
  asan|fuzz) build_args=(skip) ;;
  *) build_args=(--no-web) ;;
esac
if [ "${build_args[0]:-}" != skip ]; then
  bash scripts/build.sh "${build_args[@]}" || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
fi

passed=0
failed=0
log_dir=build/test-logs
mkdir -p "$log_dir"

# Catch2 v2 summary: "All tests passed (A assertions in N test cases)" or
# "test cases: N | P passed | F failed"
count_catch() {
  local log=$1 line p f
  line=$(grep -E "^([0-9]+: )?(All tests passed|test cases:)" "$log" | tail -n 1 | sed -E 's/^[0-9]+: //')
  if [[ $line =~ All\ tests\ passed.*in\ ([0-9]+)\ test\ case ]]; then
    p=${BASH_REMATCH[1]}; f=0
  elif [[ $line =~ test\ cases:\ *([0-9]+)\ \|\ *([0-9]+)\ passed\ \|\ *([0-9]+)\ failed ]]; then
    p=${BASH_REMATCH[2]}; f=${BASH_REMATCH[3]}
  elif [[ $line =~ test\ cases:\ *([0-9]+)\ \|\ *([0-9]+)\ failed ]]; then
    p=0; f=${BASH_REMATCH[2]}
  else
    p=0; f=1
  fi
  passed=$((passed + p)); failed=$((failed + f))
  echo "   -> $p passed, $f failed"
}

# node --test (TAP): "# pass N" / "# fail N"
count_node() {
  local log=$1 p f
  p=$(grep -E "^# pass [0-9]+" "$log" | tail -n 1 | awk '{print $3}')
  f=$(grep -E "^# fail [0-9]+" "$log" | tail -n 1 | awk '{print $3}')
  [ -z "$p" ] && p=0
  [ -z "$f" ] && f=1
  passed=$((passed + p)); failed=$((failed + f))
  echo "   -> $p passed, $f failed"
}

run_layer() { [ "$only" = all ] || [ "$only" = "$1" ]; }

if run_layer native; then
  echo "== test: Catch2 (native)"
  ctest --test-dir build/native --output-on-failure -V > "$log_dir/native.log" 2>&1
  grep -E "^([0-9]+: )?(All tests|test cases|assertions)" "$log_dir/native.log" | tail -n 2
  grep -B2 -A12 "FAILED:" "$log_dir/native.log" | head -n 80
  count_catch "$log_dir/native.log"
fi

if run_layer asan; then
  echo "== test: Catch2 (AddressSanitizer + UndefinedBehaviorSanitizer)"
  # A failed build counts as a failure: never run a stale binary left by an earlier build.
  # One clang build (build/sanitize, scripts/sanitize-build.sh) serves this layer and the
  # fuzz layer: pe_core is compiled once with ASan + UBSan and libFuzzer's coverage.
  rm -f build/sanitize/pe_tests
  if bash scripts/sanitize-build.sh pe_tests > "$log_dir/asan-build.log" 2>&1; then
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
      ./build/sanitize/pe_tests --order decl --use-colour no > "$log_dir/asan.log" 2>&1
    grep -E "ERROR: (Address|Leak)Sanitizer|runtime error" "$log_dir/asan.log" | head -n 20
    grep -B2 -A12 "FAILED:" "$log_dir/asan.log" | head -n 80
    count_catch "$log_dir/asan.log"
    if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error" "$log_dir/asan.log"; then
      failed=$((failed + 1)); echo "   -> sanitizer reported an error (counted as a failure)"
    fi
  else
    grep -E "error|Error" "$log_dir/asan-build.log" | head -n 20
    failed=$((failed + 1)); echo "   -> sanitizer build failed (counted as a failure; $log_dir/asan-build.log)"
  fi
fi

if run_layer fuzz; then
  echo "== test: libFuzzer targets (clang, ASan + UBSan): committed corpus, then ${PE_FUZZ_SECONDS:-10} s each"
  bash scripts/fuzz.sh --check "${PE_FUZZ_SECONDS:-10}" > "$log_dir/fuzz.log" 2>&1
  grep -vE "^fuzz [a-z_]+: ok" "$log_dir/fuzz.log" | head -n 40
  p=$(grep -cE "^fuzz [a-z_]+: ok" "$log_dir/fuzz.log")
  f=$(grep -cE "^fuzz [a-z_]+: FAILED" "$log_dir/fuzz.log")
  [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && f=1  # the build failed: nothing ran
  passed=$((passed + p)); failed=$((failed + f))
  echo "   -> $p passed, $f failed"
fi

if run_layer wasm-kernels; then
  for variant in simd scalar; do
    echo "== test: kernel tests in WASM ($variant)"
    if [ -f "build/wasm-$variant/pe_kernel_tests.cjs" ]; then
      node "build/wasm-$variant/pe_kernel_tests.cjs" --use-colour no > "$log_dir/wasm-$variant.log" 2>&1
      grep -B2 -A12 "FAILED:" "$log_dir/wasm-$variant.log" | head -n 60
      count_catch "$log_dir/wasm-$variant.log"
    else
      echo "   build/wasm-$variant/pe_kernel_tests.cjs is missing"; failed=$((failed + 1))
    fi
  done
fi

if run_layer node; then
  echo "== test: Node tests of the WASM module"
  node --test --test-reporter=tap tests/node/ > "$log_dir/node.log" 2>&1
  grep -E "^not ok|^# (pass|fail)" "$log_dir/node.log"
  grep -A25 "^not ok" "$log_dir/node.log" | head -n 80
  count_node "$log_dir/node.log"
fi

if run_layer browser; then
  echo "== test: browser tests (Playwright + Debian Chromium, headless)"
  node --test --test-concurrency=1 --test-reporter=tap tests/browser/ > "$log_dir/browser.log" 2>&1
  grep -E "^not ok|^# (pass|fail)" "$log_dir/browser.log"
  grep -A25 "^not ok" "$log_dir/browser.log" | head -n 80
  count_node "$log_dir/browser.log"
fi

echo
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]

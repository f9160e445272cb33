#!/usr/bin/env bash
# libFuzzer targets (tests/fuzz/fuzz_*.cpp), built with clang under ASan + UBSan in
# build/sanitize (scripts/sanitize-build.sh; the ASan layer of npm test shares it).
#   scripts/fuzz.sh [TARGET|all] [SECONDS]   npm run fuzz -- fuzz_table 600
#       fuzz for SECONDS each (default 60); new inputs go to build/fuzz/corpus/TARGET,
#       the committed seeds in tests/fuzz/corpus/TARGET are read, never written.
#   scripts/fuzz.sh --check [SECONDS]        the fuzz layer of npm test: every target runs
#       its committed corpus once, then fuzzes SECONDS (default 10); prints one line per
#       target, "fuzz TARGET: ok" or "fuzz TARGET: FAILED", and exits 1 on any failure.
# A crash leaves its input in build/fuzz/artifacts/; add it to tests/fuzz/corpus/TARGET/
# (it then runs in every npm test) and fix the bug.
set -uo pipefail
cd "$(dirname "$0")/.."
TARGETS=(fuzz_tokenizer fuzz_table fuzz_probe_options fuzz_checkpoint)
check=0
if [ "${1:-}" = --check ]; then check=1; shift; seconds=${1:-10}; which=all
else which=${1:-all}; seconds=${2:-60}; fi
case "$which" in all) targets=("${TARGETS[@]}") ;; *) targets=("$which") ;; esac
[[ $seconds =~ ^[0-9]+$ ]] || { echo "fuzz: SECONDS must be a whole number" >&2; exit 2; }

mkdir -p build
bash scripts/sanitize-build.sh "${targets[@]}" > build/fuzz-build.log 2>&1 ||
  { tail -n 30 build/fuzz-build.log; echo "fuzz: build failed (build/fuzz-build.log)"; exit 1; }

mkdir -p build/fuzz/artifacts build/test-logs
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
for t in "${targets[@]}"; do
  [ -x "build/sanitize/$t" ] || { echo "fuzz: unknown target '$t' (known: ${TARGETS[*]})" >&2; exit 2; }
  seeds=tests/fuzz/corpus/$t
  work=build/fuzz/corpus/$t
  mkdir -p "$work"
  log=build/test-logs/fuzz-$t.log
  common=(-artifact_prefix=build/fuzz/artifacts/"$t"- -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=20 -print_final_stats=1)
  if [ $check = 1 ]; then
    # the committed corpus once (regressions), then a short fuzz from it in a scratch folder
    "build/sanitize/$t" "${common[@]}" -runs=0 "$seeds" > "$log" 2>&1 &&
      "build/sanitize/$t" "${common[@]}" -max_total_time="$seconds" "$work" "$seeds" >> "$log" 2>&1
  else
    "build/sanitize/$t" "${common[@]}" -max_total_time="$seconds" "$work" "$seeds" 2>&1 | tee "$log" | grep -E "^#[0-9]+.*(DONE|NEW)" | tail -n 3
    [ "${PIPESTATUS[0]}" -eq 0 ]
  fi
  if [ $? -eq 0 ]; then
    echo "fuzz $t: ok ($(grep -Eo 'stat::number_of_executed_units: [0-9]+' "$log" | awk '{s+=$2} END {print s+0}') runs)"
  else
    status=1
    echo "fuzz $t: FAILED (log $log, input in build/fuzz/artifacts/)"
    grep -E "ERROR: |runtime error|SUMMARY|Test unit written" "$log" | head -n 8
  fi
done
exit $status

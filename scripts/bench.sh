#!/usr/bin/env bash
# npm run bench: install what is missing, build (native + both WASM modules + the WASM
# peak loop), then time the attention core everywhere in one sitting and print a table
# of GFLOP/s and the target ratios (scripts/bench/run.mjs says what is measured and how);
# then tokens/s of training steps (ours and the same model in tfjs) and their ratios.
# Usage: scripts/bench.sh [--json] [--ns 64,512,2048] [--no-chromium] [--no-memory]
#                         [--no-train] [--train-lens 64,256]
#   --json   also print one JSON object on the last line of stdout
# Progress goes to stderr. Takes about 4-6 minutes on 2 cores (training: about 1.5).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh >&2
bash scripts/build.sh --bench >&2
node scripts/bench/run.mjs "$@"

#!/usr/bin/env bash
# npm start: install what is missing, build only what the page needs, serve dist/ on localhost.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh --page
port=${PORT:-5173}
echo
echo "pe-playground is at http://127.0.0.1:${port}/  (single file: dist/pe-playground.html)"
echo
exec npx vite preview --host 127.0.0.1 --port "$port" --strictPort

#!/usr/bin/env bash
# Set up, build the release bundle and serve it on 127.0.0.1 with the default
# data from public/. Usage: scripts/run.sh [port]   (default 8080)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh
PORT="${1:-${PORT:-8080}}"
echo "[run] trunk build --release"
trunk build --release
echo "[run] serving dist/ — open http://127.0.0.1:$PORT/  (Ctrl-C to stop)"
exec node scripts/serve.mjs dist "$PORT"

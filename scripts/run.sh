#!/usr/bin/env bash
# Set up, build the release bundle and serve it on 127.0.0.1 with the default
# data from public/, together with the view-counter service (crates/counter)
# so the 浏览次数 on article pages are live.
# Usage: scripts/run.sh [port]   (default 8080; the counter uses port+707)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh
PORT="${1:-${PORT:-8080}}"
COUNTER_PORT="${COUNTER_PORT:-$((PORT + 707))}"
echo "[run] trunk build --release"
trunk build --release
echo "[run] cargo build --release -p pufa-counter"
cargo build --release --locked -p pufa-counter
mkdir -p target/run
target/release/pufa-counter --listen "127.0.0.1:$COUNTER_PORT" \
  --db target/run/views.sqlite3 --data dist/data &
counter=$!
trap 'kill "$counter" 2>/dev/null || true' EXIT
echo "[run] view counter on http://127.0.0.1:$COUNTER_PORT (database target/run/views.sqlite3)"
echo "[run] serving dist/ — open http://127.0.0.1:$PORT/  (Ctrl-C to stop)"
node scripts/serve.mjs dist "$PORT" --counter "http://127.0.0.1:$COUNTER_PORT"

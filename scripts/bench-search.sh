#!/usr/bin/env bash
# Benchmark for issue 10 ("Search over the whole archive"): our prebuilt,
# fetched-in-pieces search index against Pagefind 1.6 on the same generated
# Chinese content and the same queries. Prints figures; it is not a test and
# fails only when a step cannot run. How to read the figures:
# docs/search-benchmark.md.
#
# Usage: scripts/bench-search.sh [sizes...]     (default: 10000 100000)
#   env SEED (default 42), QUERIES (default 50), MAX_ENUM (default 200),
#   WARM (default 12), PORT_OURS / PORT_PAGEFIND (default: free ones),
#   PAGEFIND=0 (ours only), PAGEFIND_MAX_MIB (default 80% of the memory:
#   Pagefind 1.6 took 5 GiB of RSS at 10k bulletins; past the cap it is
#   stopped, reported, and ours is measured alone),
#   BENCH_VERBOSE=1 (a line per query), REUSE=1 (skip both builds when
#   target/bench/search-N/build.json exists: browser part only), SHELL_DIST (default
#   /work/target-bench/dist, see below), PUFA (default
#   /work/target-bench/tool/pufa, else target/tool/pufa)
#
# For each size N:
#   1. node scripts/gen-content.mjs N SEED target/bench/content-N (if missing)
#   2. ours: pufa build --content … --out target/bench/search-N/ours/data
#      under /usr/bin/time -v (the whole build: wall time, max RSS), and the
#      size and file count of data/v/*/search; the app shell (a
#      `trunk build --release` dist without data/ and media/) copied next to it
#   3. Pagefind: one HTML page per bulletin in target/bench/search-N/pagefind-site
#      (node scripts/bench-search.mjs site), then `pagefind --site …` under
#      /usr/bin/time -v; the size and file count of its pagefind/ folder
#   4. both served by `node scripts/serve.mjs` (gzip like production), and
#      node scripts/bench-search.mjs run: queries, oracle, Chromium, table
#
# Needs: node_modules/playwright-core and /usr/bin/chromium (scripts/setup.sh);
# Pagefind is installed with npm into target/bench/pagefind-tool (not into
# package.json). The shell: built once with
#   . scripts/env.sh && PUFA_CONTENT=tests/fixtures/content \
#     CARGO_TARGET_DIR=/work/target-bench trunk build --release --dist /work/target-bench/dist
# and pufa with
#   CARGO_TARGET_DIR=/work/target-bench cargo build --locked --profile tool -p pufa-cli
# (separate target dirs, so the benchmark does not fight other builds).

set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 100000)
SEED="${SEED:-42}"
BENCH="$ROOT/target/bench"
SHELL_DIST="${SHELL_DIST:-/work/target-bench/dist}"
if [ -z "${PUFA:-}" ]; then
  PUFA=/work/target-bench/tool/pufa
  [ -x "$PUFA" ] || PUFA="$ROOT/target/tool/pufa"
fi
PAGEFIND_VERSION=1.6.0
PF_TOOL="$BENCH/pagefind-tool"
PAGEFIND_BIN="$PF_TOOL/node_modules/.bin/pagefind"

if [ ! -x /usr/bin/time ]; then
  echo "installing Debian's time (for /usr/bin/time -v)" >&2
  apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
fi
if [ ! -x "$PUFA" ]; then
  echo "no pufa at $PUFA: CARGO_TARGET_DIR=/work/target-bench cargo build --locked --profile tool -p pufa-cli" >&2
  exit 1
fi
if [ ! -f "$SHELL_DIST/index.html" ]; then
  echo "no $SHELL_DIST/index.html: build the app shell first (see the head of this script)" >&2
  exit 1
fi
if [ ! -d node_modules/playwright-core ]; then
  echo "no node_modules/playwright-core: run scripts/setup.sh (or npm ci) first" >&2
  exit 1
fi
mkdir -p "$BENCH"
if [ ! -x "$PAGEFIND_BIN" ] || [ "$("$PAGEFIND_BIN" --version 2>/dev/null)" != "pagefind $PAGEFIND_VERSION" ]; then
  echo "installing pagefind@$PAGEFIND_VERSION into $PF_TOOL (npm)" >&2
  mkdir -p "$PF_TOOL"
  npm install --prefix "$PF_TOOL" --no-audit --no-fund --loglevel=error "pagefind@$PAGEFIND_VERSION" >&2
fi

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
# Seconds and KB from GNU time's -v report.
time_field() { sed -n "s/^[[:space:]]*$1: //p" "$2"; }
to_seconds() { awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }' <<<"$1"; }
wall_of() { to_seconds "$(time_field 'Elapsed (wall clock) time (h:mm:ss or m:ss)' "$1")"; }
rss_of() { time_field 'Maximum resident set size (kbytes)' "$1"; }
# Bytes of the files, disk usage in KB, number of files of a folder.
bytes_of() { find "$@" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s }'; }
du_kb() { du -sk "$@" | awk '{ s += $1 } END { print s }'; }
files_of() { find "$@" -type f | wc -l; }

start_server() { # DIR PORT LOG → pid in $server
  node scripts/serve.mjs "$1" "$2" >"$3" 2>&1 &
  server=$!
  for _ in $(seq 100); do
    grep -qs serving "$3" && return 0
    sleep 0.1
  done
  echo "server for $1 did not start: $(cat "$3")" >&2
  return 1
}

# Runs a command under /usr/bin/time -v in a session of its own, and stops
# the whole session if its processes' RSS passes CAP_MIB (polled every
# second): Pagefind's RSS grows with the archive (5 GiB at 10,000 pages).
# Sets capped (empty, or 1), capped_after (s) and capped_kb.
run_capped() { # CAP_MIB TIME_FILE LOG cmd...
  local cap_kb=$(($1 * 1024)) time_file=$2 log=$3 start=$SECONDS rss pid
  shift 3
  capped= capped_after= capped_kb=
  setsid /usr/bin/time -v -o "$time_file" "$@" >"$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    rss=$(ps -o rss= -s "$pid" 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
    if [ "$rss" -gt "$cap_kb" ]; then
      capped=1 capped_after=$((SECONDS - start)) capped_kb=$rss
      kill -- -"$pid" 2>/dev/null || true
      break
    fi
    sleep 1
  done
  wait "$pid"
}
# Pagefind not built (PAGEFIND=0) or stopped: an empty index folder and a
# zero time report, so build.json and the table still read.
no_pagefind() {
  rm -rf "$pf_dir"
  mkdir -p "$pf_dir"
  printf '\tElapsed (wall clock) time (h:mm:ss or m:ss): 0:00\n\tMaximum resident set size (kbytes): 0\n' >"$OUT/time-pagefind.txt"
}
# Default cap: 80% of the machine's memory.
PAGEFIND_MAX_MIB="${PAGEFIND_MAX_MIB:-$(awk '/^MemTotal:/ { printf "%d", $2 * 0.8 / 1024 }' /proc/meminfo)}"

servers=()
cleanup() { for p in "${servers[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; servers=(); }
trap cleanup EXIT

echo "pufa: $PUFA ($(date -r "$PUFA" '+%F %T')); shell: $SHELL_DIST; pagefind: $("$PAGEFIND_BIN" --version); chromium: $(/usr/bin/chromium --version 2>/dev/null | head -1); $(nproc) cores"
for N in "${SIZES[@]}"; do
  CONTENT="$BENCH/content-$N"
  OUT="$BENCH/search-$N"
  echo
  echo "=== $N bulletins (seed $SEED) ==="
  if [ ! -f "$CONTENT/site.toml" ] || [ "$(find "$CONTENT/bulletins" -name '*.md' | wc -l)" != "$N" ]; then
    node scripts/gen-content.mjs "$N" "$SEED" "$CONTENT" 2>"$BENCH/gen-$N.log" || { cat "$BENCH/gen-$N.log" >&2; exit 1; }
  fi

  pf_failed=
  if [ -n "${REUSE:-}" ] && [ -f "$OUT/build.json" ]; then
    echo "REUSE: the builds of an earlier run in $OUT (figures from then)"
    pf_dir="$OUT/pagefind-site/pagefind"
  else
  # ---- ours
  rm -rf "$OUT/ours"
  mkdir -p "$OUT/ours"
  if ! /usr/bin/time -v -o "$OUT/time-ours.txt" "$PUFA" build --content "$CONTENT" --out "$OUT/ours/data" >"$OUT/build-ours.log" 2>&1; then
    echo "pufa build failed; last lines of $OUT/build-ours.log:" >&2
    tail -20 "$OUT/build-ours.log" >&2
    continue
  fi
  search_dir=$(echo "$OUT"/ours/data/v/*/search)
  (cd "$SHELL_DIST" && find . -mindepth 1 -maxdepth 1 ! -name data ! -name media -exec cp -r {} "$OUT/ours"/ \;)
  mkdir -p "$OUT/ours/media"
  printf 'ours: pufa build %.1fs, max RSS %.0f MiB; search index %s files, %.1f MB (du %.1f MB); whole data/ %s files\n' \
    "$(wall_of "$OUT/time-ours.txt")" "$(awk -v k="$(rss_of "$OUT/time-ours.txt")" 'BEGIN { print k / 1024 }')" \
    "$(files_of "$search_dir")" "$(awk -v b="$(bytes_of "$search_dir")" 'BEGIN { print b / 1048576 }')" \
    "$(awk -v k="$(du_kb "$search_dir")" 'BEGIN { print k / 1024 }')" "$(files_of "$OUT/ours/data")"

  # ---- Pagefind
  rm -rf "$OUT/pagefind-site"
  pf_dir="$OUT/pagefind-site/pagefind"
  if [ "${PAGEFIND:-1}" = 0 ]; then
    echo "PAGEFIND=0: Pagefind not built nor measured"
    no_pagefind
  else
  node scripts/bench-search.mjs site "$CONTENT" "$OUT/pagefind-site"
  if ! run_capped "$PAGEFIND_MAX_MIB" "$OUT/time-pagefind.txt" "$OUT/build-pagefind.log" "$PAGEFIND_BIN" --site "$OUT/pagefind-site"; then
    if [ -n "$capped" ]; then
      printf 'pagefind: stopped after %ss at %s MiB of RSS (PAGEFIND_MAX_MIB=%s), its index unfinished: ours measured alone\n' \
        "$capped_after" "$((capped_kb / 1024))" "$PAGEFIND_MAX_MIB"
    else
      echo "pagefind failed; last lines of $OUT/build-pagefind.log (ours measured alone):" >&2
      tail -20 "$OUT/build-pagefind.log" >&2
    fi
    pf_failed=1
    no_pagefind
  else
  printf 'pagefind: %.1fs, max RSS %.0f MiB; index %s files, %.1f MB (du %.1f MB)\n' \
    "$(wall_of "$OUT/time-pagefind.txt")" "$(awk -v k="$(rss_of "$OUT/time-pagefind.txt")" 'BEGIN { print k / 1024 }')" \
    "$(files_of "$pf_dir")" "$(awk -v b="$(bytes_of "$pf_dir")" 'BEGIN { print b / 1048576 }')" \
    "$(awk -v k="$(du_kb "$pf_dir")" 'BEGIN { print k / 1024 }')"
  grep -iE 'language|indexed|warn' "$OUT/build-pagefind.log" | sed 's/^/  pagefind: /' | head -8 || true
  fi
  fi

  cat >"$OUT/build.json" <<EOF
{"ours": {"seconds": $(wall_of "$OUT/time-ours.txt"), "rssKb": $(rss_of "$OUT/time-ours.txt"), "bytes": $(bytes_of "$search_dir"), "diskKb": $(du_kb "$search_dir"), "files": $(files_of "$search_dir")},
 "pagefind": {"seconds": $(wall_of "$OUT/time-pagefind.txt"), "rssKb": $(rss_of "$OUT/time-pagefind.txt"), "bytes": $(bytes_of "$pf_dir"), "diskKb": $(du_kb "$pf_dir"), "files": $(files_of "$pf_dir")}}
EOF
  fi

  # ---- browser
  port_ours="${PORT_OURS:-$(free_port)}"
  start_server "$OUT/ours" "$port_ours" "$OUT/serve-ours.log"
  servers+=("$server")
  port_pf="${PORT_PAGEFIND:-$(free_port)}"
  start_server "$OUT/pagefind-site" "$port_pf" "$OUT/serve-pagefind.log"
  servers+=("$server")
  pf_env=()
  if [ -n "$pf_failed" ] || { [ -n "${REUSE:-}" ] && [ ! -f "$pf_dir/pagefind.js" ]; }; then pf_env=(PAGEFIND=0); fi
  env "${pf_env[@]}" BENCH_JSON="$OUT/results.json" node scripts/bench-search.mjs run "$CONTENT" "http://127.0.0.1:$port_ours" "http://127.0.0.1:$port_pf" "$pf_dir" "$OUT/build.json" ||
    echo "browser part failed for $N" >&2
  cleanup
done

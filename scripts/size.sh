#!/usr/bin/env bash
# Print the shipped sizes of the release build: raw, gzip -9 and brotli -q 11
# of the wasm, JS and CSS a reader downloads, and the data files every first
# visit reads (version, site, home). Run after `trunk build --release`.
set -euo pipefail
cd "$(dirname "$0")/.."
DIST="${1:-dist}"
[ -d "$DIST" ] || { echo "no $DIST/: run trunk build --release first" >&2; exit 1; }
printf '%-40s %10s %10s %10s\n' file raw gzip-9 brotli-11
total_raw=0; total_gz=0; total_br=0
for f in "$DIST"/*.wasm "$DIST"/*.js "$DIST"/*.css "$DIST"/shell.html \
  "$DIST"/data/version.json "$DIST"/data/v/*/site.json "$DIST"/data/v/*/home.json; do
  [ -f "$f" ] || continue
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  br=$(brotli -q 11 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz)); total_br=$((total_br + br))
  printf '%-40s %10d %10d %10d\n' "${f#"$DIST"/}" "$raw" "$gz" "$br"
done
printf '%-40s %10d %10d %10d\n' total "$total_raw" "$total_gz" "$total_br"

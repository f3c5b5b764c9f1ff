#!/usr/bin/env bash
# Lighthouse (mobile preset, Lighthouse's default) on home and an article
# of a release build: performance, accessibility, best practices and SEO
# scores, LCP, CLS and total blocking time, each the median of RUNS runs (default 3).
# Prints figures; gates nothing (scores swing with machine load).
#
#   scripts/lighthouse.sh [DIST] [ARTICLE_ID]
#
# DIST defaults to dist/; ARTICLE_ID to the seed bulletin, else the first
# pre-rendered article of DIST. Lighthouse 12.2.3 is installed under
# target/lighthouse/ from npm on first use (13 needs Node 22).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
DIST=${1:-dist}
ID=${2:-2021-xinzhou-qiwu-zongjie}
if [ ! -f "$DIST/article/$ID.html" ]; then
  first=$(find "$DIST/article" -name '*.html' -print -quit 2>/dev/null || true)
  first=${first##*/}
  ID=${first%.html}
  # A build without pre-rendered pages: an id from its data.
  [ -n "$ID" ] || ID=$(find "$DIST"/data/v/*/article -name '*.json' -print -quit | sed 's#.*/##; s#\.json$##')
fi
RUNS=${RUNS:-3}
LH=target/lighthouse
if [ ! -x "$LH/node_modules/.bin/lighthouse" ]; then
  npm install --prefix "$LH" --no-audit --no-fund --loglevel=error lighthouse@12.2.3 >/dev/null
fi
PORT=${PORT:-8097}
node scripts/serve.mjs "$DIST" "$PORT" >/dev/null &
server=$!
trap 'kill $server' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/" >/dev/null && break; sleep 0.1; done
export CHROME_PATH=/usr/bin/chromium
for path in "/" "/article/$ID"; do
  reports=()
  for run in $(seq "$RUNS"); do
    out=$(mktemp)
    "$LH/node_modules/.bin/lighthouse" "http://127.0.0.1:$PORT$path" --quiet --output=json --output-path="$out" \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run" \
      --only-categories=performance,accessibility,best-practices,seo >/dev/null 2>&1 || true
    reports+=("$out")
  done
  node -e '
    const fs = require("fs");
    const [path, ...files] = process.argv.slice(1);
    const runs = files.map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
    const median = (xs) => { const s = xs.filter((x) => x != null).sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : null; };
    const score = (k) => { const m = median(runs.map((r) => r.categories[k] && r.categories[k].score)); return m == null ? "-" : Math.round(m * 100); };
    const lcp = median(runs.map((r) => r.audits["largest-contentful-paint"]?.numericValue));
    const cls = median(runs.map((r) => r.audits["cumulative-layout-shift"]?.numericValue));
    const tbt = median(runs.map((r) => r.audits["total-blocking-time"]?.numericValue));
    console.log(`${path.padEnd(44)} performance ${score("performance")}  accessibility ${score("accessibility")}  best-practices ${score("best-practices")}  seo ${score("seo")}  LCP ${lcp == null ? "-" : (lcp / 1000).toFixed(2) + " s"}  CLS ${cls == null ? "-" : cls.toFixed(3)}  TBT ${tbt == null ? "-" : Math.round(tbt) + " ms"}  (median of ${runs.length})`);
    const failed = new Set(runs.flatMap((r) => Object.values(r.audits).filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === "binary").map((a) => a.id)));
    if (failed.size) console.log(`  failed audits (any run): ${[...failed].join(", ")}`);
  ' "$path" "${reports[@]}"
  rm -f "${reports[@]}"
done

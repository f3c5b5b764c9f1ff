#!/usr/bin/env bash
# Lighthouse scores (performance, accessibility, best practices, SEO) and
# installability of the release build, for home and the seed article.
# Prints figures; gates nothing (scores swing with machine load).
# Needs a release build in dist/. Lighthouse 12.2.3 is installed under
# target/lighthouse/ from npm on first use (13 needs Node 22).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
LH=target/lighthouse
if [ ! -x "$LH/node_modules/.bin/lighthouse" ]; then
  npm install --prefix "$LH" --no-audit --no-fund --loglevel=error lighthouse@12.2.3 >/dev/null
fi
PORT=${PORT:-8097}
node scripts/serve.mjs dist "$PORT" >/dev/null &
server=$!
trap 'kill $server' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/" >/dev/null && break; sleep 0.1; done
export CHROME_PATH=/usr/bin/chromium
for path in "/" "/article/2021-xinzhou-qiwu-zongjie"; do
  out=$(mktemp)
  "$LH/node_modules/.bin/lighthouse" "http://127.0.0.1:$PORT$path" --quiet --output=json --output-path="$out" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run" \
    --only-categories=performance,accessibility,best-practices,seo >/dev/null 2>&1 || true
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const c = r.categories;
    const s = (k) => c[k] ? Math.round(c[k].score * 100) : "-";
    const failed = Object.values(r.audits).filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === "binary").map((a) => a.id);
    console.log(`${process.argv[2].padEnd(40)} performance ${s("performance")}  accessibility ${s("accessibility")}  best-practices ${s("best-practices")}  seo ${s("seo")}`);
    if (failed.length) console.log(`  failed audits: ${failed.join(", ")}`);
  ' "$out" "$path"
  rm -f "$out"
done

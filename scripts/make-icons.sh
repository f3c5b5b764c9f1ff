#!/usr/bin/env bash
# Render the app icons in public/icons/ from assets/icon.svg with headless
# Chromium (needs fonts-noto-cjk for the 普法 lettering). The PNGs are
# committed; run this only when the design changes.
set -euo pipefail
cd "$(dirname "$0")/.."
out=public/icons
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
render() { # size file rounded [source]
  local size=$1 file=$2 radius=$3 source=${4:-assets/icon.svg}
  cat > "$tmp/page.html" <<HTML
<!doctype html><html><head><style>
html,body{margin:0;background:transparent}
img{display:block;width:${size}px;height:${size}px;border-radius:${radius}}
</style></head><body><img src="file://$PWD/$source"></body></html>
HTML
  chromium --headless=new --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$tmp/profile" --default-background-color=00000000 \
    --window-size="$size,$size" --screenshot="$out/$file" "file://$tmp/page.html" 2>/dev/null
  echo "wrote $out/$file"
}
render 192 icon-192.png 18%
render 512 icon-512.png 18%
render 192 maskable-192.png 0
render 512 maskable-512.png 0
render 180 apple-touch-icon.png 0
# The tab icon: a PNG, not the SVG it is drawn from. Chromium fetches the
# icon again on every same-document navigation (each keystroke in the
# search box replaces the URL), and an SVG is decoded into a document of
# its own on the main thread each time, a PNG in a fraction of that.
render 32 favicon-32.png 0 assets/favicon.svg

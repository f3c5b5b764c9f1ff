#!/usr/bin/env bash
# Install exactly what is missing to build, serve and test the portal on a
# fresh Debian machine of this kind. Idempotent: a second run only checks.
# Everything comes from the package registries (Debian, crates.io, npm);
# Trunk is configured never to download tools itself.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# --- Debian packages: browser for tests, CJK font for screenshots, brotli for
# sizes, nginx to test the deployment example, Redis for the counter's Redis
# backend tests.
need_apt=()
for pkg in chromium chromium-driver fonts-noto-cjk brotli nginx-light redis-server; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  say "apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
# Debian's binaryen (108) miscompiles Leptos output under -Oz; refuse to run
# next to it rather than ship a broken build.
if dpkg-query -W -f='${Status}' binaryen 2>/dev/null | grep -q "ok installed"; then
  echo "Debian's binaryen package is installed; remove it (apt-get remove binaryen): its wasm-opt breaks the release build." >&2
  exit 1
fi

# --- Rust: wasm target, Trunk, wasm-bindgen CLI matching Cargo.lock.
export PATH="$HOME/.cargo/bin:$PATH"
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
# The standard library's source: the release wasm compiles it with the app
# (scripts/env.sh, the lean build).
if ! rustup component list --installed | grep -q '^rust-src'; then
  say "rustup component add rust-src"
  rustup component add rust-src
fi
if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
  say "cargo install trunk@$TRUNK_VERSION (about 9 minutes on 2 cores)"
  cargo install --locked "trunk@$TRUNK_VERSION"
fi
WBG_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$WBG_VERSION" ]; then
  echo "could not read the wasm-bindgen version from Cargo.lock" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WBG_VERSION" ] ||
   ! command -v wasm-bindgen-test-runner >/dev/null; then
  # Without --locked: the CLI's own lock file pins a webpki-roots version
  # that the registry no longer serves.
  say "cargo install wasm-bindgen-cli@=$WBG_VERSION (about 3 minutes)"
  cargo install --force "wasm-bindgen-cli@=$WBG_VERSION"
fi

# --- npm: wasm-opt (binaryen 132) for Trunk, playwright-core for e2e tests.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -x node_modules/.bin/wasm-opt ] || [ "$(cat node_modules/.setup-stamp 2>/dev/null)" != "$lock_sum" ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.setup-stamp
fi

# Trunk.toml's watch list ignores target/ (and node_modules/), and Trunk
# refuses to start when an ignored path does not exist.
mkdir -p target

# --- Crates for the app and the tests, so Trunk's offline build finds them.
cargo fetch --locked --target wasm32-unknown-unknown >/dev/null 2>&1 || cargo fetch --locked --target wasm32-unknown-unknown
cargo fetch --locked >/dev/null
# The lean release wasm compiles the standard library with the app
# (scripts/env.sh): Trunk's offline cargo then resolves the standard
# library's own workspace, whose lock file names crates (moto-rt, dlmalloc,
# …) that no project crate needs. Without them in the cache, `trunk build`
# fails on a fresh machine with "no matching package named `moto-rt`".
STD_LIBRARY="$(rustc --print sysroot)/lib/rustlib/src/rust/library"
# Its manifest uses unstable cargo features, hence RUSTC_BOOTSTRAP (for this
# fetch only, as for the build).
if [ -f "$STD_LIBRARY/Cargo.lock" ]; then
  RUSTC_BOOTSTRAP=1 cargo fetch --locked --manifest-path "$STD_LIBRARY/Cargo.toml" >/dev/null 2>&1 ||
    RUSTC_BOOTSTRAP=1 cargo fetch --locked --manifest-path "$STD_LIBRARY/Cargo.toml"
fi

say "ready: trunk $(trunk --version | cut -d' ' -f2), wasm-bindgen $WBG_VERSION, $(node_modules/.bin/wasm-opt --version | cut -d' ' -f1-3), $(chromium --version 2>/dev/null | head -1)"

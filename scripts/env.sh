# Sourced by the other scripts: the tools setup.sh installs, first on PATH.
# Trunk refuses NO_COLOR=1, so it is cleared.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_OFFLINE=true
unset NO_COLOR
# An exported RUSTFLAGS replaces .cargo/config.toml's flags for the wasm,
# among them Leptos's `erase_components` (21 kB of the shell): say so
# rather than fail the size budget with no reason given.
case "${RUSTFLAGS:-}" in
  "" | *erase_components*) ;;
  *) echo "note: RUSTFLAGS is set, so .cargo/config.toml's wasm flags (--cfg erase_components) are not used; the wasm will be larger" >&2 ;;
esac

# `trunk` (for `trunk build` and `trunk serve`) builds the release wasm lean:
# the standard library is compiled with the app (for size, like the rest)
# and panics abort at once, so no panic message formatting is linked in.
# Both are unstable cargo/rustc options, enabled on the stable toolchain with
# RUSTC_BOOTSTRAP for these builds only; ARCHITECTURE.md (Decisions) says
# what that costs and what it saves. PUFA_PLAIN_WASM=1 builds without them
# (panic messages in the console, when debugging a crash); so does a machine
# without rustup's rust-src component (scripts/setup.sh adds it). Both of
# Trunk.toml's hooks clear RUSTC_BOOTSTRAP and CARGO_UNSTABLE_BUILD_STD
# again, so `pufa`, which they build and run, is a plain stable build.
trunk() {
  if [ -n "${PUFA_PLAIN_WASM:-}" ] || [ ! -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ]; then
    command trunk "$@"
  else
    RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--cfg erase_components -Zunstable-options -Cpanic=immediate-abort" \
      command trunk "$@"
  fi
}

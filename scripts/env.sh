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

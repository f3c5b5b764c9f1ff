# Sourced by the other scripts: the tools setup.sh installs, first on PATH.
# Trunk refuses NO_COLOR=1, so it is cleared.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_OFFLINE=true
unset NO_COLOR

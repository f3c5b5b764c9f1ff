#!/usr/bin/env bash
# Set up and run every test: formatting and lints, native tests of the core
# crate and of the view-counter service, component tests in headless
# Chromium, the release builds, and the end-to-end journeys against them
# served on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh

step() { printf '\n\033[1m[test] %s\033[0m\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (warnings are errors)"
cargo clippy --locked -p pufa-core --all-targets -- -D warnings
cargo clippy --locked -p pufa-portal --target wasm32-unknown-unknown --all-targets -- -D warnings
cargo clippy --locked -p pufa-counter --all-targets -- -D warnings

step "native tests (crates/core)"
cargo test --locked -p pufa-core

step "view counter service: API, durability (crates/counter)"
cargo test --locked -p pufa-counter

step "component tests (wasm-bindgen-test, headless Chromium)"
cargo test --locked -p pufa-portal --target wasm32-unknown-unknown

step "release builds: site root, and the /pufa/ sub-path"
trunk build --release
trunk build --release --public-url /pufa/ --dist target/dist-pufa
cargo build --release --locked -p pufa-counter
scripts/size.sh

step "end-to-end journeys (Playwright, headless Chromium)"
node --test --test-concurrency=1 tests/e2e/

#!/usr/bin/env bash
# Run one fuzz target under libFuzzer (cargo-fuzz) on stable rustc:
#   fuzz/run.sh TARGET [libFuzzer options, e.g. -runs=2000000 -max_total_time=600]
# Targets: json_decode bulletin_file markdown site_toml query (docs/fuzzing.md).
# The corpus (fuzz/corpus/TARGET) is seeded from tests/fixtures on first use;
# a crash is saved under fuzz/artifacts/TARGET/ and stops the run.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: fuzz/run.sh TARGET [libFuzzer options]}
shift
# cargo-fuzz passes -Z flags (sanitizer, coverage); stable rustc accepts
# them with RUSTC_BOOTSTRAP=1. No nightly toolchain is needed.
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz > /dev/null || cargo install cargo-fuzz --locked

fixtures=../tests/fixtures
corpus=corpus/$target
if [ ! -d "$corpus" ]; then
  mkdir -p "$corpus"
  case $target in
    json_decode)
      # The old JSON data and the compiled tree of the fixture content.
      cp $fixtures/json/*.json "$corpus/"
      seed=target/seed-data
      rm -rf "$seed"
      (cd .. && cargo run --quiet --locked --profile tool -p pufa-cli -- \
        build --content tests/fixtures/content --out fuzz/$seed/data)
      find $seed/data -name '*.json' ! -name search.json | while read -r f; do
        cp "$f" "$corpus/$(echo "${f#$seed/data/}" | tr / _)"
      done
      ;;
    bulletin_file | markdown)
      find $fixtures/content/bulletins $fixtures/broken-content/bulletins ../content/bulletins \
        -name '*.md' | head -n 80 | while read -r f; do
        cp "$f" "$corpus/$(basename "$f")"
      done
      if [ "$target" = markdown ]; then
        # Bodies only: cut the front matter.
        for f in "$corpus"/*.md; do
          awk 'n >= 2 { print } /^\+\+\+/ { n++ }' "$f" > "$f.body" && mv "$f.body" "$f"
        done
      fi
      ;;
    site_toml)
      cp $fixtures/content/site.toml "$corpus/fixture.toml"
      cp $fixtures/broken-content/site.toml "$corpus/broken.toml"
      cp ../content/site.toml "$corpus/shipped.toml"
      ;;
    query)
      printf '%s' 'q=普法 宣传&channel=xinzhou&from=2021&to=2022-06&sort=newest&page=3' > "$corpus/full"
      printf '%s' 'q="GB/T 35273" 个人信息&sort=views' > "$corpus/phrase"
      printf '%s' 'q=“宪法 宣传” a&b 100% #1&from=2023&to=2021' > "$corpus/reversed"
      printf '%s' 'q=普法&channel=<script>&from=2021-02-30&to=abc&sort=random&page=0' > "$corpus/bad"
      printf '%s' 'page=-1&page=x&sort=oldest&from=99999&channel=x 中&=%' > "$corpus/odd"
      ;;
    *) echo "unknown target $target" >&2; exit 2 ;;
  esac
fi
case $target in
  json_decode) dict=dict/json.dict ;;
  bulletin_file | markdown | site_toml) dict=dict/content.dict ;;
  query) dict=dict/query.dict ;;
esac
# The code under test is safe Rust (no `unsafe` in pufa-core or pufa-cli),
# so by default no sanitizer: about 3x the inputs per second. Set
# FUZZ_SANITIZER=address to run under ASan. Inputs are capped at 16 KiB
# (the seeds include an 80 KB file) unless -max_len is given.
exec cargo fuzz run -O -s "${FUZZ_SANITIZER:-none}" "$target" "$corpus" -- \
  -dict="$dict" -max_len=16384 "$@"

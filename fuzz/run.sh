#!/usr/bin/env bash
# Run one fuzz target under libFuzzer (cargo-fuzz) on stable rustc:
#   fuzz/run.sh TARGET [libFuzzer options, e.g. -runs=2000000 -max_total_time=600]
# Targets: json_decode bulletin_file markdown site_toml query search_pieces
# search_meta cms_page docx (docs/fuzzing.md).
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
    search_pieces)
      # Byte 0 picks a piece, byte 1 the channel (top bit: edit the piece's
      # own bytes rather than replace them), byte 2 the dates, byte 3 the
      # query (see pufa_fuzz::search_pieces); no edits yet.
      for piece in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23; do
        printf "\\$(printf %03o "$piece")\\200\\011\\003" > "$corpus/edit-$piece"
      done
      printf '\001\002\044\001\001\000\001' > "$corpus/replace"
      printf '\377\005\000\306\346\231\256\346\263\225' > "$corpus/typed"
      ;;
    search_meta)
      printf '%s' '{"format":1,"docs":5,"buckets":1,"card_block":10,"bytes":40000,"files":30,"years":[2026,2024,2022,2020,2019]}' > "$corpus/fixed"
      printf '%s' '{"format":1,"docs":50000000,"buckets":16777216,"card_block":10000,"bytes":0,"files":0,"years":[]}' > "$corpus/largest"
      printf '%s' '{"format":2,"docs":0,"buckets":0,"card_block":0,"bytes":18446744073709551615,"files":4294967295,"years":[-262144]}' > "$corpus/zeros"
      ;;
    cms_page)
      cp $fixtures/import/pages/* $fixtures/import/broken/* "$corpus/"
      # The GBK pages' UTF-8 sources too.
      for f in $fixtures/import/gbk-src/*.html $fixtures/import/gbk-src/*.shtml; do
        cp "$f" "$corpus/utf8-$(basename "$f")"
      done
      ;;
    docx)
      # A small Word file (fuzz/seeds/word.docx: the parts below, deflated);
      # then byte 0 + a part, for the zip built in memory.
      cp seeds/word.docx "$corpus/word.docx"
      { printf '\000'; cat seeds/docx-document.xml; } > "$corpus/document.xml"
      { printf '\000'; unzip -p $fixtures/import/word/bulletin.docx word/document.xml; } > "$corpus/fixture-document.xml"
      { printf '\005'; cat seeds/docx-styles.xml; } > "$corpus/styles.xml"
      { printf '\006'; cat seeds/docx-numbering.xml; } > "$corpus/numbering.xml"
      { printf '\007'; unzip -p seeds/word.docx word/_rels/document.xml.rels; } > "$corpus/rels.xml"
      ;;
    *) echo "unknown target $target" >&2; exit 2 ;;
  esac
fi
case $target in
  json_decode) dict=dict/json.dict ;;
  bulletin_file | markdown | site_toml) dict=dict/content.dict ;;
  query) dict=dict/query.dict ;;
  search_pieces | search_meta) dict=dict/pieces.dict ;;
  cms_page) dict=dict/cms.dict ;;
  docx) dict=dict/docx.dict ;;
esac
# The code under test is safe Rust (no `unsafe` in pufa-core or pufa-cli),
# so by default no sanitizer: about 3x the inputs per second. Set
# FUZZ_SANITIZER=address to run under ASan. Optimised, but with debug
# assertions and overflow checks (-a): an arithmetic overflow is a panic in
# a debug build and CI, so it is one here too (FUZZ_ASSERTIONS=0 leaves
# them out). Inputs are capped at 16 KiB (the seeds include an 80 KB file)
# unless -max_len is given.
assertions=(-a)
[ "${FUZZ_ASSERTIONS:-1}" = 0 ] && assertions=()
exec cargo fuzz run -O "${assertions[@]}" -s "${FUZZ_SANITIZER:-none}" "$target" "$corpus" -- \
  -dict="$dict" -max_len=16384 "$@"

#!/usr/bin/env bash
# Load benchmark of pufa-counter, the check behind docs/counter.md's
# figures: builds the service and the load tool in release mode, then for
# each run starts the service on a fresh temporary database, sends views
# from 64 concurrent clients for 10 s, stops the service gracefully and
# prints the figures; with several runs it ends with their median.
#
#   crates/counter/bench.sh                 # 3 runs of 10 s, 64 clients
#   BENCH_RUNS=1 BENCH_SECONDS=5 crates/counter/bench.sh
#   BENCH_REDIS=redis://127.0.0.1:6379/15 crates/counter/bench.sh
#
# With BENCH_REDIS the service counts into that Redis (--redis) instead of a
# fresh SQLite file. The figures are differences of the stored totals, so
# counts already in the hash do not matter, but the runs add to them: use a
# throwaway server or database number.
#
# The service gets --trust-proxy (the load tool sends a fresh
# X-Forwarded-For address with every request so the repeat-view window does
# not swallow the views) and a rate limit far above the load.
set -euo pipefail
cd "$(dirname "$0")/../.."

runs=${BENCH_RUNS:-3}
seconds=${BENCH_SECONDS:-10}
clients=${BENCH_CLIENTS:-64}
data=${BENCH_DATA:-tests/fixtures/json/bulletins.json}
redis=${BENCH_REDIS:-}
target=${CARGO_TARGET_DIR:-target}

# The workspace's release profile is tuned for the smallest wasm (opt-level
# "z", fat LTO). The service is nearly as fast built that way, but the load
# tool is not: it became the bottleneck and halved the figures. These
# override the profile for this build only.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=3
export CARGO_PROFILE_RELEASE_LTO=thin
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
echo "building (release) ..." >&2
cargo build --quiet --release -p pufa-counter --bin pufa-counter --example counter-load
service="$target/release/pufa-counter"
load="$target/release/examples/counter-load"

work=$(mktemp -d)
pid=
cleanup() {
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

results=()
for run in $(seq 1 "$runs"); do
    rm -f "$work"/bench.sqlite3* "$work/stdout"
    if [[ -n $redis ]]; then
        storage=(--redis "$redis")
    else
        storage=(--db "$work/bench.sqlite3")
    fi
    "$service" --listen 127.0.0.1:0 "${storage[@]}" --data "$data" \
        --trust-proxy --rate 1000000 --burst 1000000 \
        >"$work/stdout" 2>"$work/service.log" &
    pid=$!
    url=
    for _ in $(seq 1 300); do
        url=$(sed -n 's/^pufa-counter listening on //p' "$work/stdout")
        [[ -n $url ]] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if [[ -z $url ]]; then
        echo "the service did not start:" >&2
        cat "$work/service.log" >&2
        exit 1
    fi

    echo "== run $run of $runs: $clients clients, ${seconds}s, $url" >&2
    out=$("$load" --url "$url" --data "$data" --clients "$clients" --seconds "$seconds")
    echo "$out" | grep -v '^RESULT'
    results+=("$(echo "$out" | grep '^RESULT')")

    kill -TERM "$pid"
    wait "$pid"
    pid=
    grep 'views committed' "$work/service.log" || true
done

# Median of each figure over the runs (for 3 runs: the middle value).
median() {
    local key=$1
    printf '%s\n' "${results[@]}" |
        sed -n "s/.* $key=\([0-9.]*\).*/\1/p" | sort -g |
        awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
echo
echo "median of $runs runs ($clients clients, ${seconds}s each, $(nproc) CPUs):"
echo "  requests/s       $(median rps)"
echo "  counted views/s  $(median views_per_s)"
echo "  p50 latency ms   $(median p50_ms)"
echo "  p99 latency ms   $(median p99_ms)"

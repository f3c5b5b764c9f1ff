#!/usr/bin/env bash
# Load benchmark of pufa-counter, the check behind docs/counter.md's
# figures. It builds the service and the load tool with
# `cargo build --release -p pufa-counter` (the build operators deploy; the
# counter's own settings in the root Cargo.toml's [profile.release.package.*]
# make it the fast one), then for each storage and each run: starts the
# service on fresh storage, sends views from 64 concurrent clients for 10 s,
# then drives a bare axum handler of the same route (the ceiling: what this
# machine can do for the route when nothing is stored) the same way, stops
# the service gracefully and prints both; it ends with the medians.
#
#   crates/counter/bench.sh                        # SQLite and Redis, 3 runs of 10 s
#   BENCH_STORAGE=sqlite BENCH_RUNS=1 BENCH_SECONDS=5 crates/counter/bench.sh
#   BENCH_REDIS=redis://127.0.0.1:6379/15 BENCH_STORAGE=redis crates/counter/bench.sh
#   BENCH_MILLION=1 crates/counter/bench.sh        # peak RSS under 1,000,000 clients
#   BENCH_BIN=/tmp/old crates/counter/bench.sh     # no build: run /tmp/old/pufa-counter
#                                                  # and /tmp/old/counter-load (A/B runs)
#   BENCH_REDIS_ALONE=1 crates/counter/bench.sh    # redis-server alone (redis-benchmark)
#
# Redis: unless BENCH_REDIS names a server, the script starts its own
# `redis-server` on a free port of 127.0.0.1 in a temporary directory, with
# `appendonly yes` and `appendfsync always` (every acknowledged view is on
# disk, as with SQLite), and stops it at the end. Figures are differences of
# the stored totals, so counts already in a BENCH_REDIS hash do not matter,
# but the runs add to them: use a throwaway server or database number.
#
# BENCH_MILLION=1 runs once with SQLite instead: 1,000,000 requests, each
# from a distinct client address, with the default --dedupe-capacity
# (200,000, so the repeat-view table is full most of the run), and prints
# the service's peak resident memory (VmHWM from /proc) before it stops.
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
storages=${BENCH_STORAGE:-sqlite redis}
redis_url=${BENCH_REDIS:-}
million=${BENCH_MILLION:-}
redis_alone=${BENCH_REDIS_ALONE:-}
target=${CARGO_TARGET_DIR:-target}
bin=${BENCH_BIN:-}

if [[ -n $bin ]]; then
    service="$bin/pufa-counter"
    load="$bin/counter-load"
else
    echo "building: cargo build --release -p pufa-counter ..." >&2
    cargo build --quiet --locked --release -p pufa-counter --bin pufa-counter --example counter-load
    service="$target/release/pufa-counter"
    load="$target/release/examples/counter-load"
fi

work=$(mktemp -d)
pid=
redis_pid=
cleanup() {
    for p in $pid $redis_pid; do
        if kill -0 "$p" 2>/dev/null; then
            kill "$p" 2>/dev/null || true
            wait "$p" 2>/dev/null || true
        fi
    done
    rm -rf "$work"
}
trap cleanup EXIT

# Starts redis-server with appendfsync always on a free port; sets redis_url.
start_redis() {
    command -v redis-server >/dev/null || {
        echo "redis-server is not on PATH (Debian package redis-server)" >&2
        exit 1
    }
    mkdir -p "$work/redis"
    for _ in $(seq 1 20); do
        local port=$((20000 + RANDOM % 40000))
        # Taken when something answers there.
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
        redis-server --bind 127.0.0.1 --port "$port" --dir "$work/redis" \
            --save '' --appendonly yes --appendfsync always \
            >"$work/redis/log" 2>&1 &
        redis_pid=$!
        for _ in $(seq 1 100); do
            if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then
                redis_url="redis://127.0.0.1:$port/0"
                echo "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on port $port, appendfsync always" >&2
                return
            fi
            kill -0 "$redis_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill "$redis_pid" 2>/dev/null || true
        wait "$redis_pid" 2>/dev/null || true
        redis_pid=
    done
    echo "could not start redis-server:" >&2
    cat "$work/redis/log" >&2
    exit 1
}

# Starts the service on the given storage; sets pid and url.
start_service() {
    local storage=$1
    shift
    rm -f "$work"/bench.sqlite3* "$work/stdout"
    local args
    if [[ $storage == redis ]]; then
        args=(--redis "$redis_url")
    else
        args=(--db "$work/bench.sqlite3")
    fi
    "$service" --listen 127.0.0.1:0 "${args[@]}" --data "$data" \
        --trust-proxy --rate 1000000 --burst 1000000 "$@" \
        >"$work/stdout" 2>"$work/service.log" &
    pid=$!
    url=
    for _ in $(seq 1 300); do
        # The file may not exist yet: the shell that creates it runs in
        # the background.
        url=$(sed -n 's/^pufa-counter listening on //p' "$work/stdout" 2>/dev/null || true)
        [[ -n $url ]] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if [[ -z $url ]]; then
        echo "the service did not start:" >&2
        cat "$work/service.log" >&2
        exit 1
    fi
}

stop_service() {
    kill -TERM "$pid"
    wait "$pid"
    pid=
    grep 'views committed' "$work/service.log" || true
}

# What redis-server alone does on this machine with appendfsync always,
# with as many connections as the load tool has clients, one request per
# round trip and pipelined: plain SET and INCR of fresh keys, then the
# service's own script for a counted view (rate-limit bucket, repeat-view
# mark, HINCRBY) with a fresh client each time. No HTTP, no service.
if [[ -n $redis_alone ]]; then
    "$load" --fsync-probe "$work"
    [[ -n $redis_url ]] || start_redis
    port=${redis_url##*:}
    port=${port%%/*}
    sha=$(redis-cli -p "$port" SCRIPT LOAD "$("$load" --print-redis-script)")
    for pipeline in 1 4 16; do
        echo "== redis-benchmark -c $clients -P $pipeline (appendfsync always)" >&2
        redis-benchmark -p "$port" -c "$clients" -n 300000 -P "$pipeline" -r 100000000 -q \
            -t set,incr 2>/dev/null | tr '\r' '\n' | grep 'requests per second' || true
        redis-benchmark -p "$port" -c "$clients" -n 300000 -P "$pipeline" -r 100000000 -q \
            EVALSHA "$sha" 3 pufa:rate:__rand_int__ pufa:views pufa:seen:__rand_int__ \
            1000000 1000000 count 1800000 alpha 2>/dev/null | tr '\r' '\n' |
            grep 'requests per second' | sed 's/^EVALSHA.*: \([0-9.]* requests per second\)/the view script: \1/' || true
    done
    redis-cli -p "$port" INFO persistence | grep -E 'aof_rewrites|rdb_saves|aof_current_size' || true
    exit 0
fi

if [[ -n $million ]]; then
    start_service sqlite
    echo "== 1,000,000 distinct clients, SQLite, $url" >&2
    echo "service RSS at start: $(sed -n 's/^VmRSS:[[:space:]]*//p' "/proc/$pid/status")"
    "$load" --url "$url" --data "$data" --clients "$clients" --seconds 300 --requests 1000000 |
        grep -v '^RESULT'
    echo "service peak RSS: $(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$pid/status")" \
        "(now $(sed -n 's/^VmRSS:[[:space:]]*//p' "/proc/$pid/status"))"
    stop_service
    exit 0
fi

# Median of one figure over lines like "RESULT a=1 b=2" (for 3 runs: the
# middle value).
median() {
    local key=$1
    sed -n "s/.* $key=\([0-9.]*\).*/\1/p" | sort -g |
        awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

summary=()
for storage in $storages; do
    if [[ $storage == redis && -z $redis_url ]]; then
        start_redis
    fi
    results=()
    for run in $(seq 1 "$runs"); do
        start_service "$storage"
        echo "== $storage, run $run of $runs: $clients clients, ${seconds}s, $url" >&2
        out=$("$load" --url "$url" --data "$data" --clients "$clients" --seconds "$seconds" --ceiling)
        echo "$out" | grep -v '^RESULT\|^CEILING'
        results+=("$(echo "$out" | grep '^RESULT') $(echo "$out" | grep '^CEILING' | sed 's/ \([a-z0-9_]*=\)/ bare_\1/g')")
        stop_service
    done
    all=$(printf '%s\n' "${results[@]}")
    summary+=("$(
        echo
        echo "$storage: median of $runs runs ($clients clients, ${seconds}s each, $(nproc) CPUs):"
        echo "  service: requests/s $(median rps <<<"$all"), counted views/s $(median views_per_s <<<"$all"), p50 $(median p50_ms <<<"$all") ms, p99 $(median p99_ms <<<"$all") ms"
        echo "  bare:    requests/s $(median bare_rps <<<"$all"), p50 $(median bare_p50_ms <<<"$all") ms, p99 $(median bare_p99_ms <<<"$all") ms"
        echo "  counted views/s / bare requests/s: $(median bare_ratio <<<"$all") (median of the per-run ratios)"
    )")
done
printf '%s\n' "${summary[@]}"

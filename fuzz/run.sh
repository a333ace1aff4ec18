#!/bin/sh
# Builds the fuzz targets with clang, seeds them from the shared data and
# runs each for SECONDS (default 60). A crash fails the run and leaves its
# input in build-fuzz/. usage: fuzz/run.sh [SECONDS] [DATA_DIR]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
data=${2:-"$top/../shared/data"}
build="$top/build-fuzz"
CC=clang cmake -S "$top" -B "$build" -DFLOWSWARM_FUZZ=ON \
    -DFLOWSWARM_SANITIZE=address,undefined -DFLOWSWARM_TESTS=OFF \
    -DFLOWSWARM_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz_decode fuzz_pcap fuzz_flowtools fuzz_reorder \
    fuzz_bpfexpr fuzz_netflow fuzz_sflow fuzz_filter fuzz_names
if [ -d "$data" ]; then
    python3 "$top/fuzz/make_corpus.py" "$data" "$build/seeds"
else
    echo "fuzz: no shared data at $data; starting from empty corpora"
fi
status=0
for t in fuzz_decode fuzz_pcap fuzz_flowtools fuzz_reorder fuzz_bpfexpr fuzz_netflow fuzz_sflow \
    fuzz_filter fuzz_names; do
    mkdir -p "$build/corpus/$t" "$build/seeds/$t"
    log="$build/$t.log"
    echo "== $t, $secs s"
    if (cd "$build" && UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "fuzz/$t" -max_total_time="$secs" -print_final_stats=1 -rss_limit_mb=2048 \
        -timeout=20 "corpus/$t" "seeds/$t" >"$log" 2>&1); then
        grep -E '^(Done|stat::(number_of_executed_units|average_exec_per_sec|new_units_added))' "$log"
        grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1
    else
        tail -40 "$log"
        echo "fuzz: $t found a failure; its input is in $build"
        status=1
    fi
done
exit $status

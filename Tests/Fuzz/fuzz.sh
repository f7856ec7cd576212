#!/usr/bin/env bash
# make fuzz [SECONDS=N] [JOBS=J] [HARNESSES="PNG Pth"]: builds the libFuzzer harnesses of
# Tests/Fuzz (debug, so Swift's overflow and bounds checks trap; AddressSanitizer and
# LeakSanitizer on) and runs each for N seconds, J at a time, from its committed seeds and the
# corpus it grew on earlier runs. A crash, a hang over 10 s, a leak, a sanitizer report or more
# than 2 GB of memory stops that harness and leaves the input in .build/fuzz-findings; the
# summary says how many inputs each ran. Exits 1 if any found something.
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60} jobs=${2:-2}
harnesses=${3:-$(cd Tests/Fuzz && for d in */; do [ -f "$d/Fuzz${d%/}.swift" ] && echo "${d%/}"; done)}
scratch=.build/fuzz corpora=.build/fuzz-corpus findings=.build/fuzz-findings logs=.build/fuzz-logs
mkdir -p "$corpora" "$findings" "$logs"

# Separate flags would keep only the last sanitizer, so Swift gets them as one; --sanitize=fuzzer
# makes the package manager leave main to libFuzzer.
build=(env MAEX_FUZZ=1 swift build --scratch-path "$scratch" --sanitize=fuzzer
       -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address)
for h in $harnesses; do
    echo "building Fuzz$h"
    "${build[@]}" --product "Fuzz$h" 2>&1 | grep -E "error|warning: [^C]" ; [ "${PIPESTATUS[0]}" = 0 ] || exit 1
done
bin=$("${build[@]}" --show-bin-path)

run() {
    local h=$1
    mkdir -p "$corpora/$h"
    # Crashes go to libFuzzer's own handler at once, not to Swift's interactive backtracer.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=1 "$bin/Fuzz$h" "$corpora/$h" "Tests/Fuzz/Seeds/$h" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$findings/$h-" > "$logs/$h.log" 2>&1
    echo "$?" > "$logs/$h.status"
}
echo "fuzzing $(echo $harnesses | wc -w) harnesses for $seconds s each, $jobs at a time (logs in $logs)"
running=0
for h in $harnesses; do
    run "$h" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait

failed=0
printf '%-18s %12s %9s %6s  %s\n' harness inputs "inputs/s" edges result
for h in $harnesses; do
    log="$logs/$h.log"
    runs=$(grep -o 'stat::number_of_executed_units:[[:space:]]*[0-9]*' "$log" | grep -o '[0-9]*$')
    rate=$(grep -o 'stat::average_exec_per_sec:[[:space:]]*[0-9]*' "$log" | grep -o '[0-9]*$')
    edges=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
    if [ "$(cat "$logs/$h.status")" = 0 ]; then result=clean; else
        result="FOUND: $(grep -m1 -o -E 'ERROR: [A-Za-z]+: [^ ]+( [^ ]+)?|Fatal error: .*|deadly signal|timeout|out-of-memory' "$log" | head -1) (see $log)"
        failed=1
    fi
    printf '%-18s %12s %9s %6s  %s\n' "$h" "${runs:-?}" "${rate:-?}" "${edges:-?}" "$result"
done
exit $failed

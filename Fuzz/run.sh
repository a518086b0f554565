#!/usr/bin/env bash
# Builds the libFuzzer targets (with address sanitizer) and runs each for a set time.
#
#   Fuzz/run.sh [--time SECONDS] [--jobs N] [TARGET...]     TARGET: json spec recordings junit (default: all)
#
# Seed corpora come from the test fixtures; what the fuzzers add is kept in .build-fuzz/corpus/<target>
# (reused by the next run). A crash, leak-free hang (-timeout) or out-of-memory input is written to
# .build-fuzz/artifacts/<target>/ and the script exits 1. Figures (executions, coverage) are printed per target.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
jobs=1
targets=()
while (($#)); do
    case "$1" in
        --time) seconds="$2"; shift 2 ;;
        --jobs) jobs="$2"; shift 2 ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        json|spec|recordings|junit) targets+=("$1"); shift ;;
        *) echo "Fuzz/run.sh: unknown argument '$1' (targets: json spec recordings junit)" >&2; exit 64 ;;
    esac
done
((${#targets[@]})) || targets=(json spec recordings junit)

scratch=.build-fuzz
product() {
    case "$1" in json) echo FuzzJSON ;; spec) echo FuzzSpec ;; recordings) echo FuzzRecordings ;; junit) echo FuzzJUnit ;; esac
}
max_len() {
    case "$1" in recordings) echo 65536 ;; *) echo 16384 ;; esac
}

# Seeds: every fixture a reader of that kind should see, prefixed by the selector byte the target reads first.
seed() { # target selector file
    local dir="$scratch/corpus/$1" name
    name="seed-$(printf '%02x' "$2")-$(basename "$3")"
    mkdir -p "$dir"
    { printf "\\x$(printf '%02x' "$2")"; cat "$3"; } > "$dir/$name"
}
make_seeds() {
    local f
    case "$1" in
        json)
            for f in Tests/ConformanceTests/Fixtures/*.json Tests/CLITests/Fixtures/status-*.json; do
                seed json 0 "$f"; seed json 2 "$f"
            done
            for f in Tests/ConformanceTests/Fixtures/error-401.json; do seed json 5 "$f"; done ;;
        spec)
            for f in specs/crewai-amp.yaml Tests/SpecLoaderTests/Fixtures/*.yaml Tests/ConformanceTests/Fixtures/*.yaml \
                     Tests/YAMLReaderTests/Fixtures/*.yaml; do seed spec 0 "$f"; done
            for f in Tests/SpecLoaderTests/Fixtures/*.json; do seed spec 1 "$f"; done
            for f in Tests/SpecLoaderTests/Fixtures/mintlify/*; do seed spec 2 "$f"; done ;;
        recordings)
            for f in Tests/RecordingsTests/Fixtures/*.har Tests/RecordingsTests/Fixtures/firefox-export.json; do seed recordings 0 "$f"; done
            for f in Tests/RecordingsTests/Fixtures/*.jsonl; do seed recordings 1 "$f"; done
            for f in Tests/RecordingsTests/Fixtures/*vcr*.yaml; do seed recordings 2 "$f"; done ;;
        junit)
            for f in Tests/ReportsTests/Fixtures/junit/*.xml; do
                mkdir -p "$scratch/corpus/junit"; cp "$f" "$scratch/corpus/junit/seed-$(basename "$f")"
            done ;;
    esac
}

for target in "${targets[@]}"; do
    echo "== building $(product "$target")"
    CONFORM_FUZZ=1 swift build -c release --scratch-path "$scratch" --product "$(product "$target")" \
        -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address \
        -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld 2>&1 | grep -v '^\[' || true
    [[ -x "$scratch/release/$(product "$target")" ]] || { echo "Fuzz/run.sh: build of $(product "$target") failed" >&2; exit 1; }
done

status=0
summary=()
for target in "${targets[@]}"; do
    make_seeds "$target"
    mkdir -p "$scratch/artifacts/$target" "$scratch/logs"
    log="$scratch/logs/$target.log"
    echo "== fuzzing $target for ${seconds}s (log: $log)"
    parallel=()
    ((jobs > 1)) && parallel=(-jobs="$jobs" -workers="$jobs")
    # Swift's runtime keeps metadata caches and globals for the life of the process, which LeakSanitizer
    # reports at exit: leak checks are off.
    set +e
    ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}" "$scratch/release/$(product "$target")" "$scratch/corpus/$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$target")" \
        -detect_leaks=0 -print_final_stats=1 "${parallel[@]}" \
        -artifact_prefix="$scratch/artifacts/$target/" > "$log" 2>&1
    rc=$?
    set -e
    output=$(cat "$log" fuzz-*.log 2>/dev/null || true)
    runs=$(awk '/stat::number_of_executed_units/ {s+=$2} END {print s+0}' <<<"$output")
    cov=$(grep -o 'cov: [0-9]*' <<<"$output" | awk '{if ($2>m) m=$2} END {print m+0}')
    feat=$(grep -o 'ft: [0-9]*' <<<"$output" | awk '{if ($2>m) m=$2} END {print m+0}')
    units=$(find "$scratch/corpus/$target" -type f | wc -l)
    mkdir -p "$scratch/artifacts/$target"
    found=$(find "$scratch/artifacts/$target" -type f | wc -l)
    rm -f fuzz-*.log
    summary+=("$(printf '%-11s %8ss %12s runs  cov %6s  ft %7s  corpus %6s  artifacts %s  exit %s' \
        "$target" "$seconds" "$runs" "$cov" "$feat" "$units" "$found" "$rc")")
    if ((rc != 0 || found > 0)); then status=1; fi
done
echo
printf '%s\n' "${summary[@]}"
exit "$status"

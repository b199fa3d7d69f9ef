#!/usr/bin/env bash
# ebranch's fuzzing on stable Rust with Debian's AFL++ (see fuzz/README.md).
#
#   fuzz/fuzz.sh build                 instrumented build of fuzz/ (prints nothing on success)
#   fuzz/fuzz.sh seed                  seed corpora in fuzz/work/in/TARGET
#   fuzz/fuzz.sh run TARGET SECONDS    fuzz one target (resumes fuzz/work/out/TARGET)
#   fuzz/fuzz.sh campaign SECONDS [TARGET...]
#                                      fuzz the targets (default: all) concurrently, each
#                                      for SECONDS, then print their stats
#   fuzz/fuzz.sh replay TARGET [PATH]  run the seeds, regressions and findings once
#   fuzz/fuzz.sh stats [TARGET]        executions, corpus, coverage, crashes, hangs
#   fuzz/fuzz.sh smoke [EXECS]         CI: build, seed, replay, then fuzz every target for
#                                      EXECS executions (default 8000) from a fixed RNG
#                                      seed in fuzz/work/smoke; fails on a finding and
#                                      prints it (base64) with the harness's message
#
# Environment: DATA (default ../shared/data next to the checkout), AFL_FLAGS (extra
# afl-fuzz options, e.g. "-c 0" for cmplog), FUZZ_NICE (default 19), FUZZ_BIN (the harness
# binary to run; default the build's), FUZZ_WORK (seeds, corpora and findings; default
# fuzz/work).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
work=${FUZZ_WORK:-$here/work}
triple=$(rustc -vV | sed -n "s/^host: //p")
# The cargo profile of the harness: release (full optimisation) for campaigns; smoke
# sets its own, quicker to build.
profile=release
bin_of() { echo "${FUZZ_BIN:-$here/target/$triple/$profile/ebranch-fuzz}"; }
bin=$(bin_of)
rt=/usr/lib/afl/afl-compiler-rt.o
data=${DATA:-$root/../shared/data}
nice=${FUZZ_NICE:-19}
# afl-fuzz's output directories (one per target); smoke uses its own.
out=$work/out

# The bounds (fuzz/src/bounds.rs holds the heap bound): 10 s per input.
timeout_ms=10000

# Quiet, unattended afl-fuzz that leaves the machine's settings alone.
export AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
    AFL_NO_UI=1 AFL_AUTORESUME=1 AFL_SKIP_CRASHES=1

targets() { "$bin" list | cut -d' ' -f1; }

build() {
    [ -f "$rt" ] || { echo "fuzz.sh: $rt missing: install Debian's afl++" >&2; exit 2; }
    # What cargo-afl does, with Debian's runtime: SanitizerCoverage edges (and comparison
    # hooks, for AFL++'s cmplog) on every crate, linked to afl-compiler-rt.o. `--target`
    # keeps build scripts and proc-macros uninstrumented.
    RUSTFLAGS="-C passes=sancov-module \
        -C llvm-args=-sanitizer-coverage-level=3 \
        -C llvm-args=-sanitizer-coverage-trace-pc-guard \
        -C llvm-args=-sanitizer-coverage-prune-blocks=0 \
        -C llvm-args=-sanitizer-coverage-trace-compares \
        -C link-arg=$rt --cfg fuzzing" \
    cargo build -q --profile "$profile" --manifest-path "$here/Cargo.toml" \
        --target $triple --target-dir "$here/target"
}

seed() {
    rm -rf "$work/seeds" "$work/in"
    "$bin" seed "$work/seeds" "$data" "$root/demo" >/dev/null
    for t in $(targets); do
        mkdir -p "$work/in/$t"
        for d in "$work/seeds/$t" "$here/seeds/$t" "$here/regressions/$t"; do
            [ -d "$d" ] && cp "$d"/* "$work/in/$t/" 2>/dev/null || true
        done
        [ -n "$(ls -A "$work/in/$t")" ] || printf '\0' >"$work/in/$t/empty"
    done
}

# How long afl-fuzz runs: by default a wall time (`run`, `campaign`); smoke sets a
# number of executions from a fixed seed instead, so that CI explores what a local
# smoke run explores.
budget=()

run() {
    local t=$1 seconds=$2 dict=() limit=(-V "$2")
    [ ${#budget[@]} -eq 0 ] || limit=("${budget[@]}")
    [ -f "$here/dict/$t.dict" ] && dict=(-x "$here/dict/$t.dict")
    mkdir -p "$out" "$work/tmp/$t"
    # -m none: the harness bounds memory itself (fuzz/src/bounds.rs: 1 GiB of heap,
    # 1.5 GiB of address space). -t: a hang is an input taking over 10 s.
    EBRANCH_FUZZ_TMP="$work/tmp/$t" nice -n "$nice" afl-fuzz -i "$work/in/$t" -o "$out/$t" \
        -m none -t $timeout_ms "${limit[@]}" "${dict[@]}" ${AFL_FLAGS:-} \
        -- "$bin" run "$t" >"$out/$t.log" 2>&1 || {
        echo "fuzz.sh: afl-fuzz failed on $t:" >&2
        tail -20 "$out/$t.log" >&2
        return 1
    }
    rm -rf "$work/tmp/$t"
}

campaign() {
    local seconds=$1; shift
    local list=("$@") pids=() failed=0
    [ ${#list[@]} -gt 0 ] || list=($(targets))
    for t in "${list[@]}"; do
        run "$t" "$seconds" &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || failed=1; done
    stats "${list[*]}"
    for t in "${list[@]}"; do findings "$t"; done
    return $failed
}

# Inputs that made afl-fuzz report a crash or a hang.
findings() {
    find "$out/$1" -path '*/crashes/id:*' -o -path '*/hangs/id:*' 2>/dev/null
}

stat_of() { sed -n "s/^$2 *: //p" "$1" | head -1; }

stats() {
    printf '%-11s %8s %11s %7s %7s %8s %6s %5s %5s\n' \
        target seconds execs exec/s corpus coverage edges crash hang
    for t in ${1:-$(targets)}; do
        local f
        for f in "$out/$t"/*/fuzzer_stats; do
            [ -f "$f" ] || continue
            printf '%-11s %8s %11s %7s %7s %8s %6s %5s %5s\n' "$t" \
                "$(stat_of "$f" run_time)" \
                "$(stat_of "$f" execs_done)" "$(stat_of "$f" execs_per_sec)" \
                "$(stat_of "$f" corpus_count)" "$(stat_of "$f" bitmap_cvg)" \
                "$(stat_of "$f" edges_found)" "$(stat_of "$f" saved_crashes)" \
                "$(stat_of "$f" saved_hangs)"
        done
    done
}

replay() {
    local t=$1; shift
    local paths=("$@")
    if [ ${#paths[@]} -eq 0 ]; then
        for d in "$work/in/$t" "$here/regressions/$t" "$out/$t"/*/queue \
            "$out/$t"/*/crashes "$out/$t"/*/hangs; do
            [ -d "$d" ] && [ -n "$(ls -A "$d" 2>/dev/null)" ] && paths+=("$d")
        done
    fi
    EBRANCH_FUZZ_TMP=${TMPDIR:-/tmp} "$bin" replay "$t" "${paths[@]}"
}

# A finding, reproducibly: the harness's own message, then the input in base64.
show() {
    local t=$1 f=$2
    echo "fuzz.sh: $t: afl-fuzz found $f:" >&2
    EBRANCH_FUZZ_TMP=${TMPDIR:-/tmp} "$bin" replay "$t" "$f" 2>&1 | tail -5 >&2 || true
    echo "fuzz.sh: the input ($(wc -c <"$f") bytes, base64; decode with base64 -d):" >&2
    head -c 65536 "$f" | base64 >&2
}

smoke() {
    local execs=${1:-8000}
    profile=smoke
    bin=$(bin_of)
    build
    seed
    local list=($(targets))
    budget=(-s 1 -E "$execs")
    out=$work/smoke
    rm -rf "$out"
    local failed=0
    for t in "${list[@]}"; do
        replay "$t" "$work/in/$t" >/dev/null || { echo "fuzz.sh: a seed or regression of $t fails" >&2; failed=1; }
        run "$t" 0 || failed=1
        local f
        for f in $(findings "$t"); do
            show "$t" "$f"
            failed=1
        done
    done
    stats
    return $failed
}

case "${1:-}" in
    build) build ;;
    seed) seed ;;
    run) [ $# -eq 3 ] || { echo "usage: fuzz.sh run TARGET SECONDS" >&2; exit 2; }; run "$2" "$3" ;;
    replay) [ $# -ge 2 ] || { echo "usage: fuzz.sh replay TARGET [PATH...]" >&2; exit 2; }; shift; replay "$@" ;;
    campaign) [ $# -ge 2 ] || { echo "usage: fuzz.sh campaign SECONDS [TARGET...]" >&2; exit 2; }; shift; campaign "$@" ;;
    stats) stats "${2:-}" ;;
    smoke) smoke "${2:-8000}" ;;
    *) sed -n '2,18p' "$0" >&2; exit 2 ;;
esac

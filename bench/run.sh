#!/usr/bin/env bash
# The benchmark harness: builds the release binary, generates the pack sets
# (tests/it/bench_packs.rs) and measures the targets listed in BENCHMARKS.md, printing one
# table of medians and ratios. From a fresh clone:
#
#     bash bench/run.sh
#
# Environment (all optional):
#   CARGO_TARGET_DIR   where cargo builds (default: <repo>/target)
#   BENCH_PACKS_DIR    where the pack sets go (default: $CARGO_TARGET_DIR/bench-packs)
#   BENCH_OUT          state folders, raw hyperfine JSON, results (default: $CARGO_TARGET_DIR/bench-out)
#   BENCH_RUNS         hyperfine runs for the fast commands (default 10; slow ones use fewer)
#   BENCH_SKIP_BUILD=1 use the binary and pack sets already there
#   BENCH_ONLY         space-separated sections to run: dryrun inproc cache parallel memory startup
#                      contract (default: all)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target}
packs=${BENCH_PACKS_DIR:-$CARGO_TARGET_DIR/bench-packs}
out=${BENCH_OUT:-$CARGO_TARGET_DIR/bench-out}
runs=${BENCH_RUNS:-10}
only=${BENCH_ONLY:-dryrun inproc cache parallel memory startup contract}
op=$CARGO_TARGET_DIR/release/greentic-operator
bench=$repo/bench

want() { [[ " $only " == *" $1 "* ]]; }
say() { printf '\n== %s (load average: %s)\n' "$*" "$(cut -d' ' -f1-3 /proc/loadavg)" >&2; }

# --- tools ---------------------------------------------------------------------------------------
need_apt=()
command -v hyperfine >/dev/null || need_apt+=(hyperfine)
[[ -x /usr/bin/time ]] || need_apt+=(time)
command -v python3 >/dev/null || need_apt+=(python3)
if ((${#need_apt[@]})); then
    echo "installing ${need_apt[*]} (apt-get)" >&2
    apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

mkdir -p "$out"
rm -f "$out"/*.json "$out"/*.txt
# The interpreter itself, not a version manager's shim script in front of it (pyenv's costs
# ~150 ms a start, which would be charged to the bare loop).
py=$(python3 -c 'import sys; print(sys.executable)')

# The compiled-component cache under $out, never the user's (section c gives each of its state
# folders a cache of its own, which it empties). The dev secrets store goes under $out too.
unset GREENTIC_TENANT GREENTIC_TEAM GREENTIC_ENV RUST_LOG GREENTIC_NO_CACHE
export GREENTIC_CACHE_DIR=$out/component-cache
export GREENTIC_DEV_SECRETS_PATH=$out/secrets/.dev.secrets.env

# --- build and generate ----------------------------------------------------------------------------
if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
    say "cargo build --release --locked"
    start=$(date +%s.%N)
    cargo build --release --locked
    end=$(date +%s.%N)
    python3 -c "print(f'{$end - $start:.1f}')" >"$out/build_seconds.txt"
    say "generating pack sets in $packs"
    start=$(date +%s.%N)
    BENCH_PACKS_DIR=$packs cargo test --release --locked --test it generate_bench_packs \
        -- --ignored --nocapture
    end=$(date +%s.%N)
    python3 -c "print(f'{$end - $start:.1f}')" >"$out/generate_seconds.txt"
fi
[[ -x $op ]] || { echo "no binary at $op" >&2; exit 1; }
du -sb "$packs"/* >"$out/pack_sets_bytes.txt"

hf() { # name, then hyperfine arguments
    local name=$1
    shift
    hyperfine --style basic --export-json "$out/$name.json" "$@" >&2
}

# --- a. dry-run scaling versus a bare zip loop ------------------------------------------------------
if want dryrun; then
    for n in 100 1000 10000; do
        say "a. dry-run over $n packs"
        r=$runs
        ((n == 10000)) && r=$(((runs + 1) / 2))
        # One checked run first: the plan must list every pack without errors.
        "$op" dev setup messaging --dry-run --project-root "$packs/plan-$n" --format json \
            >"$out/dryrun-$n.plan.json"
        hf "dryrun-$n" --warmup 1 --runs "$r" \
            -n "dry-run $n" "$op dev setup messaging --dry-run --project-root $packs/plan-$n" \
            -n "bare $n" "$py $bench/bare_manifest_loop.py $packs/plan-$n"
    done
fi

# --- b. one process for 50 flows versus a process per flow -------------------------------------------
if want inproc; then
    say "b. in-process 50 flows vs 50 processes"
    one="$op dev setup messaging --tenant acme --project-root $packs/inproc-50 --state-dir"
    args=(--prepare "rm -rf $out/state-inproc" -n "one process, 50 flows" "$one $out/state-inproc"
        --prepare "rm -rf $out/state-per-process" -n "50 processes"
        "bash $bench/process_per_flow.sh $op $packs/inproc-50 $out/state-per-process")
    # The same single process with its state on tmpfs: how much of a flow is disk I/O.
    tmpfs=/dev/shm/greentic-bench-state
    if [[ -d /dev/shm && -w /dev/shm ]]; then
        args+=(--prepare "rm -rf $tmpfs" -n "one process, 50 flows, state on tmpfs" "$one $tmpfs")
    fi
    hf inproc --warmup 1 --runs "$(((runs + 1) / 2))" "${args[@]}"
    rm -rf "$tmpfs"
fi

# --- c. compiled-component cache -------------------------------------------------------------------
if want cache; then
    say "c. component cache: first run, second run, after one component changed"
    s=$out/state-cache
    setup_cache() { echo "env GREENTIC_CACHE_DIR=$s/cache/components $op dev setup messaging --tenant acme --project-root $packs/$1 --state-dir $s"; }
    hf cache-cold --warmup 1 --runs "$runs" --prepare "rm -rf $s" -n "first run (empty cache)" "$(setup_cache cache-4)"
    rm -rf "$s"
    $(setup_cache cache-4) >/dev/null
    find "$s/cache/components" -type f | wc -l >"$out/cache-files-after-first.txt"
    hf cache-warm --warmup 1 --runs "$runs" -n "second run (same state dir)" "$(setup_cache cache-4)"
    hf cache-changed --warmup 1 --runs "$runs" \
        --prepare "rm -rf $s && $(setup_cache cache-4) >/dev/null" \
        -n "first run after 1 of 4 components changed" "$(setup_cache cache-4-v2)"
    find "$s/cache/components" -type f | wc -l >"$out/cache-files-after-change.txt"
    # The same with 32 components, where compiling outweighs the process's fixed costs.
    hf cache32-cold --warmup 1 --runs "$runs" --prepare "rm -rf $s" -n "first run, 32 components" "$(setup_cache cache-32)"
    hf cache32-warm --warmup 1 --runs "$runs" -n "second run, 32 components" "$(setup_cache cache-32)"
    # And with 4 components of realistic size (~320 KB of wasm each).
    r=$(((runs + 1) / 2))
    hf cachelarge-cold --warmup 1 --runs "$r" --prepare "rm -rf $s" -n "first run, 4 x 320 KB components" "$(setup_cache cache-4-large)"
    hf cachelarge-warm --warmup 1 --runs "$r" -n "second run, 4 x 320 KB components" "$(setup_cache cache-4-large)"
    # Where the cold run's time goes, flow by flow (the runner's own duration).
    rm -rf "$s"
    $(setup_cache cache-4) --format json >"$out/cache-cold-run.json"
    $(setup_cache cache-4) --format json >"$out/cache-warm-run.json"
fi

# --- d. parallel CPU-bound flows -------------------------------------------------------------------
if want parallel; then
    say "d. cpu-16 with --parallel 1, 2, 8"
    s=$out/state-cpu
    rm -rf "$s"
    cpu() { echo "$op dev setup messaging --tenant acme --project-root $packs/cpu-16 --state-dir $s --parallel $1"; }
    # One untimed run compiles the component into the cache and checks every flow passes.
    $(cpu 2) --format json >"$out/cpu-16-check.json"
    # Interleaved rounds (1 2 8, 1 2 8, ...): each round takes ~25 s, long enough for this
    # machine's speed to drift between hyperfine's blocks of runs.
    "$py" "$bench/interleave.py" "$out/parallel.json" 5 \
        "parallel 1" "$(cpu 1)" "parallel 2" "$(cpu 2)" "parallel 8" "$(cpu 8)"
fi

# --- e. peak memory: 500 flows versus 50 in one process -------------------------------------------
# Peak RSS depended on the length of the state folder's path under glibc's malloc (allocation
# sizes, so heap fragmentation): each count still runs with three state folders whose paths
# differ in length, three times each. The binary uses mimalloc (src/main.rs); the glibc and
# jemalloc experiments that led there are in BENCHMARKS.md.
if want memory; then
    say "e. peak RSS of 50 and 500 sequential flows"
    mem_dirs=("$out/m" "$out/state-mem" "$out/state-for-the-peak-memory-benchmark")
    for n in 50 500; do
        for v in 0 1 2; do
            for i in 1 2 3; do
                rm -rf "${mem_dirs[$v]}"
                /usr/bin/time -v -o "$out/time-v-$n-path$v-$i.txt" \
                    "$op" dev setup messaging --tenant acme --project-root "$packs/inproc-$n" \
                    --state-dir "${mem_dirs[$v]}" >/dev/null
            done
        done
    done
    rm -rf "${mem_dirs[@]}"
fi

# --- g. the provider contract's cost ----------------------------------------------------------------
# contract-8 and no-contract-8 are the same packs but for the provider extension. Each state folder
# is set up once untimed (its component cache filled), then the two alternate round by round.
if want contract; then
    say "g. setup with the provider contract vs without"
    contract() { echo "$op dev setup messaging --tenant acme --project-root $packs/$1 --state-dir $out/state-$1"; }
    rm -rf "$out/state-contract-8" "$out/state-no-contract-8"
    $(contract contract-8) --format json >"$out/contract-8-check.json"
    $(contract no-contract-8) >/dev/null
    "$py" "$bench/interleave.py" "$out/contract.json" $((runs * 4)) \
        "with the contract" "$(contract contract-8)" "without" "$(contract no-contract-8)"
fi

# --- f. start-up and size --------------------------------------------------------------------------
if want startup; then
    say "f. start-up"
    hf startup --warmup 3 --runs $((runs * 3)) -N \
        -n "help" "$op --help" \
        -n "dry-run, empty project" "$op dev setup messaging --dry-run --project-root $packs/empty"
fi
stat -c %s "$op" >"$out/binary_bytes.txt"
if command -v strip >/dev/null; then
    strip -o "$out/greentic-operator.stripped" "$op" && stat -c %s "$out/greentic-operator.stripped" >"$out/binary_stripped_bytes.txt"
    rm -f "$out/greentic-operator.stripped"
fi

# --- summary ---------------------------------------------------------------------------------------
{
    echo "nproc: $(nproc)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    free -h | sed -n 2p | awk '{print "memory: " $2 " total, " $7 " available"}'
    echo "rustc: $(rustc --version)"
    echo "hyperfine: $(hyperfine --version)"
    echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/machine.txt"
python3 "$bench/summarize.py" "$out" | tee "$out/results.md"

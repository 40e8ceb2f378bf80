#!/usr/bin/env bash
# Where the time and memory go, for the targets BENCHMARKS.md reports as missed. Run after
# bench/run.sh (it uses the binary and pack sets that left). Needs perf and strace (Debian:
# linux-perf, strace); heaptrack is used when present. Writes reports under $BENCH_OUT/profile.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target}
packs=${BENCH_PACKS_DIR:-$CARGO_TARGET_DIR/bench-packs}
out=${BENCH_OUT:-$CARGO_TARGET_DIR/bench-out}/profile
op=$CARGO_TARGET_DIR/release/greentic-operator
mkdir -p "$out"
rm -f "$out/rss-over-time.txt"
unset GREENTIC_CACHE_DIR RUST_LOG
export GREENTIC_DEV_SECRETS_PATH=$out/secrets/.dev.secrets.env
state=$out/state
setup() { "$op" dev setup messaging --tenant acme --project-root "$packs/$1" --state-dir "$state" "${@:2}" >/dev/null; }

# 1. A warm single-flow run (cache-4, cache filled): which code the ~25 ms go to. 30 runs, since
#    one is only ~100 samples. The binary has symbols but no frame pointers: flat profile.
rm -rf "$state"
setup cache-4
perf record -q -F 4999 -g -o "$out/warm.perf" -- \
    bash -c "for i in \$(seq 30); do $op dev setup messaging --tenant acme --project-root $packs/cache-4 --state-dir $state >/dev/null; done"
top() { # perf data file, report file: the 60 heaviest symbols, callees included
    perf report -i "$1" --children --sort sym --stdio -g none 2>/dev/null >"$2.full" || true
    grep -v '^#' "$2.full" | grep '%' | head -60 >"$2" || true
    rm -f "$2.full"
}
top "$out/warm.perf" "$out/warm-children.txt"
# The same run once with DWARF unwinding, to see who builds the HTTP client.
perf record -q -F 2000 --call-graph dwarf,16384 -o "$out/warm-dwarf.perf" -- \
    "$op" dev setup messaging --tenant acme --project-root "$packs/cache-4" --state-dir "$state" >/dev/null
perf script -i "$out/warm-dwarf.perf" 2>/dev/null >"$out/warm-dwarf.txt"

# 2. Syscalls of one process running one built-in flow, and of 50 flows in one process.
rm -rf "$state"
strace -f -c -o "$out/strace-one-flow.txt" "$op" dev setup messaging --tenant acme \
    --project-root "$packs/inproc-50" --state-dir "$state" --provider bench-inproc-0001 >/dev/null
rm -rf "$state"
strace -f -c -o "$out/strace-50-flows.txt" "$op" dev setup messaging --tenant acme \
    --project-root "$packs/inproc-50" --state-dir "$state" >/dev/null

# 3. Dry run over 1,000 packs: syscalls per pack, and the CPU profile at 10,000.
strace -c -o "$out/strace-dryrun-1000.txt" "$op" dev setup messaging --dry-run \
    --project-root "$packs/plan-1000" >/dev/null
perf record -q -F 499 --call-graph dwarf,8192 -o "$out/dryrun.perf" -- \
    "$op" dev setup messaging --dry-run --project-root "$packs/plan-10000" >/dev/null
top "$out/dryrun.perf" "$out/dryrun-children.txt"

# 4. Memory over 1,000 flows (plan-1000's setup_default): anonymous RSS every second, with
#    glibc's defaults and with its mmap threshold at 4 KiB (freed blocks returned at once), for
#    two state folders whose paths differ only in length (the growth depends on it).
for state_mem in "$out/m" "$out/state-for-the-peak-memory-benchmark"; do
    for tunables in "" "glibc.malloc.mmap_threshold=4096"; do
        rm -rf "$state_mem"
        GLIBC_TUNABLES=$tunables "$op" dev setup messaging --tenant acme \
            --project-root "$packs/plan-1000" --state-dir "$state_mem" >/dev/null &
        pid=$!
        samples=()
        while kill -0 "$pid" 2>/dev/null; do
            samples+=("$(awk '/RssAnon/{printf "%d", $2/1024}' "/proc/$pid/status" 2>/dev/null || true)")
            sleep 1
        done
        wait "$pid"
        echo "state $state_mem, GLIBC_TUNABLES='$tunables': RssAnon MiB each second: ${samples[*]}" \
            | tee -a "$out/rss-over-time.txt"
        rm -rf "$state_mem"
    done
done
if command -v heaptrack >/dev/null; then
    rm -rf "$state"
    heaptrack -o "$out/heaptrack-500" "$op" dev setup messaging --tenant acme \
        --project-root "$packs/inproc-500" --state-dir "$state" >/dev/null 2>&1 || true
    heaptrack_print -f "$out"/heaptrack-500.* >"$out/heaptrack-500.full" 2>/dev/null || true
    tail -8 "$out/heaptrack-500.full" >"$out/heaptrack-500.txt"
    rm -f "$out/heaptrack-500.full"
fi
rm -rf "$state"
echo "reports in $out" >&2
ls "$out" >&2

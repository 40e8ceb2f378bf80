#!/usr/bin/env python3
"""Median wall time of one `dev setup messaging` of a pack set, for two builds, in interleaved
rounds (the cost of copying each flow's runner files into its run folder through the redactor).

Usage: bench/run_copy.py OLD_BINARY NEW_BINARY PACK_SET_DIR [ROUNDS] [STATE_PARENT]
(PACK_SET_DIR: a project folder, e.g. a set written by tests/it/bench_packs.rs.)
"""
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def setup(binary, project, state):
    start = time.perf_counter()
    subprocess.run(
        [binary, "dev", "setup", "messaging", "--tenant", "acme", "--non-interactive",
         "--project-root", project, "--state-dir", state],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main():
    old, new, project = sys.argv[1], sys.argv[2], sys.argv[3]
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    parent = sys.argv[5] if len(sys.argv) > 5 else None
    times = {"old": [], "new": []}
    for _ in range(rounds):
        for name, binary in (("old", old), ("new", new)):
            state = tempfile.mkdtemp(dir=parent)
            times[name].append(setup(binary, project, state))
            shutil.rmtree(state)
    for name, values in times.items():
        print(name, " ".join(f"{v * 1000:.0f}ms" for v in values),
              f"median {statistics.median(values) * 1000:.0f}ms")
    print(f"new/old {statistics.median(times['new']) / statistics.median(times['old']):.2f}x")


if __name__ == "__main__":
    main()

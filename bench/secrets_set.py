#!/usr/bin/env python3
"""Median time of one `dev secrets set` into a store already holding 20 keys, for two builds.

Usage: bench/secrets_set.py OLD_BINARY NEW_BINARY [STATE_PARENT]
(STATE_PARENT: where the temporary projects go, e.g. /dev/shm for tmpfs.)
"""
import statistics
import subprocess
import sys
import tempfile
import time


def secrets_set(binary, root, key, value):
    subprocess.run(
        [binary, "dev", "secrets", "set", "messaging-slack", key, "--tenant", "acme"],
        cwd=root, input=(value + "\n").encode(), check=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def main():
    old, new = sys.argv[1], sys.argv[2]
    parent = sys.argv[3] if len(sys.argv) > 3 else None
    medians = {"old": [], "new": []}
    for _ in range(3):
        for name, binary in (("old", old), ("new", new)):
            root = tempfile.mkdtemp(dir=parent)
            for i in range(20):
                secrets_set(binary, root, f"seed_{i}", "v" * 40)
            times = []
            for i in range(40):
                start = time.perf_counter()
                secrets_set(binary, root, f"k_{i % 5}", "x" * 40)
                times.append(time.perf_counter() - start)
            medians[name].append(statistics.median(times))
    for name, values in medians.items():
        print(name, " ".join(f"{v * 1000:.1f}ms" for v in values))
    ratio = statistics.median(medians["new"]) / statistics.median(medians["old"])
    print(f"new/old {ratio:.2f}x")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Times slow commands in interleaved rounds (A B C, A B C, ...) instead of hyperfine's
A A A, B B B, so a machine whose speed drifts (shared cores) biases no command. Writes the same
JSON shape as `hyperfine --export-json` (results[].command, results[].times) so summarize.py
reads both.

usage: interleave.py OUT.json ROUNDS NAME CMD [NAME CMD ...]
Each CMD runs through `sh -c`, stdout discarded; a non-zero exit stops everything.
"""

import json
import statistics
import subprocess
import sys
import time


def main() -> int:
    out, rounds, rest = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    pairs = list(zip(rest[0::2], rest[1::2]))
    times = {name: [] for name, _ in pairs}
    for r in range(rounds):
        for name, cmd in pairs:
            start = time.perf_counter()
            subprocess.run(["sh", "-c", cmd], stdout=subprocess.DEVNULL, check=True)
            times[name].append(time.perf_counter() - start)
            print(f"round {r + 1}/{rounds} {name}: {times[name][-1]:.3f} s", file=sys.stderr)
    results = []
    for name, cmd in pairs:
        t = times[name]
        results.append({"command": name, "shell_command": cmd, "times": t,
                        "median": statistics.median(t), "mean": statistics.mean(t),
                        "min": min(t), "max": max(t)})
        print(f"{name}: median {statistics.median(t):.3f} s over {len(t)} rounds "
              f"(min {min(t):.3f}, max {max(t):.3f})", file=sys.stderr)
    with open(out, "w") as f:
        json.dump({"results": results}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())

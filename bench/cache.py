#!/usr/bin/env python3
"""First setup of a project with an empty compiled-component cache, against the same command
warm, against the first setup of a second project once the cache is warm: interleaved rounds
(cold, second, warm, cold, ...) so a machine whose speed drifts biases none. Wall time and the
CPU time of the operator (user + system) per command; nothing is timed but the command itself.

usage: cache.py BINARY PROJECT ANSWERS WORKDIR ROUNDS
PROJECT is copied for each new project (never changed); WORKDIR is emptied first.
"""

import os
import resource
import shutil
import statistics
import subprocess
import sys
import time


def timed(cmd, env, cwd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> int:
    binary, project, answers, work, rounds = sys.argv[1:6]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    cwd = os.path.join(work, "cwd")
    os.makedirs(cwd)
    shared_cache = os.path.join(work, "shared-cache")
    times = {"cold": [], "warm": [], "second": []}

    def setup(root, cache):
        env = dict(os.environ, GREENTIC_CACHE_DIR=cache)
        cmd = [binary, "dev", "setup", "messaging", "--tenant", "acme", "--non-interactive",
               "--answers", answers, "--project-root", root]
        return timed(cmd, env, cwd)

    # The warm project and the shared cache, set up once untimed.
    warm_root = os.path.join(work, "warm")
    shutil.copytree(project, warm_root)
    setup(warm_root, shared_cache)
    for r in range(int(rounds)):
        cold_root = os.path.join(work, f"cold-{r}")
        cold_cache = os.path.join(work, f"cold-cache-{r}")
        shutil.copytree(project, cold_root)
        times["cold"].append(setup(cold_root, cold_cache))
        second_root = os.path.join(work, f"second-{r}")
        shutil.copytree(project, second_root)
        times["second"].append(setup(second_root, shared_cache))
        times["warm"].append(setup(warm_root, shared_cache))
        for name in times:
            wall, cpu = times[name][-1]
            print(f"round {r + 1}/{rounds} {name}: {wall:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr)
        if os.listdir(cwd):
            print(f"the current folder was written: {os.listdir(cwd)}", file=sys.stderr)
            return 1
    med = {name: (statistics.median(w for w, _ in t), statistics.median(c for _, c in t))
           for name, t in times.items()}
    for name, (wall, cpu) in med.items():
        print(f"{name}: median {wall:.2f} s wall, {cpu:.2f} s CPU over {len(times[name])} rounds")
    print(f"cold / warm: {med['cold'][0] / med['warm'][0]:.2f}x wall, {med['cold'][1] / med['warm'][1]:.2f}x CPU")
    print(f"second / warm: {med['second'][0] / med['warm'][0]:.2f}x wall, {med['second'][1] / med['warm'][1]:.2f}x CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())

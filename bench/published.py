#!/usr/bin/env python3
"""The doctor on a project holding Greentic's published packs: its findings and how long it
takes, written into the README between the `published-doctor` markers, so the figures there
come from a run and never from hand.

usage: published.py OPERATOR PROJECT [--runs N] [--times] [--label TEXT] [--readme README.md]

OPERATOR  the binary (target/release/greentic-operator for times that mean anything)
PROJECT   a project folder with providers/messaging/*.gtpack (copied first: never written)
--times   also measure: the first run on a fresh copy, then the median of N more (default 10)
--label   what the project holds, as the README says it
--readme  rewrite the figures in this README (else only print them)
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def doctor(operator, project):
    started = time.perf_counter()
    done = subprocess.run(
        [operator, "dev", "doctor", "all", "--format", "json"],
        cwd=project,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": project},
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"the doctor failed ({done.returncode}): {done.stderr}")
    return json.loads(done.stdout), elapsed


def main():
    args = argparse.ArgumentParser()
    args.add_argument("operator")
    args.add_argument("project")
    args.add_argument("--runs", type=int, default=10)
    args.add_argument("--times", action="store_true")
    args.add_argument("--label", default="Greentic's eight published messaging packs")
    args.add_argument("--readme")
    opts = args.parse_args()
    operator = os.path.abspath(opts.operator)
    with tempfile.TemporaryDirectory() as scratch:
        project = f"{scratch}/project"
        shutil.copytree(opts.project, project)
        doc, first = doctor(operator, project)
        warm = [doctor(operator, project)[1] for _ in range(opts.runs)] if opts.times else []
    s = doc["summary"]
    counts = f"{doc['packs']} packs: {s['errors']} errors, {s['warnings']} warnings, {s['info']} info"
    text = f"`dev doctor all` on {opts.label}, no `--tenant`: {counts}"
    if opts.times:
        text += (
            f"; {first:.2f} s on a first run (a fresh copy), {statistics.median(warm):.2f} s after"
            f" (median of {opts.runs})"
        )
    text += " (`bench/published.py`)"
    print(text)
    if opts.readme:
        with open(opts.readme) as f:
            readme = f.read()
        block = re.compile(r"(<!-- published-doctor -->).*?(<!-- /published-doctor -->)", re.S)
        if not block.search(readme):
            sys.exit(f"{opts.readme} has no published-doctor markers")
        readme = block.sub(lambda m: f"{m.group(1)}{text}{m.group(2)}", readme)
        with open(opts.readme, "w") as f:
            f.write(readme)


main()

#!/usr/bin/env python3
"""How `ebranch plan` scales with one big cycle group (issue 8, finding 20).

  bench/plan_scale.py [--ebranch PATH] [--runs N] [SIZE ...]

For each SIZE (default 10000 20000 40000) it writes a report whose packages form one
strongly connected group: a ring (each package BuildRequires the next) plus SIZE/2 chords
between packages drawn with a fixed seed, then times `ebranch plan REPORT --format json`
and prints CPU seconds (user + sys, median of N runs), wall seconds and peak RSS. CPU time
is the figure to compare: wall time depends on what else the machine runs.
Build first: cargo build --release.
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def report(size):
    """A report of `size` packages in one cycle group."""
    rng = random.Random(1)
    name = lambda i: "p%06d" % i
    entries = {}
    for i in range(size):
        nxt = name((i + 1) % size)
        entries[name(i)] = {"build": {nxt: [nxt + "-devel"]}, "class": "new"}
    for _ in range(size // 2):
        a, b = rng.randrange(size), rng.randrange(size)
        entries[name(a)]["build"][name(b)] = [name(b) + "-devel"]
    return entries


def measure(argv):
    """(cpu seconds, wall seconds, peak RSS MiB) of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit("command failed: %s\n%s" % (" ".join(argv), err[-2000:]))
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ebranch", default=os.path.join(ROOT, "target", "release", "ebranch"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("sizes", nargs="*", type=int, default=[10000, 20000, 40000])
    args = parser.parse_args()
    print("| packages in the group | CPU (user+sys) | wall | peak RSS |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="ebranch-plan-scale-") as tmp:
        for size in args.sizes:
            path = os.path.join(tmp, "report-%d.json" % size)
            with open(path, "w") as f:
                json.dump(report(size), f)
            runs = [measure([args.ebranch, "plan", path, "--format", "json"])
                    for _ in range(args.runs)]
            cpu = statistics.median(r[0] for r in runs)
            wall = statistics.median(r[1] for r in runs)
            rss = statistics.median(r[2] for r in runs)
            print("| %d | %.2f s | %.2f s | %.0f MiB |" % (size, cpu, wall, rss))


if __name__ == "__main__":
    main()

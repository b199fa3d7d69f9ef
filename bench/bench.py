#!/usr/bin/env python3
"""Runs ebranch and libsolv (../shared/tools/solv_oracle.py) on the same data in one run and
prints wall time, peak memory and their ratios.

  bench/bench.py [--runs N] [--ebranch PATH] [repoclosure] [closure] [gap]

Wall time and peak RSS come from os.wait4 of each child process (median of N runs).
`cold` runs ebranch with an empty index cache; `warm` with the cache it left behind.
Build first: cargo build --release.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "data")
ORACLE = os.path.join(ROOT, "..", "shared", "tools", "solv_oracle.py")


def measure(argv):
    """(wall seconds, peak RSS MiB, exit code) of one run, output discarded."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit("command failed (%d): %s\n%s" % (code, " ".join(argv), err))
    return wall, usage.ru_maxrss / 1024.0, code


def median_of(runs, make_argv, before=None):
    walls, mems = [], []
    for _ in range(runs):
        if before:
            before()
        wall, mem, _ = measure(make_argv())
        walls.append(wall)
        mems.append(mem)
    return statistics.median(walls), statistics.median(mems)


def bench_repoclosure(ebranch, runs):
    src = os.path.join(DATA, "debian-rpmmd", "sid-src")
    binr = os.path.join(DATA, "debian-rpmmd", "bookworm-bin")
    cache = tempfile.mkdtemp(prefix="ebranch-bench-")

    def ours():
        return [ebranch, "repoclosure", "--repo", binr, "--check", src,
                "--arch", "x86_64", "--cache-dir", cache]

    def clear():
        shutil.rmtree(cache, ignore_errors=True)
        os.makedirs(cache)

    rows = []
    rows.append(("libsolv (solv_oracle.py direct)",)
                + median_of(runs, lambda: ["/usr/bin/python3", ORACLE, "direct", src, binr]))
    rows.append(("ebranch repoclosure, cold",) + median_of(runs, ours, before=clear))
    measure(ours())  # make sure the cache is populated
    rows.append(("ebranch repoclosure, warm",) + median_of(runs, ours))
    shutil.rmtree(cache, ignore_errors=True)
    return "repoclosure: sid-src (42,990 sources) vs bookworm-bin (63,440 binaries)", rows


def debian_universe_flags():
    d = os.path.join(DATA, "debian-rpmmd")
    return (os.path.join(d, "sid-bin"), os.path.join(d, "sid-src"), os.path.join(d, "bookworm-bin"))


def bench_closure(ebranch, runs, root="meson"):
    ref_bin, ref_src, target = debian_universe_flags()
    cache = tempfile.mkdtemp(prefix="ebranch-bench-")

    def ours():
        return [ebranch, "missing", root, "--ref-repo", ref_bin, "--ref-repo", ref_src,
                "--target-repo", target, "--format", "tsv", "--arch", "x86_64",
                "--cache-dir", cache]

    rows = [("libsolv (solv_oracle.py closure)",) + median_of(runs, lambda: [
        "/usr/bin/python3", ORACLE, "closure", "--ref-bin", ref_bin, "--ref-src", ref_src,
        "--target", target, root])]
    measure(ours())  # warm the cache
    rows.append(("ebranch missing, warm cache",) + median_of(runs, ours))
    shutil.rmtree(cache, ignore_errors=True)
    return "one-root closure (%s): sid (reference) to bookworm (target), install deps followed" % root, rows


def bench_gap(ebranch, runs):
    ref_bin, ref_src, target = debian_universe_flags()
    cache = tempfile.mkdtemp(prefix="ebranch-bench-")

    def ours():
        return [ebranch, "gap", "--ref-repo", ref_bin, "--ref-repo", ref_src,
                "--target-repo", target, "--format", "tsv", "--arch", "x86_64",
                "--cache-dir", cache]

    rows = [("libsolv, ONE root (solv_oracle.py closure meson)",) + median_of(runs, lambda: [
        "/usr/bin/python3", ORACLE, "closure", "--ref-bin", ref_bin, "--ref-src", ref_src,
        "--target", target, "meson"])]
    measure(ours())
    rows.append(("ebranch gap, ALL 41,653 sources, warm",) + median_of(runs, ours))
    shutil.rmtree(cache, ignore_errors=True)
    return "gap: every sid source's closure against bookworm", rows


def report(title, rows):
    base_wall, base_mem = rows[0][1], rows[0][2]
    print(title)
    print("  %-36s %9s %10s %11s %11s" % ("", "wall (s)", "peak MiB", "wall ratio", "mem ratio"))
    for name, wall, mem in rows:
        print("  %-36s %9.3f %10.1f %10.3fx %10.2fx" % (name, wall, mem, wall / base_wall, mem / base_mem))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--ebranch", default=os.path.join(ROOT, "target", "release", "ebranch"))
    ap.add_argument("which", nargs="*", default=["repoclosure", "closure", "gap"])
    args = ap.parse_args()
    if not os.path.exists(args.ebranch):
        sys.exit("build first: cargo build --release (looked for %s)" % args.ebranch)
    benches = {"repoclosure": bench_repoclosure, "closure": bench_closure, "gap": bench_gap}
    for name in args.which:
        report(*benches[name](args.ebranch, args.runs))
        print()


if __name__ == "__main__":
    main()

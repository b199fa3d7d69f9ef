#!/usr/bin/env python3
"""Runs ebranch and libsolv (../shared/tools/solv_oracle.py) on the same data in one run and
prints wall time, CPU time, peak memory and their ratios to libsolv, then the targets of
issue 12 as met or missed.

  bench/bench.py [--runs N] [--ebranch PATH] [--realtime] [repoclosure] [closure] [gap]

Wall time, CPU time (user + system) and peak RSS come from os.wait4 of each child process
(median of N runs). On a busy machine wall times stretch; the ratio of CPU times measured in
the same run stays close to the idle machine's wall ratio. `cold` runs ebranch with an empty
index cache; `warm` with the cache (parsed repositories and the pool image) it left behind.
On a shared machine, `--realtime` runs every measured command (ours and libsolv's) under
`chrt -f 50` (root or CAP_SYS_NICE): other work then cannot take the cores from it, so wall
times come out as on an idle machine. Build first: cargo build --release.
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


# Prefix of every measured command (see --realtime).
PREFIX = []


def measure(argv):
    """(wall seconds, cpu seconds, peak RSS MiB) of one run, output discarded."""
    argv = PREFIX + argv
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit("command failed (%d): %s\n%s" % (code, " ".join(argv), err))
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0


def median_of(runs, make_argv, before=None):
    samples = []
    for _ in range(runs):
        if before:
            before()
        samples.append(measure(make_argv()))
    return tuple(statistics.median(s[i] for s in samples) for i in range(3))


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


def bench_closure(ebranch, runs, roots=("meson", "drgn", "b4")):
    ref_bin, ref_src, target = debian_universe_flags()
    cache = tempfile.mkdtemp(prefix="ebranch-bench-")

    def ours(root):
        return lambda: [ebranch, "missing", root, "--ref-repo", ref_bin, "--ref-repo", ref_src,
                        "--target-repo", target, "--format", "tsv", "--arch", "x86_64",
                        "--cache-dir", cache]

    rows = [("libsolv (closure %s)" % roots[0],) + median_of(runs, lambda: [
        "/usr/bin/python3", ORACLE, "closure", "--ref-bin", ref_bin, "--ref-src", ref_src,
        "--target", target, roots[0]])]
    rows.append(("ebranch missing %s, cold" % roots[0],) + median_of(1, ours(roots[0])))
    for root in roots:
        rows.append(("ebranch missing %s, warm" % root,) + median_of(runs, ours(root)))
    shutil.rmtree(cache, ignore_errors=True)
    return ("one-root closure: sid (reference) to bookworm (target), install deps followed",
            rows)


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
    base_wall, base_cpu, base_mem = rows[0][1], rows[0][2], rows[0][3]
    print(title)
    print("  %-36s %8s %8s %9s %10s %9s %9s" % (
        "", "wall (s)", "cpu (s)", "peak MiB", "wall ratio", "cpu ratio", "mem ratio"))
    for name, wall, cpu, mem in rows:
        print("  %-36s %8.3f %8.3f %9.1f %9.3fx %8.3fx %8.2fx" % (
            name, wall, cpu, mem, wall / base_wall, cpu / base_cpu, mem / base_mem))


# Issue 12's targets: (benchmark, row name prefix, what is compared, limit).
TARGETS = [
    ("repoclosure", "ebranch repoclosure, warm", "wall ratio", 0.03),
    ("repoclosure", "ebranch repoclosure, cold", "wall ratio", 0.2),
    ("repoclosure", "ebranch repoclosure, cold", "mem ratio", 1.0),
    ("repoclosure", "ebranch repoclosure, warm", "mem ratio", 1.0),
    ("closure", "ebranch missing meson, warm", "wall s", 0.06),
    ("closure", "ebranch missing drgn, warm", "wall s", 0.06),
    ("closure", "ebranch missing b4, warm", "wall s", 0.06),
    ("gap", "ebranch gap", "wall s", 0.2),
]


def check_targets(results):
    print("targets (wall figures stretch on a busy machine unless --realtime is given)")
    for bench, prefix, what, limit in TARGETS:
        if bench not in results:
            continue
        rows = results[bench]
        base = rows[0]
        for name, wall, cpu, mem in rows[1:]:
            if not name.startswith(prefix):
                continue
            value = {"wall ratio": wall / base[1], "mem ratio": mem / base[3], "wall s": wall}[what]
            cpu_note = " (cpu ratio %.3f)" % (cpu / base[2]) if what == "wall ratio" else ""
            print("  %-30s %-10s %8.3f <= %-5g %s%s" % (
                name, what, value, limit, "met" if value <= limit else "MISSED", cpu_note))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--ebranch", default=os.path.join(ROOT, "target", "release", "ebranch"))
    ap.add_argument("--realtime", action="store_true",
                    help="run measured commands under chrt -f 50 (wall times as on an idle machine)")
    ap.add_argument("which", nargs="*", default=["repoclosure", "closure", "gap"])
    args = ap.parse_args()
    if not os.path.exists(args.ebranch):
        sys.exit("build first: cargo build --release (looked for %s)" % args.ebranch)
    if args.realtime:
        PREFIX.extend(["chrt", "-f", "50"])
    benches = {"repoclosure": bench_repoclosure, "closure": bench_closure, "gap": bench_gap}
    results = {}
    for name in args.which:
        title, rows = benches[name](args.ebranch, args.runs)
        report(title, rows)
        results[name] = rows
        print()
    check_targets(results)


if __name__ == "__main__":
    main()

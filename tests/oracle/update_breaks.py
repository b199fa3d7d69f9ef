#!/usr/bin/python3
"""libsolv's solver: which target-layer packages an update of one source would break.

  update_breaks.py SOURCE --base DIR[,DIR] --layer DIR[,DIR] --reference DIR[,DIR]

Loads the target (base and layer repositories) and the reference binaries into one
libsolv pool (rpm semantics, x86_64). The update is modelled with locks: every package
of the target built from SOURCE is locked out, and so is every reference package not
built from SOURCE, so the only way to get SOURCE's packages is the reference build.
Then, for each layer package not built from SOURCE, the solver is asked to install it
alone on an empty system; a line `name-evr.arch` is printed for each one it cannot
install, and `# before name-evr.arch` for each it cannot install even before the update.
Used by ebranch's tests of `incompatible-update`; run with Debian's python3 (python3-solv).
"""
import glob
import sys

import solv


def load(pool, name, path):
    repo = pool.add_repo(name)
    f = solv.xfopen(glob.glob(path + "/repodata/*primary.xml*")[0])
    repo.add_rpmmd(f, None, 0)
    f.close()
    return repo


def srcname(s):
    rpm = s.lookup_sourcepkg() or ""
    return rpm.rsplit("-", 2)[0] if rpm else s.name


def uninstallable(pool, candidates, locked):
    out = []
    for s in candidates:
        solver = pool.Solver()
        jobs = [pool.Job(solv.Job.SOLVER_LOCK | solv.Job.SOLVER_SOLVABLE, x.id) for x in locked]
        jobs.append(pool.Job(solv.Job.SOLVER_INSTALL | solv.Job.SOLVER_SOLVABLE, s.id))
        if solver.solve(jobs):
            out.append(str(s))
    return sorted(out)


def main(argv):
    source, opts = argv[1], {}
    for i in range(2, len(argv), 2):
        opts[argv[i]] = argv[i + 1].split(",")
    pool = solv.Pool()
    pool.setdisttype(solv.Pool.DISTTYPE_RPM)
    pool.setarch("x86_64")
    base = [load(pool, "base%d" % i, p) for i, p in enumerate(opts["--base"])]
    layer = [load(pool, "layer%d" % i, p) for i, p in enumerate(opts["--layer"])]
    ref = [load(pool, "ref%d" % i, p) for i, p in enumerate(opts["--reference"])]
    pool.addfileprovides()
    pool.createwhatprovides()
    target = [s for r in base + layer for s in r.solvables]
    reference = [s for r in ref for s in r.solvables]
    candidates = [s for r in layer for s in r.solvables
                  if srcname(s) != source and s.arch != "src"]
    before = uninstallable(pool, candidates, reference)
    locked = [s for s in target if srcname(s) == source]
    locked += [s for s in reference if srcname(s) != source]
    after = uninstallable(pool, candidates, locked)
    for nevra in after:
        print(nevra)
    for nevra in before:
        print("# before " + nevra)


if __name__ == "__main__":
    main(sys.argv)

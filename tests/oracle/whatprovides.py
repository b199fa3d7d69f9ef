#!/usr/bin/python3
"""libsolv's whatprovides for every distinct requirement of the packages of the first repo.

  whatprovides.py ARCH[,ARCH] REPO_DIR...

Loads every REPO_DIR (primary, plus filelists when present) into one libsolv pool with rpm
semantics and the given arch policy (the first arch; libsolv accepts its compatible arches),
then prints, for each distinct requirement string of any package of the first REPO_DIR,
(Requires(pre) included) one line: the requirement, a tab, and the sorted providers as `name-evr.arch` joined by
spaces. Lines are sorted. Used by ebranch's differential tests; run with Debian's python3
that has python3-solv.
"""
import glob
import sys

import solv


def load(pool, name, path):
    repo = pool.add_repo(name)
    f = solv.xfopen(glob.glob(path + "/repodata/*primary.xml*")[0])
    repo.add_rpmmd(f, None, 0)
    f.close()
    for fl in glob.glob(path + "/repodata/*filelists.xml*"):
        f = solv.xfopen(fl)
        repo.add_rpmmd(f, None, solv.Repo.REPO_EXTEND_SOLVABLES)
        f.close()
    return repo


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    pool = solv.Pool()
    pool.setdisttype(solv.Pool.DISTTYPE_RPM)
    pool.setarch(argv[1].split(",")[0])
    repos = [load(pool, "r%d" % i, p) for i, p in enumerate(argv[2:])]
    pool.addfileprovides()
    pool.createwhatprovides()
    seen = {}
    for s in repos[0].solvables:
        for d in s.lookup_deparray(solv.SOLVABLE_REQUIRES, 0):
            text = str(d)
            if text.startswith(("rpmlib(", "solvable:")) or text in seen:
                continue
            seen[text] = " ".join(sorted(str(p) for p in pool.whatprovides(d)))
    out = sys.stdout
    for text in sorted(seen):
        out.write("%s\t%s\n" % (text, seen[text]))


if __name__ == "__main__":
    main(sys.argv)

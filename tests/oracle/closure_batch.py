#!/usr/bin/python3
"""`solv_oracle.py closure` for many roots, one closure per root, loading the pool once.

  closure_batch.py --ref-bin DIR[,DIR] --ref-src DIR[,DIR] --target DIR[,DIR] [--no-install] ROOT...

Prints, for each ROOT in the order given, a line `### ROOT` followed by exactly the rows
that `../shared/tools/solv_oracle.py closure ... ROOT` prints for that root alone. The
closure algorithm is the shared oracle's, imported from it (not re-implemented); only the
pool is shared between roots. ebranch's tests check this against the shared oracle itself.
"""
import contextlib
import io
import os
import sys

import solv

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "shared", "tools"))
import solv_oracle  # noqa: E402


def main(argv):
    opts, roots, install, i = {}, [], True, 0
    while i < len(argv):
        if argv[i] in ("--ref-bin", "--ref-src", "--target"):
            opts[argv[i]] = argv[i + 1].split(",")
            i += 2
        elif argv[i] == "--no-install":
            install = False
            i += 1
        else:
            roots.append(argv[i])
            i += 1
    # The shared oracle builds its pool inside closure(); build it once and hand the same
    # pool to every call by memoising its constructor and loader.
    pool = solv_oracle.mkpool()
    loaded = {}

    def load(p, name, path):
        key = (name, path)
        if key not in loaded:
            loaded[key] = real_load(pool, name, path)
        return loaded[key]

    real_load = solv_oracle.load
    solv_oracle.load = load
    solv_oracle.mkpool = lambda: pool
    orig_add = solv.Pool.addfileprovides
    orig_create = solv.Pool.createwhatprovides
    done = []

    def once(fn):
        def wrapper(self):
            if fn not in done:
                done.append(fn)
                fn(self)
        return wrapper

    solv.Pool.addfileprovides = once(orig_add)
    solv.Pool.createwhatprovides = once(orig_create)
    out = sys.stdout
    for root in roots:
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            solv_oracle.closure(opts["--ref-bin"], opts["--ref-src"], opts["--target"], [root], install)
        out.write("### %s\n" % root)
        text = buf.getvalue()
        if text.strip():
            out.write(text if text.endswith("\n") else text + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])

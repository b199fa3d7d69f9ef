#!/usr/bin/python3
"""Will each buildroot install? libsolv's solver (python3-solv) on ebranch's closures.

  buildroot_check.py INPUT.json

INPUT names the repositories and, per root, the members of its closure (the root and every
source `ebranch missing` lists, skipped ones left out) and the dependencies ebranch reported
as unresolvable:

  {"target": [DIR...], "ref_bin": [DIR...], "ref_src": [DIR...],
   "necessity": true, "debian": false, "regenerated": true,
   "roots": [{"root": "b4", "members": ["b4", "python-dkimpy", ...],
              "unresolvable": ["dep", ...]}, ...]}

For each root, the universe is the target plus every reference binary built from a member
(all its binaries, as if each member had been branched and built). With "regenerated" (ebranch
ran without --literal-install-deps), those binaries' Requires are first rewritten as a rebuild
in the target would generate them, the reading ebranch's closure takes: `python(abi) = 3.14`
becomes any `python(abi)`, `python3.14dist(x)` becomes `python3dist(x)`, and a soname with a
symbol version, `libc.so.6(GLIBC_2.41)(64bit)`, the bare soname `libc.so.6()(64bit)`. For each member that
has a source package, its BuildRequires are installed on an empty system (weak dependencies
ignored, as in Koji and mock buildroots): as the requires of a stand-in package,
installed by a job, since libsolv 0.7.23's job rules for `if` let the solver install a
condition's provider even when it is not considered (not in the universe). Each buildroot
gets a status:

  ok            the solver installs it;
  unresolvable  the failure is one ebranch reported: every problem names a dependency it
                listed as unresolvable, or does once those BuildRequires are left out;
  translation   ("debian" only) it fails with rpm's version comparison but installs with
                dpkg's (a failure with both that the second pass explains by dependencies
                ebranch reported is `unresolvable`): the Debian data was converted to rpm-md, and `>> 2.36` became
                `> 2.36`, which rpm does not let `2.36-9` satisfy;
  fail          anything else.

With "necessity", each non-root member is then taken out again, and the buildroots that
installed using one of its binaries are solved once more (in the same reading): the member
is necessary when one of them then fails.

Prints JSON: {"roots": [{"root", "buildroots": {SRC: {"status", "problems"}},
"necessary": [...], "unnecessary": [...]}]}. The pool is loaded once for all roots, as
tests/oracle/closure_batch.py does.
"""
import glob
import json
import os
import re
import sys
import time

import solv

RPM_TO_DEB_ARCH = {"x86_64": "amd64", "noarch": "all"}


def load(pool, name, path):
    repo = pool.add_repo(name)
    f = solv.xfopen(glob.glob(path + "/repodata/*primary.xml*")[0])
    repo.add_rpmmd(f, None, 0)
    f.close()
    fl = glob.glob(path + "/repodata/*filelists.xml*")
    if fl:
        f = solv.xfopen(fl[0])
        repo.add_rpmmd(f, None, solv.Repo.REPO_EXTEND_SOLVABLES)
        f.close()
    return repo


def requires(s):
    """All Requires of a solvable: the plain ones and those after the pre-requires marker."""
    return (s.lookup_deparray(solv.SOLVABLE_REQUIRES, -1)
            + s.lookup_deparray(solv.SOLVABLE_REQUIRES, 1))


PYTHON_ABI = re.compile(r"python\(abi\) *(?:[<>=]+) *[^ )]+")
PYTHON_DIST = re.compile(r"python3\.[0-9]+dist\(")
SYMBOL_VERSION = re.compile(r"([^ ()]*\.so[^ ()]*)\(([^ ()]+)\)(\(64bit\))?")


def regenerate(text):
    """A Requires as a rebuild in the target generates it (see the module docstring)."""
    text = PYTHON_ABI.sub("python(abi)", text)
    text = PYTHON_DIST.sub("python3dist(", text)
    return SYMBOL_VERSION.sub(lambda m: m.group(1) + ("()(64bit)" if m.group(3) else ""), text)


def regenerate_requires(pool, repos):
    """Rewrites the Requires of every solvable of `repos` with `regenerate`."""
    for repo in repos:
        for s in repo.solvables:
            deps = [str(d) for d in requires(s)]
            new = [regenerate(d) for d in deps]
            if new == deps:
                continue
            s.unset(solv.SOLVABLE_REQUIRES)
            for d in new:
                # a plain dependency in parentheses parses as itself
                s.add_deparray(solv.SOLVABLE_REQUIRES,
                               pool.parserpmrichdep(d if d.startswith("(") else "(%s)" % d))


def srcname(s):
    sr = s.lookup_sourcepkg() or ""
    return sr.rsplit("-", 2)[0] if sr else s.name


class Checker:
    def __init__(self, spec):
        pool = solv.Pool()
        pool.setdisttype(solv.Pool.DISTTYPE_RPM)
        pool.setarch("x86_64")
        self.pool = pool
        self.target = [load(pool, "t%d" % i, p) for i, p in enumerate(spec["target"])]
        self.ref_bin = [load(pool, "rb%d" % i, p) for i, p in enumerate(spec["ref_bin"])]
        ref_src = [load(pool, "rs%d" % i, p) for i, p in enumerate(spec["ref_src"])]
        if spec.get("regenerated"):
            regenerate_requires(pool, self.ref_bin)
        sources = {}
        for r in ref_src:
            for s in r.solvables:
                sources.setdefault(s.name, s)
        unresolvable = {d for r in spec["roots"] for d in r.get("unresolvable", [])}
        members = {m for r in spec["roots"] for m in r["members"] if m in sources}
        self.buildroots = pool.add_repo("buildroots")
        self.pseudo = {}
        for m in sorted(members):
            deps = [d for d in requires(sources[m]) if not str(d).startswith("rpmlib(")]
            self.pseudo[(m, False)] = self.add_pseudo(m, deps)
            resolvable = [d for d in deps if str(d) not in unresolvable]
            if len(resolvable) < len(deps):
                self.pseudo[(m, True)] = self.add_pseudo(m + " (resolvable)", resolvable)
        self.buildroots.internalize()
        pool.addfileprovides()
        pool.createwhatprovides()
        self.target_ids = [s.id for r in self.target for s in r.solvables]
        self.binaries = {}
        for r in self.ref_bin:
            for s in r.solvables:
                self.binaries.setdefault(srcname(s), []).append(s.id)
        self.sources = sources
        self.considered = []

    def add_pseudo(self, name, deps):
        """A package standing for a buildroot: it requires the BuildRequires. Installing it
        on an empty system installs them as dnf builddep would, and unlike jobs, its rules
        leave out packages that are not considered even in `if` conditions."""
        s = self.buildroots.add_solvable()
        s.name = "buildroot(%s)" % name
        s.evr = "0-0"
        s.arch = "noarch"
        for d in deps:
            s.add_deparray(solv.SOLVABLE_REQUIRES, d)
        return s

    def to_dpkg_versions(self):
        """Switches the pool to Debian's version comparison (and arch names)."""
        pool = self.pool
        pool.setdisttype(solv.Pool.DISTTYPE_DEB)
        for repo in self.target + self.ref_bin + [self.buildroots]:
            for s in repo.solvables:
                s.arch = RPM_TO_DEB_ARCH.get(s.arch, s.arch)
        pool.setarch("amd64")
        # createwhatprovides() leaves out what is not considered: consider everything.
        pool.set_considered_list([s.id for s in pool.solvables])
        pool.createwhatprovides()

    def solve(self, name, resolvable=False):
        """(installs?, problem texts, dependencies named per problem, installed ids); with
        `resolvable`, the BuildRequires reported unresolvable are left out."""
        pseudo = self.pseudo.get((name, resolvable))
        if pseudo is None:
            return False, ["no BuildRequires left"], [], set()
        self.pool.set_considered_list(self.considered + [pseudo.id])
        solver = self.pool.Solver()
        solver.set_flag(solv.Solver.SOLVER_FLAG_IGNORE_RECOMMENDED, 1)
        problems = solver.solve([self.pool.Job(solv.Job.SOLVER_INSTALL | solv.Job.SOLVER_SOLVABLE,
                                               pseudo.id)])
        if not problems:
            installed = {s.id for s in solver.transaction().newsolvables()}
            installed.discard(pseudo.id)
            return True, [], [], installed
        texts, deps = [], []
        for p in problems:
            texts.append(str(p))
            deps.append({str(r.info().dep) for r in p.findallproblemrules()
                         if r.info().dep is not None})
        return False, texts, deps, set()

    def explained(self, name, deps, known):
        """"unresolvable" when the failure is one ebranch reported: every problem names a
        dependency it listed as unresolvable, or leaving those BuildRequires out, the rest
        installs and every problem left names one."""
        if all(d & known for d in deps):
            return "unresolvable"
        if (name, True) not in self.pseudo:
            return "fail"
        ok, _, deps, _ = self.solve(name, resolvable=True)
        return "unresolvable" if ok or all(d & known for d in deps) else "fail"

    def consider(self, members, leave_out=None):
        """The universe of the next solves: the target and the binaries of `members`."""
        ids = list(self.target_ids)
        for m in members:
            if m != leave_out:
                ids.extend(self.binaries.get(m, []))
        self.considered = ids

    def check_all(self, roots, status):
        """Solves every buildroot whose status is `status` (None: not yet solved)."""
        used = {}
        for r in roots:
            self.consider(r["members"])
            for m, br in r["buildroots"].items():
                if br["status"] != status:
                    continue
                ok, texts, deps, installed = self.solve(m)
                if ok:
                    br["status"] = "ok" if status is None else "translation"
                    used[(r["root"], m)] = installed
                else:
                    br["problems"] = texts
                if not ok:
                    # also on the second (dpkg) pass: what still fails there may be
                    # a dependency ebranch reported
                    br["status"] = self.explained(m, deps, set(r["unresolvable"]))
        return used

    def necessity(self, roots, used):
        """Marks each non-root member whose removal breaks a buildroot in `used`."""
        for r in roots:
            for m in r["members"]:
                if m == r["root"] or m in r["necessary"]:
                    continue
                mine = set(self.binaries.get(m, []))
                affected = [b for (root, b), ids in used.items()
                            if root == r["root"] and b != m and ids & mine]
                if not affected:
                    continue
                self.consider(r["members"], leave_out=m)
                if any(not self.solve(b)[0] for b in affected):
                    r["necessary"].append(m)


START = time.time()


def phase(what):
    """With EBRANCH_CHECK_TIMINGS set, the time since start on stderr."""
    if os.environ.get("EBRANCH_CHECK_TIMINGS"):
        sys.stderr.write("[%7.1f s] %s\n" % (time.time() - START, what))


def main(argv):
    with open(argv[0]) as f:
        spec = json.load(f)
    checker = Checker(spec)
    phase("pool loaded")
    roots = []
    for r in spec["roots"]:
        roots.append({"root": r["root"], "members": r["members"],
                      "unresolvable": r.get("unresolvable", []), "necessary": [],
                      "buildroots": {m: {"status": None, "problems": []}
                                     for m in r["members"] if m in checker.sources}})
    used = checker.check_all(roots, None)
    phase("buildroots solved")
    if spec.get("necessity"):
        checker.necessity(roots, used)
        phase("necessity")
    if spec.get("debian"):
        checker.to_dpkg_versions()
        phase("dpkg comparison")
        used = checker.check_all(roots, "fail")
        phase("failed buildroots solved again")
        if spec.get("necessity"):
            checker.necessity(roots, used)
            phase("necessity")
    out = []
    for r in roots:
        necessary = sorted(r["necessary"])
        unnecessary = sorted(m for m in r["members"]
                             if m != r["root"] and m not in r["necessary"])
        out.append({"root": r["root"], "buildroots": r["buildroots"],
                    "necessary": necessary, "unnecessary": unnecessary})
    json.dump({"roots": out}, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])

#!/usr/bin/python3
"""dnf's module filtering: the packages dnf sees after it hides modular ones.

  dnf_modules.py PLATFORM [--enable NAME:STREAM]... [--whatprovides DEP]... REPO_DIR...

Loads every REPO_DIR (a local rpm-md repository, with its modules.yaml when repomd.xml
lists one) into dnf 4 with `module_platform_id=PLATFORM`, an empty install root and no
system repository, writes `/etc/dnf/modules.d/NAME.module` with `state=enabled` for each
--enable (as `dnf module enable` leaves it), and prints every available package dnf keeps
visible as `name-epoch:version-release.arch`, sorted, then a line `# active NAME:STREAM`
for each active module stream, then `# whatprovides DEP<TAB>N` with the number of visible
packages that provide each --whatprovides DEP. Used by ebranch's differential tests; run with Debian's
python3, which has python3-dnf.
"""
import os
import sys
import tempfile

import dnf


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    platform, rest = argv[1], argv[2:]
    enable, repos, deps = [], [], []
    while rest:
        if rest[0] == "--enable":
            enable.append(rest[1])
            rest = rest[2:]
        elif rest[0] == "--whatprovides":
            deps.append(rest[1])
            rest = rest[2:]
        else:
            repos.append(os.path.abspath(rest[0]))
            rest = rest[1:]
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "root")
        modules_d = os.path.join(root, "etc", "dnf", "modules.d")
        os.makedirs(modules_d)
        for spec in enable:
            name, stream = spec.split(":", 1)
            with open(os.path.join(modules_d, name + ".module"), "w") as f:
                f.write("[%s]\nname=%s\nstream=%s\nprofiles=\nstate=enabled\n" % (name, name, stream))
        empty = os.path.join(tmp, "repos.d")
        os.makedirs(empty)
        base = dnf.Base()
        conf = base.conf
        conf.installroot = root
        conf.cachedir = os.path.join(tmp, "cache")
        conf.reposdir = [empty]
        conf.gpgcheck = False
        conf.module_platform_id = platform
        conf.substitutions["releasever"] = "9"
        for i, path in enumerate(repos):
            base.repos.add_new_repo("r%d" % i, conf, baseurl=["file://" + path])
        base.fill_sack(load_system_repo=False)
        out = sorted(
            "%s-%s:%s-%s.%s" % (p.name, p.epoch, p.version, p.release, p.arch)
            for p in base.sack.query().available()
        )
        container = base._moduleContainer
        active = sorted(
            {"%s:%s" % (m.getName(), m.getStream())
             for m in container.getModulePackages() if container.isModuleActive(m)}
        )
        sys.stdout.write("".join(line + "\n" for line in out))
        sys.stdout.write("".join("# active %s\n" % a for a in active))
        for dep in deps:
            n = len(base.sack.query().available().filter(provides=dep))
            sys.stdout.write("# whatprovides %s\t%d\n" % (dep, n))


if __name__ == "__main__":
    main(sys.argv)

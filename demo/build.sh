#!/usr/bin/env bash
# Rebuild the demo universe: build every demo/specs/*.spec with rpmbuild (into a
# temporary directory), index the results with createrepo_c, and replace
# demo/repos/*/repodata. The .rpm files are thrown away: only the metadata is
# committed, and it is valid rpm-md without them.
#
#   demo/repos/rawhide-source    SRPMs of the rawhide builds (BuildRequires = requires of the src packages)
#   demo/repos/rawhide           binaries of the rawhide builds            dist .fc44,   Python 3.14
#   demo/repos/epel10            binaries: what EPEL 10 already has        dist .el10_1, Python 3.12
#   demo/repos/centos-stream-10  binaries: the base EPEL 10 builds on      dist .el10,   Python 3.12
#
# Every spec is built for rawhide (its default version). A few specs are also
# built, with older versions, for centos-stream-10 or epel10: see the tables
# below.
#
# Needs: rpmbuild (rpm >= 4.17.1 for %bcond) and createrepo_c. Tested on Debian 12
# with rpm 4.18 and createrepo_c 0.17.3: the output there is byte-identical from
# one run to the next (fixed SOURCE_DATE_EPOCH, buildhost, umask, revision and
# timestamps). Other rpm or createrepo_c versions give equivalent metadata with
# different checksums.
#
# Options (environment):
#   CREATEREPO_C=/path/to/createrepo_c   another createrepo_c, e.g. 1.x from PyPI:
#       python3 -m venv /tmp/crc && /tmp/crc/bin/pip install createrepo-c
#       CREATEREPO_C=/tmp/crc/bin/createrepo_c COMPRESS=zstd demo/build.sh
#     (default: createrepo_c on PATH, i.e. Debian's 0.17.3, which has no zstd)
#   COMPRESS=gz|xz|bz2|zstd               metadata compression (default gz; modern
#     Fedora uses zstd, which needs createrepo_c >= 1.0)
#   KEEP=1                                keep the temporary build directory
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
specs=$here/specs
repos=$here/repos

CREATEREPO_C=${CREATEREPO_C:-createrepo_c}
COMPRESS=${COMPRESS:-gz}

missing=()
command -v rpmbuild >/dev/null || missing+=(rpmbuild)
command -v "$CREATEREPO_C" >/dev/null || missing+=("$CREATEREPO_C")
if ((${#missing[@]})); then
    echo "build.sh: missing: ${missing[*]}" >&2
    echo "  Debian/Ubuntu: apt-get install rpm createrepo-c" >&2
    echo "  Fedora/EL:     dnf install rpm-build createrepo_c" >&2
    exit 1
fi
if [[ $COMPRESS == zstd ]] && "$CREATEREPO_C" --version | grep -q '^Version: 0\.'; then
    echo "build.sh: COMPRESS=zstd needs createrepo_c >= 1.0 ($("$CREATEREPO_C" --version | head -1));" >&2
    echo "  e.g. python3 -m venv /tmp/crc && /tmp/crc/bin/pip install createrepo-c" >&2
    echo "  then CREATEREPO_C=/tmp/crc/bin/createrepo_c COMPRESS=zstd $0" >&2
    exit 1
fi

# Reproducibility: everything that ends up in the rpm headers or in the
# metadata is fixed. 1767225600 = 2026-01-01T00:00:00Z.
export SOURCE_DATE_EPOCH=1767225600
export LC_ALL=C TZ=UTC
umask 022

work=$(mktemp -d "${TMPDIR:-/tmp}/ebranch-demo.XXXXXX")
if [[ ${KEEP:-} ]]; then
    echo "build.sh: keeping $work"
else
    trap 'rm -rf "$work"' EXIT
fi

# Per-distribution settings: dist tag, Python version, vendor, buildhost.
declare -A DIST=([rawhide]=.fc44 [epel10]=.el10_1 [centos-stream-10]=.el10)
declare -A PYVER=([rawhide]=3.14 [epel10]=3.12 [centos-stream-10]=3.12)
declare -A VENDOR=([rawhide]="Fedora Project" [epel10]="Fedora Project" [centos-stream-10]="CentOS")
declare -A HOST=([rawhide]=buildvm-x86-01.fedora.demo [epel10]=buildvm-x86-01.fedora.demo
                 [centos-stream-10]=x86-64-01.centos.demo)

# build DISTRO SPEC [NAME=VALUE...]: rpmbuild -ba one spec for one distribution;
# NAME=VALUE become --define 'NAME VALUE' (ver, rel, distver are used by the specs).
nbuilt=0
build() {
    local distro=$1 spec=$2; shift 2
    local py=${PYVER[$distro]} kv
    local defs=(
        --define "_topdir $work/$distro"
        --define "dist ${DIST[$distro]}"
        --define "python3_version $py"
        --define "python3_sitelib /usr/lib/python$py/site-packages"
        --define "python3_sitearch /usr/lib64/python$py/site-packages"
        --define "vendor ${VENDOR[$distro]}"
        --define "packager ${VENDOR[$distro]}"
        --define "_buildhost ${HOST[$distro]}"
        --define "use_source_date_epoch_as_buildtime 1"
        --define "clamp_mtime_to_source_date_epoch 1"
        --define "debug_package %{nil}"
        --define "__os_install_post %{nil}"
    )
    for kv in "$@"; do defs+=(--define "${kv%%=*} ${kv#*=}"); done
    # --nodeps: the build host's rpmdb has none of the BuildRequires, and these
    # stub specs need none of them.
    if ! rpmbuild --quiet --nodeps "${defs[@]}" -ba "$specs/$spec.spec" >"$work/log" 2>&1; then
        cat "$work/log" >&2
        echo "build.sh: rpmbuild failed: $distro $spec $*" >&2
        exit 1
    fi
    nbuilt=$((nbuilt + 1))
}

# --- rawhide: every spec, at the version written in the spec -----------------
for f in "$specs"/*.spec; do
    build rawhide "$(basename "$f" .spec)"
done

# --- centos-stream-10: the base distribution (older versions) -----------------
build centos-stream-10 python3               ver=3.12.11 rel=2
build centos-stream-10 pyproject-rpm-macros  ver=1.16.2
build centos-stream-10 python-setuptools     ver=69.0.3 rel=5
build centos-stream-10 python-requests       ver=2.32.3
build centos-stream-10 python-idna           ver=3.7
build centos-stream-10 python-dns            ver=2.6.1
build centos-stream-10 python-cffi           ver=1.16.0
build centos-stream-10 PyYAML                ver=6.0.1
build centos-stream-10 python-pytest         ver=7.4.3
build centos-stream-10 python-sphinx         ver=7.2.6
build centos-stream-10 python-flit-core      ver=3.9.0
build centos-stream-10 python-cryptography   ver=43.0.0 distver=43
build centos-stream-10 maturin               ver=1.8.1
build centos-stream-10 cargo-rpm-macros      ver=26.3
build centos-stream-10 gcc                   ver=14.2.1 rel=7
build centos-stream-10 openssl               ver=3.2.2 rel=16
build centos-stream-10 git                   ver=2.47.1

# --- epel10: what EPEL 10 already has ------------------------------------------
build epel10 python-pynacl    ver=1.5.0
build epel10 git-filter-repo  ver=2.45.0
build epel10 python-pathspec  ver=0.11.2
build epel10 python-h11       ver=0.16.0

# --- repositories ---------------------------------------------------------------
# Packages go to Packages/<first letter>/ as in Fedora; createrepo_c records the
# file mtime, so it is fixed too.
place() {   # place DEST FILE...
    local dest=$1 f b; shift
    for f in "$@"; do
        b=$(basename "$f")
        mkdir -p "$dest/Packages/${b:0:1}"
        cp "$f" "$dest/Packages/${b:0:1}/"
    done
}
place "$work/repos/rawhide-source"    "$work"/rawhide/SRPMS/*.src.rpm
place "$work/repos/rawhide"           "$work"/rawhide/RPMS/*/*.rpm
place "$work/repos/epel10"            "$work"/epel10/RPMS/*/*.rpm
place "$work/repos/centos-stream-10"  "$work"/centos-stream-10/RPMS/*/*.rpm

for repo in rawhide-source rawhide epel10 centos-stream-10; do
    d=$work/repos/$repo
    find "$d" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
    "$CREATEREPO_C" --quiet --no-database --general-compress-type="$COMPRESS" \
        --revision "$SOURCE_DATE_EPOCH" --set-timestamp-to-revision "$d"
    n=$(find "$d/Packages" -name '*.rpm' | wc -l)
    rm -rf "$d/Packages"   # metadata only: the repodata stays valid without the rpms
    rm -rf "$repos/$repo/repodata"
    mkdir -p "$repos/$repo"
    cp -r "$d/repodata" "$repos/$repo/repodata"
    printf '%-18s %3d packages\n' "$repo" "$n"
done
echo "build.sh: $nbuilt rpmbuild runs; repodata written to $repos"

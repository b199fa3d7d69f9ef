#!/usr/bin/env bash
# Builds the RPM from ebranch.spec in its vendored mode (plain cargo and `cargo vendor`
# sources; what CI does on Debian, which has no cargo-rpm-macros), installs it into a
# temporary root with `rpm --root DIR -i --nodeps`, runs the installed binary on the demo,
# checks that the manual pages and completions are where the spec puts them, and runs
# rpmlint on the spec and the packages (no errors allowed; packaging/ebranch.rpmlintrc
# drops the three that are wrong for Fedora packages).
#
#   packaging/build-rpm.sh [OUTDIR]      RPMs are copied to OUTDIR when given
#
# Environment:
#   EBRANCH_RPM_PROFILE     cargo profile of the build (default: release, as shipped)
#   EBRANCH_RPM_TARGET_DIR  cargo target directory to reuse (default: the build's own)
#   EBRANCH_RPM_CHECK=1     also run the spec's %check (unit tests; slow)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
outdir=${1:-}
start=$SECONDS
step() { printf '== build-rpm [%4ds] %s\n' $((SECONDS - start)) "$*" >&2; }
fail() { echo "build-rpm: $*" >&2; exit 1; }

version=$(sed -n 's/^Version: *//p' ebranch.spec)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
top=$work/rpmbuild
mkdir -p "$top"/{SOURCES,SPECS,BUILD,RPMS,SRPMS}
cp ebranch.spec "$top/SPECS/"

step "Source0: the checkout's files (tracked and new, not ignored)"
git ls-files -z --cached --others --exclude-standard \
    | xargs -0 -I{} sh -c 'test -e "{}" && printf "%s\0" "{}"' \
    | tar --null -T - --transform "s,^,ebranch-$version/," -czf "$top/SOURCES/ebranch-$version.tar.gz"

step "Source1: cargo vendor"
(cd "$work" && mkdir vendor-src)
cargo vendor --locked --versioned-dirs --quiet "$work/vendor-src/vendor" > /dev/null
# Fast compression: the tarball only lives for this build.
XZ_OPT="-T2 -1" tar -C "$work/vendor-src" -cJf "$top/SOURCES/ebranch-$version-vendor.tar.xz" vendor
rm -rf "$work/vendor-src"

step "rpmbuild -ba --with vendored"
defines=(--define "_topdir $top" --with vendored)
[ -n "${EBRANCH_RPM_PROFILE:-}" ] && defines+=(--define "vendored_profile $EBRANCH_RPM_PROFILE")
[ -n "${EBRANCH_RPM_TARGET_DIR:-}" ] && defines+=(--define "ebranch_target_dir $(realpath "$EBRANCH_RPM_TARGET_DIR")")
[ "${EBRANCH_RPM_CHECK:-0}" = 1 ] || defines+=(--without check)
# --nodeps: Debian's rpm database does not know the BuildRequires (cargo, rust, gcc).
rpmbuild -ba --nodeps "${defines[@]}" "$top/SPECS/ebranch.spec" > "$work/rpmbuild.log" 2>&1 \
    || { tail -60 "$work/rpmbuild.log"; fail "rpmbuild failed"; }
arch=$(rpm --eval '%{_arch}')
rpm_file=$(ls "$top/RPMS/$arch/ebranch-$version"-*."$arch.rpm")
srpm_file=$(ls "$top/SRPMS/ebranch-$version"-*.src.rpm)
if [ -n "$outdir" ]; then
    mkdir -p "$outdir"
    cp "$top"/RPMS/*/*.rpm "$srpm_file" "$outdir/"
fi

step "install into a temporary root"
root=$work/root
rpm --root "$root" --initdb
rpm --root "$root" -i --nodeps "$rpm_file"
bin=$root/usr/bin/ebranch
[ -x "$bin" ] || fail "no /usr/bin/ebranch in the package"

step "run the installed binary"
got=$("$bin" --version)
[ "$got" = "ebranch $version" ] || fail "--version says '$got', want 'ebranch $version'"
demo=(--config demo/releases.toml --cache-dir "$work/cache")
set +e
missing=$("$bin" "${demo[@]}" missing python-b4 --reference demo-rawhide --target demo-epel10 --offline)
code=$?
set -e
[ "$code" = 1 ] || fail "missing on the demo exited $code, want 1 (something is missing)"
for pkg in python-dkimpy python-patatt; do
    grep -q "$pkg" <<< "$missing" || fail "missing on the demo does not name $pkg: $missing"
done
plan=$("$bin" "${demo[@]}" plan python-b4 --reference demo-rawhide --target demo-epel10 --offline)
[ "$plan" = "python-dkimpy python-patatt : python-b4" ] || fail "plan on the demo: $plan"

step "files where the spec puts them"
listed=$(rpm --root "$root" -ql ebranch)
expect_file() {
    grep -qx "$1" <<< "$listed" || fail "the package does not list $1"
    [ -s "$root$1" ] || fail "$1 is not installed"
}
expect_file /usr/bin/ebranch
expect_file /usr/share/bash-completion/completions/ebranch
expect_file /usr/share/zsh/site-functions/_ebranch
expect_file /usr/share/fish/vendor_completions.d/ebranch.fish
licenses=$(rpm --eval '%{_defaultlicensedir}')/ebranch
docs=$(rpm --eval '%{_defaultdocdir}')/ebranch
expect_file "$licenses/LICENSE-MIT"
expect_file "$licenses/LICENSE.dependencies"
expect_file "$docs/README.md"
bash -n "$root/usr/share/bash-completion/completions/ebranch"
zsh -n "$root/usr/share/zsh/site-functions/_ebranch"
fish --no-execute "$root/usr/share/fish/vendor_completions.d/ebranch.fish"
want_pages=$("$bin" man "$work/pages" | sed 's,.*/,,' | sort)
have_pages=$(grep '^/usr/share/man/man1/' <<< "$listed" | sed 's,.*/,,; s,\.gz$,,' | sort)
[ "$want_pages" = "$have_pages" ] || fail "man pages differ from 'ebranch man': $(diff <(echo "$want_pages") <(echo "$have_pages"))"
for page in $(grep '^/usr/share/man/man1/' <<< "$listed"); do
    warnings=$(MANWIDTH=80 man -l --warnings "$root$page" 2>&1 > /dev/null)
    [ -z "$warnings" ] || fail "$page: $warnings"
done
echo "build-rpm: installed $(wc -l <<< "$have_pages") man pages, 3 completions" >&2

step "rpmlint"
# The filters drop only errors that are wrong for Fedora packages (the file says why).
lint=$(rpmlint -r packaging/ebranch.rpmlintrc ebranch.spec "$rpm_file" "$srpm_file" 2>&1 || true)
echo "$lint" | tail -25 >&2
# Every error, wherever it is in the output.
grep ': E: ' <<< "$lint" >&2 || true
summary=$(grep -E '[0-9]+ errors?, [0-9]+ warnings?' <<< "$lint" | tail -1)
[ -n "$summary" ] || fail "rpmlint printed no summary"
errors=$(sed -E 's/.* ([0-9]+) errors?,.*/\1/' <<< "$summary")
[ "$errors" = 0 ] || fail "rpmlint: $summary"

step "done: $(basename "$rpm_file"), rpmlint: $summary"

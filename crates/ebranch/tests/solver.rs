//! The solver test on real data: once every source `ebranch missing` lists is branched and
//! built (all its reference binaries added to the target), libsolv's solver installs every
//! listed buildroot and the root's (`tests/oracle/buildroot_check.py`, one python process
//! per universe). The closures are the ones a packager gets: install-time Requires read as
//! a rebuild in the target regenerates them, as the checker rebuilds the binaries.

mod common;

use std::collections::BTreeMap;

use common::*;

/// RHEL 7.3 Server-optional (reference) against Server (target).
fn rhel_optional_on_server() -> Universe {
    Universe {
        target: vec![rhel("Server/x86_64/os")],
        ref_bin: vec![rhel("Server-optional/x86_64/os")],
        ref_src: vec![rhel("Server-optional/source/tree")],
        flags: Vec::new(),
    }
}

/// Debian sid (reference) against bookworm (target), converted to rpm-md. With
/// `--coinstall`: sid's `python3`, `ghc` and Rust crates replace bookworm's in the
/// buildroots that pull them in, so the bookworm packages built against the old ones
/// (`python3-matplotlib` needs `python3 << 3.12`) must be rebuilt too.
fn debian_sid_on_bookworm() -> Universe {
    Universe {
        target: vec![data("debian-rpmmd/bookworm-bin")],
        ref_bin: vec![data("debian-rpmmd/sid-bin")],
        ref_src: vec![data("debian-rpmmd/sid-src")],
        flags: vec!["--coinstall".to_owned()],
    }
}

/// The bundled demo: Rawhide against EPEL 10 on CentOS Stream 10.
fn demo() -> Universe {
    let repos = repo_root().join("demo/repos");
    let r = |name: &str| repos.join(name).to_string_lossy().into_owned();
    Universe {
        target: vec![r("epel10"), r("centos-stream-10")],
        ref_bin: vec![r("rawhide")],
        ref_src: vec![r("rawhide-source")],
        flags: Vec::new(),
    }
}

/// Buildroots per status over all roots, and the share of non-root members found necessary.
fn figures(checked: &[Checked]) -> (BTreeMap<String, usize>, usize, usize) {
    let mut statuses = BTreeMap::new();
    let (mut necessary, mut members) = (0, 0);
    for c in checked {
        for (status, _) in c.buildroots.values() {
            *statuses.entry(status.clone()).or_insert(0) += 1;
        }
        necessary += c.necessary.len();
        members += c.necessary.len() + c.unnecessary.len();
    }
    (statuses, necessary, members)
}

/// Checks `roots` of `u`: every buildroot is `ok`, `unresolvable` (a dependency the report
/// lists as unresolvable), `translation` on Debian data (see [`TRANSLATION`]), or one of
/// `exceptions` (root, member, status).
fn check(
    what: &str,
    u: &Universe,
    roots: &[String],
    debian: bool,
    exceptions: &[(&str, &str, &str)],
) {
    let cache = tempfile::tempdir().unwrap();
    let reports = u.reports(roots, cache.path());
    let necessity = std::env::var_os("EBRANCH_NECESSITY").is_some();
    let Some(checked) = check_buildroots(u, &reports, necessity, debian) else {
        return;
    };
    let mut unexpected = Vec::new();
    let mut seen = Vec::new();
    for c in &checked {
        for (member, (status, problems)) in &c.buildroots {
            let known = exceptions
                .iter()
                .find(|(r, m, _)| *r == c.root && m == member);
            match (status.as_str(), known) {
                ("ok" | "unresolvable", None) => {}
                ("translation", None) if debian => {}
                (s, Some((_, _, want))) if s == *want => seen.push((c.root.clone(), member)),
                _ => unexpected.push(format!(
                    "{}: buildroot of {member} is {status}: {problems:?}",
                    c.root
                )),
            }
        }
    }
    let (statuses, necessary, members) = figures(&checked);
    eprintln!(
        "{what}: {} roots, buildroots {statuses:?}{}",
        checked.len(),
        if necessity {
            format!(", necessary {necessary} of {members} non-root members")
        } else {
            String::new()
        }
    );
    if debian {
        eprintln!(
            "{what}: {} buildroots are known exceptions: {TRANSLATION}",
            statuses.get("translation").unwrap_or(&0)
        );
    }
    assert!(unexpected.is_empty(), "{what}: {unexpected:#?}");
    assert_eq!(
        seen.len(),
        exceptions.len(),
        "{what}: a known exception no longer happens (remove it): {exceptions:?}"
    );
}

/// Why a Debian buildroot may fail under rpm's version comparison and still count: the
/// checker marks a buildroot `translation` only when it fails with rpm's comparison and
/// installs, unchanged, once the pool compares versions as dpkg does. The conversion to
/// rpm-md keeps Debian's operators and versions, and rpm reads some of them otherwise:
/// `>> 2.36` became `> 2.36`, which rpm does not let `2.36-9` satisfy (bookworm's own
/// `libc-dev-bin` requires `libc6 >> 2.36`), and `~~`/`++` bounds, `+b1` revisions and
/// unversioned Provides compare differently. Such a failure comes from the translation
/// alone, which the issue lets us list as a known exception.
const TRANSLATION: &str = "fails only under rpm's reading of converted Debian versions";

#[test]
fn every_buildroot_of_forty_rhel_optional_roots_installs() {
    let u = rhel_optional_on_server();
    let roots = draw(&source_names(&u.ref_src[0]), 40, 7);
    check("RHEL 7.3 Server-optional on Server", &u, &roots, false, &[]);
}

/// With `--coinstall` (see [`debian_sid_on_bookworm`]); without it, 174 buildroots of
/// these roots failed under both comparisons, 168 of them because a buildroot needed two
/// versions of one package name.
#[test]
fn every_buildroot_of_thirty_debian_roots_installs() {
    let u = debian_sid_on_bookworm();
    let roots = draw(&source_names(&u.ref_src[0]), 30, 20261126);
    check("Debian sid on bookworm", &u, &roots, true, &[]);
}

#[test]
fn every_buildroot_of_the_demo_installs() {
    let u = demo();
    let roots = source_names(&u.ref_src[0]);
    check("demo", &u, &roots, false, &[]);
}

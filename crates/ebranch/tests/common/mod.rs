//! Helpers shared by the integration tests: paths to the real data, running the binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `../shared/data` relative to the repository root.
pub fn shared_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// A path under `../shared/data`.
pub fn data(rel: &str) -> String {
    shared_data().join(rel).to_string_lossy().into_owned()
}

/// The RHEL 7.3 Beta compose directory.
pub fn rhel(rel: &str) -> String {
    data(&format!(
        "whatpkgs-rhel73beta-fedora25/RHEL-7/7.3-Beta/{rel}"
    ))
}

/// Runs the `ebranch` binary with `args` and a private cache dir.
pub fn ebranch(args: &[&str], cache: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ebranch"))
        .args(args)
        .arg("--cache-dir")
        .arg(cache)
        .env_remove("EBRANCH_CACHE_DIR")
        .output()
        .expect("the ebranch binary runs")
}

/// Stdout as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

/// Stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Debian's python3 with python3-solv, which the oracles need. Tests that need it fail
/// (rather than pass vacuously) when it is missing, unless `EBRANCH_SKIP_ORACLE=1`.
pub fn oracle_python() -> Option<&'static str> {
    let ok = Command::new("/usr/bin/python3")
        .args(["-c", "import solv"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some("/usr/bin/python3");
    }
    if std::env::var_os("EBRANCH_SKIP_ORACLE").is_some() {
        return None;
    }
    panic!(
        "python3-solv is missing: install the oracle packages (see README) or set EBRANCH_SKIP_ORACLE=1"
    );
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `--ref-repo`/`--target-repo`/`--target-base-repo` flags for the demo repositories.
pub fn demo_flags() -> Vec<String> {
    let repos = repo_root().join("demo/repos");
    let r = |name: &str| repos.join(name).to_string_lossy().into_owned();
    vec![
        "--ref-repo".into(),
        r("rawhide"),
        "--ref-repo".into(),
        r("rawhide-source"),
        "--target-repo".into(),
        r("epel10"),
        "--target-base-repo".into(),
        r("centos-stream-10"),
    ]
}

/// Compares two sorted line sets and panics with the first differences.
pub fn assert_same_lines(ours: &str, theirs: &str, what: &str) {
    if ours == theirs {
        return;
    }
    let a: std::collections::BTreeSet<&str> = ours.lines().collect();
    let b: std::collections::BTreeSet<&str> = theirs.lines().collect();
    let only_ours: Vec<_> = a.difference(&b).take(15).collect();
    let only_theirs: Vec<_> = b.difference(&a).take(15).collect();
    panic!(
        "{what}: {} lines ours, {} theirs\nonly ours: {only_ours:#?}\nonly theirs: {only_theirs:#?}",
        ours.lines().count(),
        theirs.lines().count()
    );
}

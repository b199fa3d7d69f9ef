//! `missing` on a modular target (the real CentOS Stream 9 AppStream as target base):
//! with module filtering the root's BuildRequires that only a hidden module stream
//! provides are missing, exactly those dnf finds no provider for; `--module` enables a
//! stream as `dnf module enable` would; without filtering the closure wrongly says
//! "satisfied".

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::*;

/// The root's BuildRequires: only modular providers (nodejs-devel, nodejs-packaging), a
/// version only a module stream has (redis >= 7, php-cli >= 8.1), and one the
/// non-modular packages satisfy (php-cli >= 8.0).
const BUILD_REQUIRES: [&str; 5] = [
    "nodejs-devel",
    "nodejs-packaging",
    "redis >= 7",
    "php-cli >= 8.1",
    "php-cli >= 8.0",
];

fn mkrepo(dir: &Path, spec: &str) {
    let tool = shared_data().join("../tools/mkrepo.py");
    let out = Command::new("/usr/bin/python3")
        .arg(tool)
        .arg(dir)
        .arg(spec)
        .output()
        .expect("mkrepo.py runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Reference repositories: the root `webapp` and Fedora-like providers.
fn reference(dir: &Path) -> (String, String) {
    let src = dir.join("src");
    let bin = dir.join("bin");
    mkrepo(
        &src,
        &format!(
            "webapp|1.0-1|src|||{};nodejs|1:22.1-1.fc42|src|||;\
             nodejs-packaging|2023.10-1.fc42|src|||;redis|7.4.1-1.fc42|src|||;php|8.3.1-1.fc42|src|||",
            BUILD_REQUIRES.join(",")
        ),
    );
    mkrepo(
        &bin,
        "nodejs-devel|1:22.1-1.fc42|x86_64|nodejs-22.1-1.fc42.src.rpm||;\
         nodejs-packaging|2023.10-1.fc42|noarch|nodejs-packaging-2023.10-1.fc42.src.rpm||;\
         redis|7.4.1-1.fc42|x86_64|redis-7.4.1-1.fc42.src.rpm||;\
         php-cli|8.3.1-1.fc42|x86_64|php-8.3.1-1.fc42.src.rpm||",
    );
    (src.display().to_string(), bin.display().to_string())
}

fn appstream() -> String {
    data("cs9-osbuild-testrepos/appstream-2025-01")
}

/// How many visible packages provide each BuildRequires, as dnf counts them.
fn dnf_whatprovides(enable: &[&str]) -> Option<BTreeMap<String, usize>> {
    let ok = Command::new("/usr/bin/python3")
        .args(["-c", "import dnf"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("EBRANCH_SKIP_ORACLE").is_some(),
            "python3-dnf is missing"
        );
        return None;
    }
    let mut cmd = Command::new("/usr/bin/python3");
    cmd.arg(repo_root().join("tests/oracle/dnf_modules.py"))
        .arg("platform:el9");
    for e in enable {
        cmd.args(["--enable", e]);
    }
    for d in BUILD_REQUIRES {
        cmd.args(["--whatprovides", d]);
    }
    cmd.arg(appstream());
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .filter_map(|l| l.strip_prefix("# whatprovides "))
            .filter_map(|l| l.split_once('\t'))
            .map(|(dep, n)| (dep.to_owned(), n.parse().unwrap()))
            .collect(),
    )
}

/// The BuildRequires dnf finds no visible provider for, sorted.
fn dnf_unsatisfied(enable: &[&str]) -> Option<Vec<String>> {
    let counts = dnf_whatprovides(enable)?;
    Some(
        counts
            .into_iter()
            .filter(|(_, n)| *n == 0)
            .map(|(dep, _)| dep)
            .collect(),
    )
}

/// `ebranch missing webapp` rows (`needed<TAB>needed-by<TAB>dep`) with extra options.
fn rows(src: &str, bin: &str, extra: &[&str], cache: &Path) -> (Vec<String>, String) {
    let appstream = appstream();
    let mut args = vec![
        "missing",
        "webapp",
        "--ref-repo",
        src,
        "--ref-repo",
        bin,
        "--target-base-repo",
        &appstream,
        "--format",
        "tsv",
    ];
    args.extend_from_slice(extra);
    let out = ebranch(&args, cache);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    (
        stdout(&out).lines().map(str::to_owned).collect(),
        stderr(&out),
    )
}

/// The deps of the root's rows, sorted.
fn root_deps(rows: &[String]) -> Vec<String> {
    let mut deps: Vec<String> = rows
        .iter()
        .filter_map(|r| r.split('\t').nth(2).map(str::to_owned))
        .collect();
    deps.sort();
    deps
}

#[test]
fn module_filtering_gives_dnfs_closure_and_differs_from_unfiltered() {
    let dir = tempfile::tempdir().unwrap();
    let (src, bin) = reference(dir.path());
    let cache = dir.path().join("cache");

    let (filtered, note) = rows(&src, &bin, &["--module-platform", "platform:el9"], &cache);
    assert_eq!(
        filtered,
        [
            "nodejs\twebapp\tnodejs-devel",
            "nodejs-packaging\twebapp\tnodejs-packaging",
            "php\twebapp\tphp-cli >= 8.1",
            "redis\twebapp\tredis >= 7",
        ]
    );
    assert!(
        note.contains(
            "module filtering (platform:el9): 516 target package(s) hidden; active streams: none"
        ),
        "{note}"
    );
    if let Some(want) = dnf_unsatisfied(&[]) {
        assert_eq!(root_deps(&filtered), want);
    }

    let enable = ["nodejs:20", "php:8.2"];
    let (enabled, _) = rows(
        &src,
        &bin,
        &[
            "--module-platform",
            "platform:el9",
            "--module",
            enable[0],
            "--module",
            enable[1],
        ],
        &cache,
    );
    assert_eq!(enabled, ["redis\twebapp\tredis >= 7"]);
    if let Some(want) = dnf_unsatisfied(&enable) {
        assert_eq!(root_deps(&enabled), want);
    }

    // Without module filtering every stream is visible: the closure is empty, though a
    // buildroot could not install nodejs-devel.
    let (unfiltered, _) = rows(&src, &bin, &[], &cache);
    assert!(unfiltered.is_empty(), "{unfiltered:?}");
}

#[test]
fn module_options_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let (src, bin) = reference(dir.path());
    let cache = dir.path().join("cache");
    let appstream = appstream();
    let base = [
        "missing",
        "webapp",
        "--ref-repo",
        &src,
        "--ref-repo",
        &bin,
        "--target-base-repo",
        &appstream,
    ];
    let run = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        ebranch(&args, &cache)
    };
    let out = run(&["--module", "nodejs:20"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--module needs module filtering"),
        "{}",
        stderr(&out)
    );
    let out = run(&["--module-platform", "platform:el9", "--module", "nodejs:99"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .contains("no module stream `nodejs:99`; known streams of `nodejs`: 18, 20, 22")
            || stderr(&out).contains("known streams of `nodejs`: 18, 20, 22"),
        "{}",
        stderr(&out)
    );
    let out = run(&["--module-platform", "el9"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not NAME:STREAM"), "{}", stderr(&out));
}

/// A named EL9 target sets the module platform itself (through its base release, as the
/// built-in `epel9` does through `alma9`): `missing --target` gives dnf's closure, and
/// `--no-module-filtering` the wrong, unfiltered one.
#[test]
fn named_el9_target_filters_modules_as_dnf_does() {
    let dir = tempfile::tempdir().unwrap();
    let (src, bin) = reference(dir.path());
    let cache = dir.path().join("cache");
    let epel = dir.path().join("epel");
    mkrepo(&epel, "unrelated|1-1|noarch|unrelated-1-1.src.rpm||");
    let config = dir.path().join("releases.toml");
    std::fs::write(
        &config,
        format!(
            "[[release]]\nname = \"test-el9\"\nmodule_platform = \"platform:el9\"\n\
             [[release.repo]]\nid = \"test-el9-appstream\"\nrole = \"target-base\"\n\
             baseurl = \"file://{}\"\n\n\
             [[release]]\nname = \"test-epel9\"\ninclude = [\"test-el9\"]\n\
             [[release.repo]]\nid = \"test-epel9\"\nrole = \"target-layer\"\n\
             baseurl = \"file://{}\"\n",
            appstream(),
            epel.display()
        ),
    )
    .unwrap();
    let config = config.to_string_lossy().into_owned();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "--config",
            &config,
            "missing",
            "webapp",
            "--ref-repo",
            &src,
            "--ref-repo",
            &bin,
            "--target",
            "test-epel9",
            "--format",
            "tsv",
        ];
        args.extend_from_slice(extra);
        let out = ebranch(&args, &cache);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
        stdout(&out).lines().map(str::to_owned).collect::<Vec<_>>()
    };
    let filtered = run(&[]);
    assert!(!filtered.is_empty());
    if let Some(want) = dnf_unsatisfied(&[]) {
        assert_eq!(root_deps(&filtered), want);
    }
    let unfiltered = run(&["--no-module-filtering"]);
    assert!(unfiltered.is_empty(), "{unfiltered:?}");
}

/// `query whatprovides --module-platform` sees the repositories as dnf does on that
/// platform (same counts as dnf's); without the flag it answers over every package.
#[test]
fn query_with_a_module_platform_hides_what_dnf_hides() {
    let cache = tempfile::tempdir().unwrap();
    let appstream = appstream();
    let counts = |extra: &[&str]| -> BTreeMap<String, usize> {
        let mut args = vec!["query", "whatprovides", "--repo", &appstream, "--json"];
        args.extend_from_slice(extra);
        args.extend(BUILD_REQUIRES);
        let out = ebranch(&args, cache.path());
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
        let found: BTreeMap<String, Vec<serde_json::Value>> =
            serde_json::from_str(&stdout(&out)).unwrap();
        found.into_iter().map(|(d, v)| (d, v.len())).collect()
    };
    let filtered = counts(&["--module-platform", "platform:el9"]);
    let enabled = counts(&["--module-platform", "platform:el9", "--module", "nodejs:20"]);
    let unfiltered = counts(&[]);
    if let Some(want) = dnf_whatprovides(&[]) {
        assert_eq!(filtered, want);
    }
    if let Some(want) = dnf_whatprovides(&["nodejs:20"]) {
        assert_eq!(enabled, want);
    }
    assert!(
        unfiltered["nodejs-devel"] > filtered["nodejs-devel"],
        "{unfiltered:?}"
    );
}

//! The bundled demo universe (demo/, built with rpmbuild + createrepo_c) through the CLI.

mod common;

use common::*;

fn run(args: &[&str]) -> std::process::Output {
    let cache = tempfile::tempdir().unwrap();
    let mut all: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    all.extend(demo_flags());
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    ebranch(&refs, cache.path())
}

#[test]
fn b4_plan_is_the_talks_example() {
    let out = run(&["plan", "python-b4"]);
    assert_eq!(
        stdout(&out),
        "python-dkimpy python-patatt : python-b4\n",
        "{}",
        stderr(&out)
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn missing_classifies_each_case() {
    let out = run(&[
        "missing",
        "yamllint",
        "python-joserfc",
        "python-pyhanko",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["python-pathspec"]["class"], "update");
    assert_eq!(report["python-cryptography"]["class"], "blocked-by-base");
    assert_eq!(
        report["python-pyhanko"]["build"]["UNKNOWN"][0],
        "python3dist(pyhanko-certvalidator) >= 0.26"
    );
    assert_eq!(report["yamllint"]["root"], true);
    // 0.0.3's shape: build maps provider source -> deps.
    assert!(report["yamllint"]["build"]["python-pathspec"].is_array());
}

#[test]
fn install_time_dependencies_are_followed_unless_turned_off() {
    let with = run(&["missing", "python-pytest-httpx", "--format", "tsv"]);
    let without = run(&[
        "missing",
        "python-pytest-httpx",
        "--format",
        "tsv",
        "--no-install-deps",
    ]);
    assert!(
        stdout(&with).contains("python-httpcore\tpython-httpx\t"),
        "{}",
        stdout(&with)
    );
    assert!(
        !stdout(&without).contains("python-httpcore"),
        "{}",
        stdout(&without)
    );
}

#[test]
fn alternatives_are_reported() {
    let out = run(&["missing", "python-aiosmtplib", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let alt = &report["python-aiosmtplib"]["alternatives"]["smtpdaemon"];
    assert!(
        alt["chosen"].as_str().unwrap().starts_with("exim-"),
        "{alt}"
    );
    assert!(
        alt["others"][0].as_str().unwrap().starts_with("opensmtpd-"),
        "{alt}"
    );
}

#[test]
fn cycles_are_reported_with_a_bootstrap_set_not_dropped() {
    let out = run(&["plan", "python-pytest-rerunfailures", "--format", "json"]);
    let plan: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let group = &plan["cycles"][0];
    assert_eq!(
        group["members"],
        serde_json::json!(["python-pytest-rerunfailures", "python-sphinx-issues"])
    );
    // Each needs the other only for docs or tests: one bootstrap, at a %bcond.
    let bootstrap = group["bootstrap"].as_array().unwrap();
    assert_eq!(bootstrap.len(), 1, "{group}");
    let tooling = bootstrap[0]["drop"][0]["tooling"].as_str().unwrap();
    assert!(["documentation", "test"].contains(&tooling), "{group}");
    assert_eq!(group["exact"], true);
    let err = stderr(&out);
    assert!(
        err.contains("1. bootstrap 1 package(s) (a minimum set)"),
        "{err}"
    );
    assert!(
        !err.contains("edge:"),
        "edge-level hints only with --verbose: {err}"
    );
    let verbose = run(&["plan", "python-pytest-rerunfailures", "--verbose"]);
    assert!(
        stderr(&verbose).contains("edge: build `"),
        "{}",
        stderr(&verbose)
    );
    let chain = run(&["plan", "python-pytest-rerunfailures"]);
    let chain = stdout(&chain);
    assert!(
        chain.contains("python-pytest-rerunfailures") && chain.contains("python-sphinx-issues"),
        "{chain}"
    );
}

#[test]
fn skip_leaves_a_package_out() {
    let out = run(&["plan", "python-b4", "--skip", "python-dkimpy"]);
    assert_eq!(
        stdout(&out),
        "python-patatt : python-b4\n",
        "{}",
        stderr(&out)
    );
}

#[test]
fn report_written_atomically_and_read_back_by_plan() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b4.json");
    let out = run(&[
        "missing",
        "python-b4",
        "--format",
        "json",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(stdout(&out), "");
    let cache = tempfile::tempdir().unwrap();
    let plan = ebranch(&["plan", file.to_str().unwrap()], cache.path());
    assert_eq!(stdout(&plan), "python-dkimpy python-patatt : python-b4\n");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left");
}

#[test]
fn queries_on_the_demo() {
    let cache = tempfile::tempdir().unwrap();
    let repos = repo_root().join("demo/repos");
    let raw = repos.join("rawhide").to_string_lossy().into_owned();
    let src = repos.join("rawhide-source").to_string_lossy().into_owned();
    let out = ebranch(
        &["query", "build-reqs", "python-b4", "--repo", &src],
        cache.path(),
    );
    assert!(
        stdout(&out).contains("python3dist(patatt)"),
        "{}",
        stderr(&out)
    );
    let out = ebranch(
        &[
            "query",
            "whatprovides",
            "python3dist(dkimpy) >= 1.0.5",
            "--repo",
            &raw,
        ],
        cache.path(),
    );
    assert!(
        stdout(&out).starts_with("python3-dkimpy-"),
        "{}",
        stderr(&out)
    );
    let out = ebranch(
        &["query", "subpkgs", "python-dkimpy", "--repo", &raw],
        cache.path(),
    );
    assert!(
        stdout(&out).starts_with("python3-dkimpy-"),
        "{}",
        stderr(&out)
    );
    let out = ebranch(
        &[
            "query",
            "whatrequires",
            "python3dist(dkimpy)",
            "--repo",
            &src,
        ],
        cache.path(),
    );
    assert!(stdout(&out).contains("python-b4-"), "{}", stderr(&out));
    let out = ebranch(
        &["query", "info", "python-b4", "--repo", &src, "--json"],
        cache.path(),
    );
    let info: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(info[0]["arch"], "src");
}

#[test]
fn named_demo_releases_work_offline_from_any_directory() {
    let cache = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let config = repo_root().join("demo/releases.toml");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ebranch"))
        .current_dir(elsewhere.path())
        .arg("--config")
        .arg(&config)
        .args([
            "plan",
            "python-b4",
            "--reference",
            "demo-rawhide",
            "--target",
            "demo-epel10",
        ])
        .args(["--offline", "--cache-dir"])
        .arg(cache.path())
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        "python-dkimpy python-patatt : python-b4\n",
        "{}",
        stderr(&out)
    );
}

#[cfg(unix)]
#[test]
fn rewriting_an_output_file_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b4.json");
    std::fs::write(&file, "{}").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    run(&[
        "missing",
        "python-b4",
        "--format",
        "json",
        "-o",
        file.to_str().unwrap(),
    ]);
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("python-dkimpy")
    );
}

//! `ebranch missing --format tsv` against libsolv's closure (`solv_oracle.py closure`).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::*;

/// Reference binary and source repos and the target, as the oracle takes them.
struct Universe {
    ref_bin: String,
    ref_src: String,
    target: String,
}

fn debian() -> Universe {
    Universe {
        ref_bin: data("debian-rpmmd/sid-bin"),
        ref_src: data("debian-rpmmd/sid-src"),
        target: data("debian-rpmmd/bookworm-bin"),
    }
}

fn rhel_optional_on_server() -> Universe {
    Universe {
        ref_bin: rhel("Server-optional/x86_64/os"),
        ref_src: rhel("Server-optional/source/tree"),
        target: rhel("Server/x86_64/os"),
    }
}

/// Our rows for one root.
fn ours(u: &Universe, root: &str, install: bool, cache: &Path) -> String {
    let mut args = vec![
        "missing",
        root,
        "--ref-repo",
        &u.ref_bin,
        "--ref-repo",
        &u.ref_src,
        "--target-repo",
        &u.target,
        "--format",
        "tsv",
        // the oracle's pool uses libsolv's x86_64 policy, which accepts i686 too
        "--arch",
        "x86_64",
        "--arch",
        "i686",
        // the oracle takes every Requires literally
        "--literal-install-deps",
    ];
    if !install {
        args.push("--no-install-deps");
    }
    let out = ebranch(&args, cache);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{root}: {}",
        stderr(&out)
    );
    stdout(&out)
}

/// The oracle's rows for each root (one pool load for all).
fn oracle(u: &Universe, roots: &[String], install: bool) -> Option<BTreeMap<String, String>> {
    let python = oracle_python()?;
    let mut cmd = Command::new(python);
    cmd.arg(repo_root().join("tests/oracle/closure_batch.py"))
        .args([
            "--ref-bin",
            &u.ref_bin,
            "--ref-src",
            &u.ref_src,
            "--target",
            &u.target,
        ]);
    if !install {
        cmd.arg("--no-install");
    }
    let out = cmd.args(roots).output().expect("oracle runs");
    assert!(out.status.success(), "oracle: {}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut map = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(root) = line.strip_prefix("### ") {
            current = Some(root.to_owned());
            map.insert(root.to_owned(), String::new());
        } else {
            let rows = map
                .get_mut(current.as_ref().expect("a root header first"))
                .unwrap();
            rows.push_str(line);
            rows.push('\n');
        }
    }
    Some(map)
}

fn compare(u: &Universe, roots: &[String], install: bool) {
    let Some(theirs) = oracle(u, roots, install) else {
        return;
    };
    let cache = tempfile::tempdir().unwrap();
    for root in roots {
        let ours = ours(u, root, install, cache.path());
        assert_same_lines(
            &ours,
            &theirs[root],
            &format!("closure of {root} (install deps: {install})"),
        );
    }
}

#[test]
fn debian_expected_files_from_the_shared_oracle() {
    let u = debian();
    let cache = tempfile::tempdir().unwrap();
    for root in ["b4", "drgn", "meson"] {
        let want = std::fs::read_to_string(data(&format!(
            "debian-rpmmd/expected/closure-sid-to-bookworm-{root}.tsv"
        )))
        .unwrap();
        assert_same_lines(&ours(&u, root, true, cache.path()), &want, root);
    }
}

#[test]
fn thirty_random_debian_roots_with_install_deps() {
    let u = debian();
    let roots = draw(&source_names(&u.ref_src), 30, 20261126);
    compare(&u, &roots, true);
}

#[test]
fn thirty_random_debian_roots_build_deps_only() {
    let u = debian();
    let roots = draw(&source_names(&u.ref_src), 30, 20261126);
    compare(&u, &roots, false);
}

#[test]
fn thirty_random_rhel_optional_roots_on_server() {
    let u = rhel_optional_on_server();
    let roots = draw(&source_names(&u.ref_src), 30, 7);
    compare(&u, &roots, true);
    compare(&u, &roots, false);
}

#[test]
fn batch_oracle_agrees_with_the_shared_oracle() {
    let Some(python) = oracle_python() else {
        return;
    };
    let u = rhel_optional_on_server();
    let roots = draw(&source_names(&u.ref_src), 3, 11);
    let batch = oracle(&u, &roots, true).unwrap();
    for root in &roots {
        let out = Command::new(python)
            .arg(shared_data().join("../tools/solv_oracle.py"))
            .args([
                "closure",
                "--ref-bin",
                &u.ref_bin,
                "--ref-src",
                &u.ref_src,
                "--target",
                &u.target,
            ])
            .arg(root)
            .output()
            .unwrap();
        let mut single = String::from_utf8(out.stdout).unwrap();
        if single.trim().is_empty() {
            single.clear();
        } else if !single.ends_with('\n') {
            single.push('\n');
        }
        assert_eq!(batch[root], single, "{root}");
    }
}

#[test]
fn gap_counts_agree_with_each_closure() {
    let u = debian();
    let roots = draw(&source_names(&u.ref_src), 6, 99);
    let cache = tempfile::tempdir().unwrap();
    let flags = [
        "--ref-repo",
        u.ref_bin.as_str(),
        "--ref-repo",
        u.ref_src.as_str(),
        "--target-repo",
        u.target.as_str(),
    ];
    let mut args = vec!["gap", "--format", "tsv"];
    args.extend(flags);
    args.push("--only");
    args.extend(roots.iter().map(String::as_str));
    let out = ebranch(&args, cache.path());
    let table = stdout(&out);
    assert_eq!(table.lines().count(), roots.len() + 1, "{}", stderr(&out));
    for line in table.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (root, transitive) = (cols[0], cols[3].parse::<usize>().unwrap());
        let mut args = vec!["missing", root, "--format", "json"];
        args.extend(flags);
        let report: serde_json::Value =
            serde_json::from_str(&stdout(&ebranch(&args, cache.path()))).unwrap();
        let others = report.as_object().unwrap().len() - 1;
        assert_eq!(transitive, others, "closure size of {root}");
    }
}

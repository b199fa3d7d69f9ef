//! `whatprovides` against libsolv for every distinct requirement of real repositories.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::*;
use ebranch_index::{ArchSet, Pool, RepoId, RepoInput};
use ebranch_repodata::{ReadOptions, read_repo};

/// Our answer: requirement text → sorted providers, for the packages of the first repo.
fn ours(dirs: &[String], arches: &[&str]) -> String {
    let inputs = dirs
        .iter()
        .map(|d| RepoInput {
            label: d.clone(),
            data: read_repo(Path::new(d), &ReadOptions::default()).expect("repo reads"),
        })
        .collect();
    let pool = Pool::new(inputs, ArchSet::for_basearches(arches.iter().copied())).unwrap();
    let mut answers: BTreeMap<String, String> = BTreeMap::new();
    for p in pool.repo_packages(RepoId(0)) {
        for dep in pool.package(p).requires() {
            let text = dep.to_string();
            if answers.contains_key(&text) {
                continue;
            }
            let mut providers: Vec<String> = dep
                .providers()
                .into_iter()
                .map(|q| pool.package(q).nevra())
                .collect();
            providers.sort();
            answers.insert(text, providers.join(" "));
        }
    }
    let mut out = String::new();
    for (k, v) in answers {
        out.push_str(&k);
        out.push('\t');
        out.push_str(&v);
        out.push('\n');
    }
    out
}

fn libsolv(dirs: &[String], arch: &str) -> Option<String> {
    let python = oracle_python()?;
    let script = repo_root().join("tests/oracle/whatprovides.py");
    let out = Command::new(python)
        .arg(script)
        .arg(arch)
        .args(dirs)
        .output()
        .expect("oracle runs");
    assert!(out.status.success(), "oracle failed: {}", stderr(&out));
    Some(String::from_utf8(out.stdout).unwrap())
}

/// Python sorts strings by code point, as Rust does; both sides are sorted the same way.
fn check(dirs: &[String], what: &str) {
    let Some(theirs) = libsolv(dirs, "x86_64") else {
        return;
    };
    // libsolv's x86_64 policy also accepts i686 packages.
    let ours = ours(dirs, &["x86_64", "i686"]);
    assert_same_lines(&ours, &theirs, what);
}

#[test]
fn every_requirement_of_centos_stream_9_appstream() {
    check(
        &[data("cs9-osbuild-testrepos/appstream-2025-01")],
        "AppStream whatprovides",
    );
}

#[test]
fn every_requirement_of_appstream_with_baseos_files() {
    check(
        &[
            data("cs9-osbuild-testrepos/baseos-2022-02"),
            data("cs9-osbuild-testrepos/appstream-2025-01"),
        ],
        "BaseOS+AppStream whatprovides",
    );
}

#[test]
fn every_build_requirement_of_rhel_server_sources() {
    check(
        &[
            rhel("Server/source/tree"),
            rhel("Server/x86_64/os"),
            rhel("Server-optional/x86_64/os"),
        ],
        "RHEL source whatprovides",
    );
}

#[test]
fn every_requirement_of_rhel_server_binaries() {
    check(
        &[rhel("Server/x86_64/os"), rhel("Server-optional/x86_64/os")],
        "RHEL binary whatprovides",
    );
}

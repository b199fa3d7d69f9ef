//! `ebranch repoclosure` against dnf's and libsolv's answers on real data.

mod common;

use common::*;

fn expected(rel: &str) -> String {
    std::fs::read_to_string(data(rel)).expect("expected file is readable")
}

#[test]
fn rhel_server_sources_against_server_binaries_match_dnf() {
    let cache = tempfile::tempdir().unwrap();
    let out = ebranch(
        &[
            "repoclosure",
            "--repo",
            &rhel("Server/x86_64/os"),
            "--check",
            &rhel("Server/source/tree"),
            // dnf's x86_64 sack holds the i686 multilib packages too.
            "--arch",
            "x86_64",
            "--arch",
            "i686",
        ],
        cache.path(),
    );
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    assert_same_lines(
        &stdout(&out),
        &expected(
            "whatpkgs-rhel73beta-fedora25/expected/rhel73beta-server-src-vs-server-bin.repoclosure.tsv",
        ),
        "RHEL Server repoclosure",
    );
}

#[test]
fn rhel_server_and_optional_match_dnf() {
    let cache = tempfile::tempdir().unwrap();
    let out = ebranch(
        &[
            "repoclosure",
            "--repo",
            &rhel("Server/x86_64/os"),
            "--repo",
            &rhel("Server-optional/x86_64/os"),
            "--check",
            &rhel("Server/source/tree"),
            "--check",
            &rhel("Server-optional/source/tree"),
            "--arch",
            "x86_64",
            "--arch",
            "i686",
        ],
        cache.path(),
    );
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    assert_same_lines(
        &stdout(&out),
        &expected(
            "whatpkgs-rhel73beta-fedora25/expected/rhel73beta-server+optional-src-vs-server+optional-bin.repoclosure.tsv",
        ),
        "RHEL Server+optional repoclosure",
    );
}

#[test]
fn rhel_binaries_are_closed() {
    let cache = tempfile::tempdir().unwrap();
    let out = ebranch(
        &[
            "repoclosure",
            "--check",
            &rhel("Server/x86_64/os"),
            "--check",
            &rhel("Server-optional/x86_64/os"),
            "--arch",
            "x86_64",
            "--arch",
            "i686",
        ],
        cache.path(),
    );
    assert_eq!(stdout(&out), "", "stderr: {}", stderr(&out));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn debian_sid_sources_against_bookworm_match_libsolv_cold_and_warm() {
    let cache = tempfile::tempdir().unwrap();
    let want = zstd::decode_all(
        std::fs::File::open(data(
            "debian-rpmmd/expected/sid-src-vs-bookworm-bin.direct.tsv.zst",
        ))
        .unwrap(),
    )
    .unwrap();
    let want = String::from_utf8(want).unwrap();
    let args = [
        "repoclosure",
        "--repo",
        &data("debian-rpmmd/bookworm-bin"),
        "--check",
        &data("debian-rpmmd/sid-src"),
        "--arch",
        "x86_64",
    ];
    for run in ["cold", "warm"] {
        let out = ebranch(&args, cache.path());
        assert_eq!(out.status.code(), Some(1), "{run}: {}", stderr(&out));
        let mut got = stdout(&out);
        if !want.ends_with('\n') {
            got = got.trim_end_matches('\n').to_owned();
        }
        assert_same_lines(&got, &want, run);
    }
}

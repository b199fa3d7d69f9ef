//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use ebranch_repodata::{DepKind, RepoData};

/// A path under the shared data directory (read-only).
pub fn data(rel: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).join(rel)
}

pub const SID_SRC: &str = "debian-rpmmd/sid-src";
pub const SID_BIN: &str = "debian-rpmmd/sid-bin";
pub const BOOKWORM_BIN: &str = "debian-rpmmd/bookworm-bin";
pub const RHEL_SERVER_BIN: &str = "whatpkgs-rhel73beta-fedora25/RHEL-7/7.3-Beta/Server/x86_64/os";
pub const RHEL_SERVER_SRC: &str = "whatpkgs-rhel73beta-fedora25/RHEL-7/7.3-Beta/Server/source/tree";
pub const RHEL_OPTIONAL_BIN: &str =
    "whatpkgs-rhel73beta-fedora25/RHEL-7/7.3-Beta/Server-optional/x86_64/os";
pub const RHEL_OPTIONAL_SRC: &str =
    "whatpkgs-rhel73beta-fedora25/RHEL-7/7.3-Beta/Server-optional/source/tree";
pub const APPSTREAM: &str = "cs9-osbuild-testrepos/appstream-2025-01";
pub const BASEOS: &str = "cs9-osbuild-testrepos/baseos-2022-02";
pub const F25_SRC: &str =
    "whatpkgs-rhel73beta-fedora25/fedora/linux/development/25/gencore-override/source/tree";

/// Indexes of the packages called `name` with architecture `arch`.
pub fn find(r: &RepoData, name: &str, arch: &str) -> Vec<usize> {
    (0..r.len())
        .filter(|&i| r.str(r.packages[i].name) == name && r.str(r.packages[i].arch) == arch)
        .collect()
}

/// The one package called `name`-`evr`.`arch`.
pub fn find_one(r: &RepoData, name: &str, evr: &str, arch: &str) -> usize {
    let found: Vec<_> = find(r, name, arch)
        .into_iter()
        .filter(|&i| r.str(r.packages[i].evr) == evr)
        .collect();
    assert_eq!(found.len(), 1, "{name}-{evr}.{arch}");
    found[0]
}

/// Dependencies as text: `name`, or `name OP evr`, with ` [pre]` when set.
pub fn deps(r: &RepoData, pkg: usize, kind: DepKind) -> Vec<String> {
    r.deps(pkg, kind)
        .iter()
        .map(|d| {
            let op = match d.flags {
                0 => "",
                2 => "<",
                4 => ">",
                8 => "=",
                10 => "<=",
                12 => ">=",
                6 => "<>",
                _ => "?",
            };
            let mut s = r.str(d.name).to_string();
            if !op.is_empty() {
                s = format!("{s} {op} {}", r.str(d.evr));
            }
            if d.pre {
                s.push_str(" [pre]");
            }
            s
        })
        .collect()
}

/// File paths of a package.
pub fn files(r: &RepoData, pkg: usize) -> Vec<String> {
    r.files(pkg)
        .iter()
        .map(|f| r.str(f.path).to_string())
        .collect()
}

/// Copies the repository at `src` (repodata/ only) into a new temporary
/// directory and returns it.
pub fn copy_repo(src: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("repodata");
    std::fs::create_dir(&to).unwrap();
    for entry in std::fs::read_dir(src.join("repodata")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        let mut perms = std::fs::metadata(to.join(entry.file_name()))
            .unwrap()
            .permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(to.join(entry.file_name()), perms).unwrap();
    }
    dir
}

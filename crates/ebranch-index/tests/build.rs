//! Building a pool: the repository with the most strings lends its string table to the
//! pool, and every package of every repository reads back exactly as it was parsed,
//! whichever repository that is.

use std::path::{Path, PathBuf};

use ebranch_index::{ArchSet, PackageRef, Pool, RepoInput};
use ebranch_repodata::{DepKind, ReadOptions, RepoData, read_repo};

fn data(rel: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).join(rel)
}

const RHEL_SERVER_BIN: &str = "whatpkgs-rhel73beta-fedora25/RHEL-7/7.3-Beta/Server/x86_64/os";
const RHEL_OPTIONAL_SRC: &str =
    "whatpkgs-rhel73beta-fedora25/RHEL-7/7.3-Beta/Server-optional/source/tree";

/// A package as text, straight from the parsed repository.
fn as_parsed(data: &RepoData, local: usize) -> String {
    let p = &data.packages[local];
    let s = |id| data.str(id);
    let mut out = format!(
        "{} {} {} {} {}\n",
        s(p.name),
        s(p.evr),
        s(p.arch),
        s(p.sourcerpm),
        s(p.location)
    );
    for kind in DepKind::ALL {
        for d in data.deps(local, kind) {
            out.push_str(&format!(
                "  {} {} {} {} {}\n",
                kind.name(),
                s(d.name),
                d.flags,
                s(d.evr),
                d.pre
            ));
        }
    }
    for f in data.files(local) {
        out.push_str(&format!("  file {}\n", s(f.path)));
    }
    out
}

/// The same text, from the pool.
fn as_pooled(pkg: PackageRef<'_>) -> String {
    let mut out = format!(
        "{} {} {} {} {}\n",
        pkg.name(),
        pkg.evr(),
        pkg.arch(),
        pkg.sourcerpm(),
        pkg.location()
    );
    for kind in DepKind::ALL {
        for d in pkg.deps(kind) {
            out.push_str(&format!(
                "  {} {} {} {} {}\n",
                kind.name(),
                d.name(),
                d.flags().bits(),
                d.evr(),
                d.is_pre()
            ));
        }
    }
    for f in pkg.files() {
        out.push_str(&format!("  file {f}\n"));
    }
    out
}

#[test]
fn every_package_reads_back_as_parsed_whichever_repository_lends_its_table() {
    let read = |d: &str| read_repo(&data(d), &ReadOptions::default()).unwrap();
    let (small, large) = (read(RHEL_OPTIONAL_SRC), read(RHEL_SERVER_BIN));
    assert!(small.strings.len() < large.strings.len());
    for order in [[&small, &large], [&large, &small]] {
        let expected: Vec<String> = (order.iter())
            .flat_map(|d| (0..d.packages.len()).map(|local| as_parsed(d, local)))
            .collect();
        let inputs = (order.iter())
            .map(|d| RepoInput {
                label: String::new(),
                data: (*d).clone(),
            })
            .collect();
        let pool = Pool::new(inputs, ArchSet::for_basearch("x86_64")).unwrap();
        let got: Vec<String> = pool
            .packages()
            .map(|p| as_pooled(pool.package(p)))
            .collect();
        assert_eq!(got.len(), expected.len());
        for (g, e) in got.iter().zip(&expected) {
            assert_eq!(g, e);
        }
        assert!(expected.iter().any(|p| p.contains("  file /")));
    }
}

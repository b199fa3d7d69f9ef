//! The binary cache: hits, misses, rebuilds, and damaged files.

mod common;

use std::path::Path;

use common::*;
use ebranch_repodata::{
    CacheInvalid, CacheOutcome, ReadOptions, RepoData, Repomd, cache_path, load_repo, read_cache,
    read_repo, write_cache,
};

fn opts() -> ReadOptions {
    ReadOptions::default()
}

fn load(repo: &Path, cache: &Path) -> (RepoData, CacheOutcome) {
    load_repo(repo, Some(cache), &opts()).unwrap()
}

#[test]
fn miss_then_hit_round_trips() {
    let cache = tempfile::tempdir().unwrap();
    for rel in [F25_SRC, RHEL_SERVER_BIN, APPSTREAM] {
        let repo = data(rel);
        let fresh = read_repo(&repo, &opts()).unwrap();
        let (first, outcome) = load(&repo, cache.path());
        assert!(matches!(outcome, CacheOutcome::Miss), "{outcome:?}");
        assert_eq!(first, fresh);
        let (second, outcome) = load(&repo, cache.path());
        assert!(matches!(outcome, CacheOutcome::Hit), "{outcome:?}");
        assert_eq!(second, fresh, "{rel}: cached data equals parsed data");
        assert_eq!(second.has_filelists, fresh.has_filelists);
        // The lazily rebuilt string index works on cached data.
        let name = second.str(second.packages[0].name).to_string();
        assert_eq!(second.strings.lookup(&name), Some(second.packages[0].name));
    }
}

#[test]
fn disabled_without_cache_dir() {
    let (r, outcome) = load_repo(&data(F25_SRC), None, &opts()).unwrap();
    assert!(matches!(outcome, CacheOutcome::Disabled));
    assert_eq!(r.len(), 71);
}

#[test]
fn stale_key_rebuilds() {
    let repo = copy_repo(&data(F25_SRC));
    let cache = tempfile::tempdir().unwrap();
    let (_, outcome) = load(repo.path(), cache.path());
    assert!(matches!(outcome, CacheOutcome::Miss));
    // A new repomd.xml (here: another revision) means new metadata.
    let md = Repomd::path_in(repo.path());
    let text = std::fs::read_to_string(&md).unwrap();
    let changed = text.replacen("<revision>", "<revision>1", 1);
    assert_ne!(text, changed);
    std::fs::write(&md, changed).unwrap();
    let (r, outcome) = load(repo.path(), cache.path());
    assert!(
        matches!(outcome, CacheOutcome::Rebuilt(CacheInvalid::StaleKey)),
        "{outcome:?}"
    );
    assert_eq!(r.repomd_checksum, Repomd::read(repo.path()).unwrap().sha256);
    let (_, outcome) = load(repo.path(), cache.path());
    assert!(matches!(outcome, CacheOutcome::Hit), "{outcome:?}");
}

#[test]
fn options_are_part_of_the_key() {
    let repo = data(F25_SRC);
    let cache = tempfile::tempdir().unwrap();
    let no_fl = ReadOptions { filelists: false };
    let (_, o1) = load_repo(&repo, Some(cache.path()), &opts()).unwrap();
    let (r2, o2) = load_repo(&repo, Some(cache.path()), &no_fl).unwrap();
    assert!(matches!(o1, CacheOutcome::Miss));
    assert!(matches!(o2, CacheOutcome::Miss), "{o2:?}");
    assert!(!r2.has_filelists);
    // A file written with one set of options is refused for another.
    let path = cache_path(cache.path(), &repo, &opts());
    let key = Repomd::read(&repo).unwrap().sha256;
    assert!(read_cache(&path, &key, &opts()).unwrap().is_some());
    assert!(read_cache(&path, &key, &no_fl).unwrap().is_none());
    assert!(read_cache(&path, "another key", &opts()).unwrap().is_none());
}

#[test]
fn corrupt_or_foreign_cache_files_rebuild() {
    let repo = data(F25_SRC);
    let cache = tempfile::tempdir().unwrap();
    let (good, _) = load(&repo, cache.path());
    let path = cache_path(cache.path(), &repo, &opts());
    let bytes = std::fs::read(&path).unwrap();

    type Check = fn(&CacheInvalid) -> bool;
    let cases: Vec<(Vec<u8>, Check)> = vec![
        (b"not a cache".to_vec(), |r| *r == CacheInvalid::BadMagic),
        (Vec::new(), |r| *r == CacheInvalid::BadMagic),
        (
            {
                let mut b = bytes.clone();
                b[8] = 99;
                b
            },
            |r| *r == CacheInvalid::Version(99),
        ),
        (bytes[..bytes.len() - 1].to_vec(), |r| {
            *r == CacheInvalid::Truncated
        }),
        (
            {
                let mut b = bytes.clone();
                let n = b.len();
                b[n - 100] ^= 0x10;
                b
            },
            |r| *r == CacheInvalid::Checksum,
        ),
    ];
    for (content, expected) in cases {
        std::fs::write(&path, &content).unwrap();
        let (r, outcome) = load(&repo, cache.path());
        match &outcome {
            CacheOutcome::Rebuilt(reason) => assert!(expected(reason), "{reason}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(r, good);
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "cache rewritten");
    }
}

#[test]
fn every_truncation_and_many_bit_flips_are_refused_without_panic() {
    let repo = data(F25_SRC);
    let cache = tempfile::tempdir().unwrap();
    let (good, _) = load(&repo, cache.path());
    let path = cache_path(cache.path(), &repo, &opts());
    let key = good.repomd_checksum.clone();
    let bytes = std::fs::read(&path).unwrap();
    let probe = cache.path().join("probe.idx");

    let step = (bytes.len() / 400).max(1);
    for len in (0..bytes.len())
        .step_by(step)
        .chain(bytes.len() - 40..bytes.len())
    {
        std::fs::write(&probe, &bytes[..len]).unwrap();
        assert!(
            read_cache(&probe, &key, &opts()).unwrap().is_none(),
            "len {len}"
        );
    }
    // A deterministic spread of single-bit flips over the whole file.
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for _ in 0..600 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let at = (seed % bytes.len() as u64) as usize;
        let bit = (seed >> 40) % 8;
        let mut b = bytes.clone();
        b[at] ^= 1 << bit;
        std::fs::write(&probe, &b).unwrap();
        assert!(
            read_cache(&probe, &key, &opts()).unwrap().is_none(),
            "flip at {at} bit {bit}"
        );
    }
    std::fs::write(&probe, &bytes).unwrap();
    assert_eq!(read_cache(&probe, &key, &opts()).unwrap(), Some(good));
}

#[test]
fn write_failure_is_reported_not_fatal() {
    let repo = data(F25_SRC);
    let dir = tempfile::tempdir().unwrap();
    let not_a_dir = dir.path().join("file");
    std::fs::write(&not_a_dir, b"x").unwrap();
    let (r, outcome) = load_repo(&repo, Some(&not_a_dir), &opts()).unwrap();
    assert_eq!(r.len(), 71);
    let CacheOutcome::WriteFailed { reason, error } = outcome else {
        panic!("{outcome:?}")
    };
    // Looking for <file>/<name>.idx fails with "not a directory".
    assert!(matches!(reason, CacheInvalid::Unreadable(_)), "{reason}");
    assert!(error.to_string().contains("cannot write cache"), "{error}");
    assert!(!error.to_string().contains('\n'));
}

#[test]
fn write_cache_is_atomic_and_read_back() {
    let r = read_repo(&data(RHEL_SERVER_SRC), &opts()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.idx");
    write_cache(&r, &opts(), &path).unwrap();
    write_cache(&r, &opts(), &path).unwrap();
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "no temporary files left behind");
    let back = read_cache(&path, &r.repomd_checksum, &opts()).unwrap();
    assert_eq!(back.as_ref(), Some(&r));
    assert!(
        read_cache(&dir.path().join("missing.idx"), "k", &opts())
            .unwrap()
            .is_none()
    );
}

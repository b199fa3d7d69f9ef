//! Pool images: a pool read back from its image answers exactly like the pool it was
//! written from, and a damaged, truncated, stale or foreign image is refused, never
//! trusted and never a panic.

use std::path::{Path, PathBuf};

use ebranch_index::{ArchSet, Pool, PoolKey, RepoInput};
use ebranch_repodata::fasthash::hash;
use ebranch_repodata::{CacheInvalid, DepKind, ReadOptions, read_repo};

fn data(rel: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).join(rel)
}

const RHEL_SERVER_BIN: &str = "whatpkgs-rhel73beta-fedora25/RHEL-7/7.3-Beta/Server/x86_64/os";
const RHEL_SERVER_SRC: &str = "whatpkgs-rhel73beta-fedora25/RHEL-7/7.3-Beta/Server/source/tree";
const F25_SRC: &str =
    "whatpkgs-rhel73beta-fedora25/fedora/linux/development/25/gencore-override/source/tree";
const APPSTREAM: &str = "cs9-osbuild-testrepos/appstream-2025-01";

fn arches() -> ArchSet {
    ArchSet::for_basearches(["x86_64", "i686"])
}

fn labels(dirs: &[&str]) -> Vec<String> {
    dirs.iter().map(|d| d.to_string()).collect()
}

fn build(dirs: &[&str]) -> Pool {
    let inputs = dirs
        .iter()
        .map(|d| RepoInput {
            label: d.to_string(),
            data: read_repo(&data(d), &ReadOptions::default()).unwrap(),
        })
        .collect();
    Pool::new(inputs, arches()).unwrap()
}

fn key(n: usize) -> PoolKey {
    let sums: Vec<String> = (0..n).map(|i| format!("{i:064x}")).collect();
    PoolKey::new(sums.iter().map(|s| (s.as_str(), 1)), &arches())
}

/// Everything a question can ask of a pool, as text: every package's fields, files and
/// dependencies of every kind with their providers, and lookups by name and source.
fn describe(pool: &Pool) -> String {
    let mut out = String::new();
    for p in pool.packages() {
        let pkg = pool.package(p);
        out.push_str(&format!(
            "{} {} {} {} {} {:?} {}\n",
            pkg.nevra(),
            pkg.source_name(),
            pkg.sourcerpm(),
            pkg.location(),
            pool.repo_label(pkg.repo()),
            pkg.is_source(),
            pool.is_installable(p),
        ));
        for kind in DepKind::ALL {
            for d in pkg.deps(kind) {
                let providers: Vec<u32> = d.providers().iter().map(|q| q.0).collect();
                out.push_str(&format!(
                    "  {} {d} pre={} rich={} {:?}\n",
                    kind.name(),
                    d.is_pre(),
                    d.is_rich(),
                    providers
                ));
            }
        }
        for f in pkg.files() {
            out.push_str(&format!("  file {f}\n"));
        }
        out.push_str(&format!(
            "  named {:?} built {:?}\n",
            pool.packages_named(pkg.name()),
            pool.binaries_of_source(pkg.source_name())
        ));
    }
    out
}

#[test]
fn a_pool_read_from_its_image_answers_like_the_built_pool() {
    let mut all = String::new();
    for dirs in [&[RHEL_SERVER_BIN, RHEL_SERVER_SRC][..], &[APPSTREAM][..]] {
        let built = build(dirs);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pool.idx");
        let key = key(dirs.len());
        built.write_image(&key, &path).unwrap();
        let read = Pool::read_image(&path, &key, labels(dirs), arches()).unwrap();
        assert_eq!(read.len(), built.len());
        assert_eq!(read.dep_count(), built.dep_count());
        let (a, b) = (describe(&built), describe(&read));
        assert!(a == b, "{dirs:?}: image differs from the built pool");
        all.push_str(&a);
        for text in ["bash", "/bin/sh", "glibc", "no-such-name"] {
            assert_eq!(read.lookup(text), built.lookup(text), "{text}");
        }
    }
    assert!(all.contains(" file /"), "the data has files");
    assert!(all.contains("rich=true"), "the data has rich dependencies");
}

fn written_image() -> (tempfile::TempDir, PathBuf, Vec<u8>) {
    let pool = build(&[F25_SRC]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pool.idx");
    pool.write_image(&key(1), &path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    (dir, path, bytes)
}

fn read(path: &Path) -> Result<Pool, CacheInvalid> {
    Pool::read_image(path, &key(1), labels(&[F25_SRC]), arches())
}

fn u32_at(bytes: &[u8], at: usize) -> usize {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize
}

/// Where the section table starts (after the key) and ends (where the sections start).
fn table_span(bytes: &[u8]) -> (usize, usize) {
    let table = 32 + u32_at(bytes, 28);
    (table, table + 4 + 16 * u32_at(bytes, table))
}

/// Each section of an image: where its table entry is, where its bytes start, their length.
fn sections(bytes: &[u8]) -> Vec<(usize, usize, usize)> {
    let (table, mut at) = table_span(bytes);
    let mut out = Vec::new();
    for entry in (table + 4..).step_by(16).take(u32_at(bytes, table)) {
        let len = u64::from_le_bytes(bytes[entry..entry + 8].try_into().unwrap()) as usize;
        out.push((entry, at, len));
        at += len;
    }
    out
}

/// Rewrites every section's checksum and the header's, so that only structural checks can
/// catch the damage.
fn reseal(bytes: &mut [u8]) {
    for (entry, at, len) in sections(bytes) {
        if let Some(section) = bytes.get(at..at + len) {
            let sum = hash(section).to_le_bytes();
            bytes[entry + 8..entry + 16].copy_from_slice(&sum);
        }
    }
    let (_, end) = table_span(bytes);
    let sum = hash(&bytes[20..end]).to_le_bytes();
    bytes[12..20].copy_from_slice(&sum);
}

#[test]
fn stale_foreign_and_missing_images_are_refused() {
    let (dir, path, bytes) = written_image();
    assert!(read(&path).is_ok());
    let other_key = key(2);
    assert_eq!(
        Pool::read_image(&path, &other_key, labels(&[F25_SRC, F25_SRC]), arches()).err(),
        Some(CacheInvalid::StaleKey)
    );
    assert_eq!(
        read(&dir.path().join("none.idx")).err(),
        Some(CacheInvalid::Missing)
    );
    let mut b = bytes.clone();
    b[20] ^= 1;
    reseal(&mut b);
    std::fs::write(&path, &b).unwrap();
    assert_eq!(read(&path).err(), Some(CacheInvalid::OtherBuild));
    let mut b = bytes.clone();
    b[8] = 9;
    std::fs::write(&path, &b).unwrap();
    assert_eq!(read(&path).err(), Some(CacheInvalid::Version(9)));
    std::fs::write(&path, b"EBRCACHE and more").unwrap();
    assert_eq!(read(&path).err(), Some(CacheInvalid::BadMagic));
}

#[test]
fn every_truncation_and_bit_flip_is_refused() {
    let (_dir, path, bytes) = written_image();
    let step = (bytes.len() / 500).max(1);
    for len in (0..bytes.len())
        .step_by(step)
        .chain(bytes.len() - 64..bytes.len())
    {
        std::fs::write(&path, &bytes[..len]).unwrap();
        assert!(read(&path).is_err(), "truncated to {len}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    std::fs::write(&path, &longer).unwrap();
    assert_eq!(read(&path).err(), Some(CacheInvalid::Truncated));
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..800 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let at = (seed % bytes.len() as u64) as usize;
        let mut b = bytes.clone();
        b[at] ^= 1 << ((seed >> 40) % 8);
        std::fs::write(&path, &b).unwrap();
        assert!(read(&path).is_err(), "flip at {at}");
    }
}

/// Damage that keeps a valid checksum must be caught by the structural checks or leave a
/// pool that answers every question without panicking.
#[test]
fn resealed_damage_is_caught_or_harmless() {
    let (_dir, path, bytes) = written_image();
    let mut refused = 0;
    let mut tried = 0;
    // A spread of bytes over the sections, three ways each.
    let (_, sections_at) = table_span(&bytes);
    for at in (sections_at..bytes.len()).step_by(bytes.len() / 600 + 1) {
        for mask in [0x01u8, 0x80, 0xFF] {
            let mut b = bytes.clone();
            b[at] ^= mask;
            reseal(&mut b);
            std::fs::write(&path, &b).unwrap();
            tried += 1;
            match read(&path) {
                Ok(pool) => {
                    let _ = describe(&pool);
                    for name in ["bash", "(a or b)", "/bin/sh"] {
                        let _ = pool.lookup(name);
                    }
                }
                Err(_) => refused += 1,
            }
        }
    }
    assert!(refused * 2 > tried, "{refused} of {tried} refused");
}

/// Each section is checked against its own checksum, and the key and section table
/// against the header's.
#[test]
fn a_flip_in_any_section_or_in_the_section_table_is_refused() {
    let (_dir, path, bytes) = written_image();
    let (table, end) = table_span(&bytes);
    let spans = sections(&bytes);
    assert_eq!(spans.len(), 19);
    // The key's length (28..32) decides where the checksummed header ends: a flip there is
    // refused as a truncation or a bad length, checked by the test above.
    let mut flips: Vec<usize> = (32..end).collect();
    for (_, at, len) in spans.iter().filter(|s| s.2 > 0) {
        flips.extend([*at, at + len / 2, at + len - 1]);
    }
    assert!(flips.contains(&table) && flips.contains(&(end - 1)));
    for at in flips {
        for bit in [0, 7] {
            let mut b = bytes.clone();
            b[at] ^= 1 << bit;
            std::fs::write(&path, &b).unwrap();
            assert_eq!(
                read(&path).err(),
                Some(CacheInvalid::Checksum),
                "flip {at}:{bit}"
            );
        }
    }
}

/// Section lengths that still add up to the file's length, with every checksum rewritten:
/// the row counts no longer agree with each other and the image is refused.
#[test]
fn resealed_section_lengths_are_refused() {
    let (_dir, path, bytes) = written_image();
    let spans = sections(&bytes);
    // A multiple of every row size (1, 4, 8, 12 and 28 bytes).
    let moved = 168u64;
    for (i, pair) in spans.windows(2).enumerate() {
        for (from, to) in [(pair[0], pair[1]), (pair[1], pair[0])] {
            if (from.2 as u64) < moved {
                continue;
            }
            let mut b = bytes.clone();
            let len = |b: &[u8], e: usize| u64::from_le_bytes(b[e..e + 8].try_into().unwrap());
            let (shrunk, grown) = (len(&b, from.0) - moved, len(&b, to.0) + moved);
            b[from.0..from.0 + 8].copy_from_slice(&shrunk.to_le_bytes());
            b[to.0..to.0 + 8].copy_from_slice(&grown.to_le_bytes());
            reseal(&mut b);
            std::fs::write(&path, &b).unwrap();
            assert!(read(&path).is_err(), "{moved} bytes moved at section {i}");
        }
    }
}

/// The file index of a pool without file lists is written as one offset, not one per
/// string, and reads back empty.
#[test]
fn an_empty_index_is_written_as_one_offset() {
    let (_dir, path, bytes) = written_image();
    let spans = sections(&bytes);
    let (files_offsets, files) = (spans[12], spans[13]);
    assert_eq!(files.2, 0, "F25 sources have no file lists");
    assert_eq!(files_offsets.2, 4);
    let read = read(&path).unwrap();
    assert!(describe(&read) == describe(&build(&[F25_SRC])));
}

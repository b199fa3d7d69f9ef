//! Broken repositories: every failure is one line naming the file, never a
//! panic and never a silently short repository.

mod common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use common::*;
use ebranch_repodata::checksum::sha256_hex;
use ebranch_repodata::{ReadOptions, RepodataError, Repomd, read_repo};

/// The file of record `kind` in the repository at `dir`.
fn record_path(dir: &Path, kind: &str) -> PathBuf {
    let md = Repomd::read(dir).unwrap();
    md.file_path(dir, md.record(kind).unwrap()).unwrap()
}

/// Replaces the file of record `kind` with `bytes` and updates its checksum
/// in repomd.xml, so that only the content itself is wrong.
fn replace_file(dir: &Path, kind: &str, bytes: &[u8]) -> PathBuf {
    let md = Repomd::read(dir).unwrap();
    let record = md.record(kind).unwrap();
    let path = md.file_path(dir, record).unwrap();
    std::fs::write(&path, bytes).unwrap();
    let old = &record.checksum.as_ref().unwrap().hex;
    let repomd_path = Repomd::path_in(dir);
    let text = std::fs::read_to_string(&repomd_path).unwrap();
    let fixed = text.replace(
        &format!(">{old}</checksum>"),
        &format!(">{}</checksum>", sha256_hex(bytes)),
    );
    assert_ne!(text, fixed);
    std::fs::write(&repomd_path, fixed).unwrap();
    path
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn read_err(dir: &Path) -> RepodataError {
    match read_repo(dir, &ReadOptions::default()) {
        Ok(r) => panic!("expected an error, read {} packages", r.len()),
        Err(e) => e,
    }
}

/// The error's message is one line and names `file`.
fn assert_names(err: &RepodataError, file: &Path) {
    let msg = err.to_string();
    assert!(!msg.contains('\n'), "one line: {msg}");
    assert!(
        msg.contains(&*file.to_string_lossy()),
        "names {}: {msg}",
        file.display()
    );
}

fn small_repo() -> tempfile::TempDir {
    copy_repo(&data(F25_SRC))
}

#[test]
fn small_repo_reads() {
    let dir = small_repo();
    let r = read_repo(dir.path(), &ReadOptions::default()).unwrap();
    assert_eq!(r.len(), 71);
    assert!(r.has_filelists);
}

#[test]
fn missing_repomd() {
    let dir = tempfile::tempdir().unwrap();
    let err = read_err(dir.path());
    assert!(matches!(err, RepodataError::MissingRepomd { .. }), "{err}");
    assert_names(&err, &dir.path().join("repodata/repomd.xml"));
}

#[test]
fn missing_primary_file() {
    let dir = small_repo();
    let path = record_path(dir.path(), "primary");
    std::fs::remove_file(&path).unwrap();
    let err = read_err(dir.path());
    assert!(
        matches!(err, RepodataError::MissingRecordFile { .. }),
        "{err}"
    );
    assert_names(&err, &path);
    assert!(err.to_string().contains("'primary'"), "{err}");
}

#[test]
fn missing_filelists_file_matters_only_when_wanted() {
    let dir = small_repo();
    let path = record_path(dir.path(), "filelists");
    std::fs::remove_file(&path).unwrap();
    let err = read_err(dir.path());
    assert!(
        matches!(err, RepodataError::MissingRecordFile { .. }),
        "{err}"
    );
    assert_names(&err, &path);
    assert!(err.to_string().contains("'filelists'"), "{err}");
    let r = read_repo(dir.path(), &ReadOptions { filelists: false }).unwrap();
    assert_eq!(r.len(), 71);
    assert!(!r.has_filelists);
}

#[test]
fn package_checksums_are_kept_only_to_join_filelists() {
    let dir = small_repo();
    let with = read_repo(dir.path(), &ReadOptions { filelists: true }).unwrap();
    assert!(with.has_filelists);
    assert!(with.packages.iter().all(|p| with.str(p.pkgid).len() == 64));
    let without = read_repo(dir.path(), &ReadOptions { filelists: false }).unwrap();
    assert!(without.packages.iter().all(|p| p.pkgid.is_empty()));
    // Nor are the checksums in its string table.
    let checksum = |p: &ebranch_repodata::PackageRecord| with.str(p.pkgid);
    assert!(
        with.packages
            .iter()
            .all(|p| without.strings.lookup(checksum(p)).is_none())
    );
}

#[test]
fn absent_other_sqlite_and_group_files_are_ignored() {
    // The RHEL repomd lists other, *_db, group and productid files that
    // were never copied.
    let dir = copy_repo(&data(RHEL_SERVER_SRC));
    let md = Repomd::read(dir.path()).unwrap();
    assert!(
        !md.file_path(dir.path(), md.record("other").unwrap())
            .unwrap()
            .exists()
    );
    assert_eq!(
        read_repo(dir.path(), &ReadOptions::default())
            .unwrap()
            .len(),
        2_036
    );
}

#[test]
fn checksum_mismatch() {
    let dir = small_repo();
    let path = record_path(dir.path(), "primary");
    let mut bytes = std::fs::read(&path).unwrap();
    let n = bytes.len();
    bytes[n / 2] ^= 0x55;
    std::fs::write(&path, &bytes).unwrap();
    let err = read_err(dir.path());
    let RepodataError::ChecksumMismatch {
        expected, actual, ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_names(&err, &path);
    assert!(err.to_string().contains(expected.as_str()));
    assert!(err.to_string().contains(actual.as_str()));
    assert_eq!(actual, &sha256_hex(&bytes));
}

#[test]
fn truncated_gzip() {
    let dir = small_repo();
    let path = record_path(dir.path(), "primary");
    let bytes = std::fs::read(&path).unwrap();
    for keep in [bytes.len() / 2, bytes.len() - 4, 12] {
        replace_file(dir.path(), "primary", &bytes[..keep]);
        let err = read_err(dir.path());
        assert!(
            matches!(
                err,
                RepodataError::Decompress { .. } | RepodataError::Truncated { .. }
            ),
            "keep {keep}: {err}"
        );
        assert_names(&err, &path);
        // Restore for the next round (also restores the checksum).
        replace_file(dir.path(), "primary", &bytes);
    }
}

#[test]
fn truncated_gzip_filelists() {
    let dir = small_repo();
    let path = record_path(dir.path(), "filelists");
    let bytes = std::fs::read(&path).unwrap();
    replace_file(dir.path(), "filelists", &bytes[..bytes.len() * 2 / 3]);
    let err = read_err(dir.path());
    assert!(matches!(err, RepodataError::Decompress { .. }), "{err}");
    assert_names(&err, &path);
    assert!(err.to_string().contains("gzip"), "{err}");
}

#[test]
fn truncated_zstd() {
    let dir = copy_repo(&data(SID_SRC));
    let path = record_path(dir.path(), "primary");
    let bytes = std::fs::read(&path).unwrap();
    replace_file(dir.path(), "primary", &bytes[..300_000]);
    let err = read_err(dir.path());
    assert!(matches!(err, RepodataError::Decompress { .. }), "{err}");
    assert_names(&err, &path);
    assert!(err.to_string().contains("zstd"), "{err}");
}

#[test]
fn truncated_xml_inside_valid_compression() {
    let dir = small_repo();
    let path = record_path(dir.path(), "primary");
    let xml = gunzip(&std::fs::read(&path).unwrap());
    // Cut between two packages: the XML is well-formed so far.
    let text = String::from_utf8(xml).unwrap();
    let cut = text[..text.len() / 2].rfind("<package ").unwrap();
    replace_file(dir.path(), "primary", &gzip(&text.as_bytes()[..cut]));
    let err = read_err(dir.path());
    assert!(matches!(err, RepodataError::Truncated { .. }), "{err}");
    assert_names(&err, &path);
    assert!(err.to_string().contains("before </metadata>"), "{err}");
    // Cut inside a tag.
    let cut = text.len() / 2;
    let cut = cut + text[cut..].find("<rpm:entry").unwrap() + 5;
    replace_file(dir.path(), "primary", &gzip(&text.as_bytes()[..cut]));
    let err = read_err(dir.path());
    assert!(matches!(err, RepodataError::Truncated { .. }), "{err}");
}

#[test]
fn corrupt_compressed_bytes() {
    let dir = small_repo();
    let path = record_path(dir.path(), "primary");
    let mut bytes = std::fs::read(&path).unwrap();
    let n = bytes.len();
    for b in &mut bytes[n / 3..n / 3 + 64] {
        *b = !*b;
    }
    replace_file(dir.path(), "primary", &bytes);
    let err = read_err(dir.path());
    assert!(
        matches!(
            err,
            RepodataError::Decompress { .. } | RepodataError::MalformedXml { .. }
        ),
        "{err}"
    );
    assert_names(&err, &path);
}

#[test]
fn corrupt_zstd_bytes() {
    let dir = small_repo();
    let path = record_path(dir.path(), "primary");
    let xml = gunzip(&std::fs::read(&path).unwrap());
    let mut zst = zstd::encode_all(&xml[..], 3).unwrap();
    let n = zst.len();
    for b in &mut zst[n / 2..n / 2 + 16] {
        *b ^= 0xA5;
    }
    replace_file(dir.path(), "primary", &zst);
    let err = read_err(dir.path());
    assert!(
        matches!(
            err,
            RepodataError::Decompress { .. } | RepodataError::MalformedXml { .. }
        ),
        "{err}"
    );
    assert_names(&err, &path);
}

#[test]
fn trailing_garbage_after_compressed_stream() {
    let dir = small_repo();
    let path = record_path(dir.path(), "primary");
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(b"garbage after the gzip member");
    replace_file(dir.path(), "primary", &bytes);
    let err = read_err(dir.path());
    assert!(matches!(err, RepodataError::Decompress { .. }), "{err}");
    assert_names(&err, &path);
}

#[test]
fn malformed_xml_names_file_and_position() {
    let dir = small_repo();
    let path = record_path(dir.path(), "primary");
    let text = String::from_utf8(gunzip(&std::fs::read(&path).unwrap())).unwrap();
    let at = text.len() / 2;
    let at = at + text[at..].find("<name>").unwrap();
    let broken = format!("{}<name>oops</arch>{}", &text[..at], &text[at..]);
    replace_file(dir.path(), "primary", &gzip(broken.as_bytes()));
    let err = read_err(dir.path());
    let RepodataError::MalformedXml { position, .. } = &err else {
        panic!("{err}")
    };
    assert_names(&err, &path);
    assert!(err.to_string().contains(&format!("at byte {position}")));
    assert!(
        (at as u64..at as u64 + 40).contains(position),
        "position {position} near {at}"
    );
}

#[test]
fn package_count_mismatch() {
    let dir = small_repo();
    let path = record_path(dir.path(), "primary");
    let text = String::from_utf8(gunzip(&std::fs::read(&path).unwrap())).unwrap();
    let broken = text.replacen("packages=\"71\"", "packages=\"72\"", 1);
    assert_ne!(broken, text);
    replace_file(dir.path(), "primary", &gzip(broken.as_bytes()));
    let err = read_err(dir.path());
    assert!(
        matches!(
            err,
            RepodataError::PackageCount {
                declared: 72,
                found: 71,
                ..
            }
        ),
        "{err}"
    );
    assert_names(&err, &path);
}

#[test]
fn unknown_compression() {
    let dir = small_repo();
    let path = record_path(dir.path(), "primary");
    replace_file(dir.path(), "primary", b"PK\x03\x04 not a metadata file");
    let err = read_err(dir.path());
    assert!(
        matches!(err, RepodataError::UnknownCompression { .. }),
        "{err}"
    );
    assert_names(&err, &path);
}

#[test]
fn compression_is_chosen_by_magic_not_name() {
    let dir = small_repo();
    let path = record_path(dir.path(), "primary");
    let xml = gunzip(&std::fs::read(&path).unwrap());
    let mut xz = liblzma::write::XzEncoder::new(Vec::new(), 1);
    xz.write_all(&xml).unwrap();
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    bz.write_all(&xml).unwrap();
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(&xml);
    let variants = [
        xml.clone(),
        with_bom,
        xz.finish().unwrap(),
        bz.finish().unwrap(),
        zstd::encode_all(&xml[..], 3).unwrap(),
    ];
    for bytes in variants {
        replace_file(dir.path(), "primary", &bytes);
        let r = read_repo(dir.path(), &ReadOptions::default()).unwrap();
        assert_eq!(r.len(), 71);
    }
}

#[test]
fn unsupported_checksum_type() {
    let dir = small_repo();
    let repomd = Repomd::path_in(dir.path());
    let text = std::fs::read_to_string(&repomd).unwrap();
    std::fs::write(&repomd, text.replace("type=\"sha256\"", "type=\"crc64\"")).unwrap();
    let err = read_err(dir.path());
    assert!(
        matches!(err, RepodataError::UnsupportedChecksum { .. }),
        "{err}"
    );
    assert_names(&err, &record_path(dir.path(), "primary"));
}

#[test]
fn malformed_repomd() {
    let dir = small_repo();
    let repomd = Repomd::path_in(dir.path());
    let text = std::fs::read_to_string(&repomd).unwrap();
    std::fs::write(&repomd, &text[..text.len() / 2]).unwrap();
    let err = read_err(dir.path());
    assert!(
        matches!(
            err,
            RepodataError::Truncated { .. } | RepodataError::MalformedXml { .. }
        ),
        "{err}"
    );
    assert_names(&err, &repomd);
    std::fs::write(
        &repomd,
        text.replace("<data type=\"primary\">", "<data type=\"nope\">"),
    )
    .unwrap();
    let err = read_err(dir.path());
    assert!(matches!(err, RepodataError::MissingRecord { .. }), "{err}");
    assert_names(&err, &repomd);
}

#[test]
fn filelists_ext_is_used_when_it_is_the_only_file_list() {
    let dir = small_repo();
    let path = record_path(dir.path(), "filelists");
    let xml = String::from_utf8(gunzip(&std::fs::read(&path).unwrap())).unwrap();
    let ext = xml
        .replacen("<filelists ", "<filelists-ext ", 1)
        .replace("</filelists>", "</filelists-ext>")
        .replace("<file>", "<file hash=\"00\">");
    replace_file(dir.path(), "filelists", &gzip(ext.as_bytes()));
    let repomd = Repomd::path_in(dir.path());
    let text = std::fs::read_to_string(&repomd).unwrap();
    std::fs::write(
        &repomd,
        text.replace("type=\"filelists\"", "type=\"filelists-ext\""),
    )
    .unwrap();
    let with_ext = read_repo(dir.path(), &ReadOptions::default()).unwrap();
    assert!(with_ext.has_filelists);
    let original = read_repo(&data(F25_SRC), &ReadOptions::default()).unwrap();
    assert_eq!(with_ext.files.len(), original.files.len());
    for p in 0..original.len() {
        assert_eq!(files(&with_ext, p), files(&original, p));
    }
}

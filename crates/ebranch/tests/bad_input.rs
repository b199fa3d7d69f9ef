//! Bad input gives one clear error line naming the file, exit 2, and never a panic.

mod common;

use std::io::Write;
use std::path::Path;

use common::*;
use sha2::{Digest, Sha256};

const GOOD_PRIMARY: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="1">
<package type="rpm"><name>foo</name><arch>noarch</arch><version epoch="0" ver="1.0" rel="1"/>
<checksum type="sha256" pkgid="YES">aa</checksum><location href="foo-1.0-1.noarch.rpm"/>
<format><rpm:sourcerpm>foo-1.0-1.src.rpm</rpm:sourcerpm>
<rpm:provides><rpm:entry name="foo" flags="EQ" epoch="0" ver="1.0" rel="1"/></rpm:provides>
<rpm:requires><rpm:entry name="bar" flags="GE" epoch="0" ver="2"/></rpm:requires>
</format></package>
</metadata>
"#;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes a repository whose primary file holds `stored` (as named `file`), listed in
/// repomd.xml with the checksum `checksum_of` (the stored bytes unless overridden).
fn repo(dir: &Path, file: &str, stored: &[u8], checksum_of: Option<&[u8]>) {
    let repodata = dir.join("repodata");
    std::fs::create_dir_all(&repodata).unwrap();
    std::fs::write(repodata.join(file), stored).unwrap();
    let sum = sha256(checksum_of.unwrap_or(stored));
    let repomd = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">
  <revision>1</revision>
  <data type="primary">
    <checksum type="sha256">{sum}</checksum>
    <location href="repodata/{file}"/>
    <size>{}</size>
  </data>
</repomd>
"#,
        stored.len()
    );
    std::fs::write(repodata.join("repomd.xml"), repomd).unwrap();
}

/// Runs a query on the repository and checks the failure's shape; returns stderr.
fn fails_cleanly(dir: &Path, must_name: &str) -> String {
    let cache = tempfile::tempdir().unwrap();
    let out = ebranch(
        &[
            "query",
            "whatprovides",
            "foo",
            "--repo",
            dir.to_str().unwrap(),
        ],
        cache.path(),
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(!err.contains("panicked"), "panic: {err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(must_name), "`{must_name}` not named in: {err}");
    assert_eq!(stdout(&out), "", "no data output on error");
    err
}

#[test]
fn a_good_repository_answers() {
    let dir = tempfile::tempdir().unwrap();
    repo(
        dir.path(),
        "primary.xml.gz",
        &gzip(GOOD_PRIMARY.as_bytes()),
        None,
    );
    let cache = tempfile::tempdir().unwrap();
    let out = ebranch(
        &[
            "query",
            "whatprovides",
            "foo",
            "--repo",
            dir.path().to_str().unwrap(),
        ],
        cache.path(),
    );
    assert_eq!(stdout(&out), "foo-1.0-1.noarch\n", "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn missing_repomd() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("repodata")).unwrap();
    fails_cleanly(dir.path(), "repomd.xml");
}

#[test]
fn missing_directory() {
    let dir = tempfile::tempdir().unwrap();
    fails_cleanly(&dir.path().join("nope"), "nope");
}

#[test]
fn checksum_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let good = gzip(GOOD_PRIMARY.as_bytes());
    repo(dir.path(), "primary.xml.gz", &good, Some(b"something else"));
    let err = fails_cleanly(dir.path(), "primary.xml.gz");
    assert!(err.contains("checksum"), "{err}");
}

#[test]
fn truncated_gzip() {
    let dir = tempfile::tempdir().unwrap();
    let good = gzip(GOOD_PRIMARY.as_bytes());
    let cut = &good[..good.len() / 2];
    repo(dir.path(), "primary.xml.gz", cut, None);
    fails_cleanly(dir.path(), "primary.xml.gz");
}

#[test]
fn truncated_zstd() {
    let dir = tempfile::tempdir().unwrap();
    let good = zstd::encode_all(GOOD_PRIMARY.as_bytes(), 3).unwrap();
    let cut = &good[..good.len() - 7];
    repo(dir.path(), "primary.xml.zst", cut, None);
    fails_cleanly(dir.path(), "primary.xml.zst");
}

#[test]
fn corrupt_gzip() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = gzip(GOOD_PRIMARY.as_bytes());
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 8] {
        *b ^= 0x5a;
    }
    repo(dir.path(), "primary.xml.gz", &bytes, None);
    fails_cleanly(dir.path(), "primary.xml.gz");
}

#[test]
fn malformed_xml_names_the_position() {
    let dir = tempfile::tempdir().unwrap();
    let broken = GOOD_PRIMARY.replace("</name>", "</nmae>");
    repo(dir.path(), "primary.xml.gz", &gzip(broken.as_bytes()), None);
    let err = fails_cleanly(dir.path(), "primary.xml.gz");
    assert!(err.contains("byte") || err.contains("position"), "{err}");
}

#[test]
fn xml_cut_off_without_compression() {
    let dir = tempfile::tempdir().unwrap();
    let cut = &GOOD_PRIMARY.as_bytes()[..GOOD_PRIMARY.len() - 40];
    repo(dir.path(), "primary.xml", cut, None);
    fails_cleanly(dir.path(), "primary.xml");
}

#[test]
fn unknown_compression() {
    let dir = tempfile::tempdir().unwrap();
    repo(
        dir.path(),
        "primary.xml.lz4",
        b"\x04\x22\x4d\x18 not a known format",
        None,
    );
    fails_cleanly(dir.path(), "primary.xml.lz4");
}

#[test]
fn unparsable_dependency_string() {
    let dir = tempfile::tempdir().unwrap();
    let broken = GOOD_PRIMARY.replace(
        r#"<rpm:entry name="bar" flags="GE" epoch="0" ver="2"/>"#,
        r#"<rpm:entry name="(bar and baz or qux)"/>"#,
    );
    repo(dir.path(), "primary.xml.gz", &gzip(broken.as_bytes()), None);
    let err = fails_cleanly(dir.path(), dir.path().to_str().unwrap());
    assert!(err.contains("(bar and baz or qux)"), "{err}");
    assert!(err.contains("foo-1.0-1.noarch"), "names the package: {err}");
}

#[test]
fn unparsable_dependency_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    repo(
        dir.path(),
        "primary.xml.gz",
        &gzip(GOOD_PRIMARY.as_bytes()),
        None,
    );
    let cache = tempfile::tempdir().unwrap();
    let out = ebranch(
        &[
            "query",
            "whatprovides",
            "(foo with",
            "--repo",
            dir.path().to_str().unwrap(),
        ],
        cache.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("(foo with"), "{err}");
}

#[test]
fn corrupt_index_cache_is_rebuilt_not_trusted() {
    let dir = tempfile::tempdir().unwrap();
    repo(
        dir.path(),
        "primary.xml.gz",
        &gzip(GOOD_PRIMARY.as_bytes()),
        None,
    );
    let cache = tempfile::tempdir().unwrap();
    let args = [
        "query",
        "whatprovides",
        "foo",
        "--repo",
        dir.path().to_str().unwrap(),
    ];
    assert_eq!(ebranch(&args, cache.path()).status.code(), Some(0));
    let index = cache.path().join("index");
    for entry in std::fs::read_dir(&index).unwrap() {
        let path = entry.unwrap().path();
        let mut bytes = std::fs::read(&path).unwrap();
        let n = bytes.len();
        bytes[n / 2] ^= 0xff;
        bytes.truncate(n - 3);
        std::fs::write(&path, bytes).unwrap();
    }
    let out = ebranch(&args, cache.path());
    assert_eq!(stdout(&out), "foo-1.0-1.noarch\n", "{}", stderr(&out));
}

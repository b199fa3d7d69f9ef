//! Hostile repository metadata and hostile command lines, through the real binary: each is
//! one error line naming what and where, exit 2, never a crash, a hang or unbounded memory.

mod common;

use std::path::Path;
use std::process::Output;

use common::*;
use sha2::{Digest, Sha256};

/// One package `foo` whose requires are `requires` (already XML-escaped entries).
fn primary_with(requires: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="1">
<package type="rpm"><name>foo</name><arch>noarch</arch><version epoch="0" ver="1.0" rel="1"/>
<checksum type="sha256" pkgid="YES">aa</checksum><location href="foo-1.0-1.noarch.rpm"/>
<format><rpm:sourcerpm>foo-1.0-1.src.rpm</rpm:sourcerpm>
<rpm:provides><rpm:entry name="foo" flags="EQ" epoch="0" ver="1.0" rel="1"/></rpm:provides>
<rpm:requires>{requires}</rpm:requires>
</format></package>
</metadata>
"#
    )
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes a repository at `dir` whose primary file `file` holds `stored`; repomd.xml
/// gives its checksum and, when known, the size of its decompressed content.
fn repo(dir: &Path, file: &str, stored: &[u8], open_size: Option<u64>) {
    let repodata = dir.join("repodata");
    std::fs::create_dir_all(&repodata).unwrap();
    std::fs::write(repodata.join(file), stored).unwrap();
    let open_size = open_size.map_or(String::new(), |n| format!("<open-size>{n}</open-size>"));
    let repomd = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<repomd xmlns="http://linux.duke.edu/metadata/repo">
  <revision>1</revision>
  <data type="primary">
    <checksum type="sha256">{}</checksum>
    <location href="repodata/{file}"/>
    <size>{}</size>{open_size}
  </data>
</repomd>
"#,
        sha256(stored),
        stored.len()
    );
    std::fs::write(repodata.join("repomd.xml"), repomd).unwrap();
}

/// `ebranch query whatprovides DEP --repo DIR`.
fn whatprovides(dir: &Path, dep: &str) -> Output {
    let cache = tempfile::tempdir().unwrap();
    ebranch(
        &[
            "query",
            "whatprovides",
            dep,
            "--repo",
            dir.to_str().unwrap(),
        ],
        cache.path(),
    )
}

/// Exit 2, one `error:` line that contains every one of `must_name`, nothing on stdout.
fn fails_cleanly(out: &Output, must_name: &[&str]) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err:.2000}");
    assert!(!err.contains("panicked"), "panic: {err:.2000}");
    assert_eq!(err.lines().count(), 1, "one line: {err:.2000}");
    assert!(err.starts_with("error: "), "{err:.2000}");
    assert!(err.len() < 1000, "a short line: {err:.2000}");
    for name in must_name {
        assert!(err.contains(name), "`{name}` not named in: {err}");
    }
    assert_eq!(stdout(out), "", "no data output on error");
    err
}

/// `depth` nested `if` groups: a rich dependency tree `depth` levels deep.
fn nested_rich(depth: usize) -> String {
    let mut text = String::from("x");
    for i in 0..depth {
        text = format!("(d{i} if {text})");
    }
    text
}

#[test]
fn rich_dependency_nested_too_deep_on_the_command_line_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    repo(dir.path(), "primary.xml", primary_with("").as_bytes(), None);
    // 60,000 levels in 120 KB (an argument may have at most 128 KiB).
    let deep = format!("{}x{}", "(".repeat(60_000), ")".repeat(60_000));
    let out = whatprovides(dir.path(), &deep);
    fails_cleanly(&out, &["nested deeper than 256 levels"]);
    let out = whatprovides(dir.path(), &nested_rich(5_000));
    fails_cleanly(&out, &["nested deeper than 256 levels"]);
    // At the limit it is an answer: nobody provides it (exit 1).
    let out = whatprovides(dir.path(), &nested_rich(256));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn rich_dependency_nested_too_deep_in_primary_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let entry = format!(r#"<rpm:entry name="{}"/>"#, nested_rich(20_000));
    repo(
        dir.path(),
        "primary.xml",
        primary_with(&entry).as_bytes(),
        None,
    );
    let out = whatprovides(dir.path(), "foo");
    fails_cleanly(&out, &["foo-1.0-1.noarch", "nested deeper than 256 levels"]);
    // At the limit the tree is built, evaluated (repoclosure), rendered and dropped.
    let entry = format!(r#"<rpm:entry name="{}"/>"#, nested_rich(256));
    repo(
        dir.path(),
        "primary.xml",
        primary_with(&entry).as_bytes(),
        None,
    );
    let cache = tempfile::tempdir().unwrap();
    let out = ebranch(
        &["repoclosure", "--check", dir.path().to_str().unwrap()],
        cache.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("(d255 if (d254 if"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn rich_build_requirement_at_the_depth_limit_is_evaluated_by_missing() {
    // A source package whose BuildRequires is 256 levels deep: the closure, the buildroot
    // model and the report walk it on threads with the default 2 MiB stack.
    let reference = tempfile::tempdir().unwrap();
    let entry = format!(r#"<rpm:entry name="{}"/>"#, nested_rich(256));
    let source = primary_with(&entry)
        .replace("<arch>noarch</arch>", "<arch>src</arch>")
        .replace(
            "<rpm:sourcerpm>foo-1.0-1.src.rpm</rpm:sourcerpm>",
            "<rpm:sourcerpm/>",
        );
    repo(reference.path(), "primary.xml", source.as_bytes(), None);
    let target = tempfile::tempdir().unwrap();
    let empty = r#"<metadata xmlns="http://linux.duke.edu/metadata/common" packages="0"/>"#;
    repo(target.path(), "primary.xml", empty.as_bytes(), None);
    let cache = tempfile::tempdir().unwrap();
    let out = ebranch(
        &[
            "missing",
            "foo",
            "--ref-repo",
            reference.path().to_str().unwrap(),
            "--target-repo",
            target.path().to_str().unwrap(),
            "--format",
            "json",
        ],
        cache.path(),
    );
    let err = stderr(&out);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{err}");
    assert!(!err.contains("overflow"), "{err}");
}

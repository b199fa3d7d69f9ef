//! Hostile repository metadata and hostile command lines, through the real binary: each is
//! one error line naming what and where, exit 2, never a crash, a hang or unbounded memory.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

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

/// `head`, then `fill` repeated to `len` bytes, then `tail`: zstd-compressed as it is
/// written, so that the test never holds the expanded bytes.
fn zstd_bomb(head: &str, fill: u8, len: usize, tail: &str) -> Vec<u8> {
    let mut z = zstd::Encoder::new(Vec::new(), 1).unwrap();
    z.write_all(head.as_bytes()).unwrap();
    let block = vec![fill; 1 << 20];
    for _ in 0..len >> 20 {
        z.write_all(&block).unwrap();
    }
    z.write_all(tail.as_bytes()).unwrap();
    z.finish().unwrap()
}

/// `ebranch query whatprovides DEP --repo DIR`, and the peak resident set of the process
/// in MiB (measured by python3's `resource.getrusage` around it).
fn whatprovides_measured(dir: &Path, dep: &str) -> (Output, u64) {
    const MEASURE: &str = "import resource, subprocess, sys
code = subprocess.run(sys.argv[2:]).returncode
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
open(sys.argv[1], 'w').write(str(peak // 1024))
sys.exit(code)";
    let cache = tempfile::tempdir().unwrap();
    let peak = cache.path().join("peak");
    let out = Command::new("python3")
        .args(["-c", MEASURE])
        .arg(&peak)
        .arg(env!("CARGO_BIN_EXE_ebranch"))
        .args(["query", "whatprovides", dep, "--repo"])
        .arg(dir)
        .arg("--cache-dir")
        .arg(cache.path().join("cache"))
        .env_remove("EBRANCH_CACHE_DIR")
        .output()
        .expect("python3 runs");
    let peak = std::fs::read_to_string(&peak).expect("peak measured");
    (out, peak.trim().parse().unwrap())
}

/// The primary.xml bombs of issue 8 (finding 5): 16 KB of zstd whose one `<name>`, one
/// attribute or one comment expands to 512 MiB.
fn bombs() -> Vec<(&'static str, Vec<u8>)> {
    const LEN: usize = 512 << 20;
    let head = primary_with("");
    let (before, after) = head.split_at(head.find("<name>foo</name>").unwrap());
    let after = &after["<name>foo</name>".len()..];
    vec![
        (
            "a <name>",
            zstd_bomb(
                &format!("{before}<name>"),
                b'a',
                LEN,
                &format!("</name>{after}"),
            ),
        ),
        (
            "an attribute",
            zstd_bomb(
                &format!("{before}<name>foo</name><location href=\""),
                b'a',
                LEN,
                &format!("\"/>{after}"),
            ),
        ),
        (
            "a comment",
            zstd_bomb(&format!("{before}<!--"), b'-', LEN, &format!("-->{after}")),
        ),
    ]
}

#[test]
fn decompression_bombs_fail_cleanly_in_bounded_memory() {
    for (what, bomb) in bombs() {
        assert!(bomb.len() < 64 << 10, "{what}: {} bytes", bomb.len());
        let dir = tempfile::tempdir().unwrap();
        repo(dir.path(), "primary.xml.zst", &bomb, None);
        let (out, peak) = whatprovides_measured(dir.path(), "foo");
        let err = fails_cleanly(&out, &["primary.xml.zst", "longer than 16 MiB"]);
        assert!(
            err.contains("oversized metadata in ") && err.contains(" at byte "),
            "{err}"
        );
        eprintln!(
            "{what} bomb ({} bytes of zstd): peak RSS {peak} MiB",
            bomb.len()
        );
        assert!(peak < 256, "{what}: peak RSS {peak} MiB");
    }
}

#[test]
fn more_than_open_size_is_an_error() {
    let mut entries = String::new();
    for i in 0..40_000 {
        entries.push_str(&format!("<rpm:entry name=\"dep{i}\"/>"));
    }
    let xml = primary_with(&entries);
    let zst = zstd::encode_all(xml.as_bytes(), 3).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // As promised: read.
    repo(dir.path(), "primary.xml.zst", &zst, Some(xml.len() as u64));
    let out = whatprovides(dir.path(), "foo");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Far more than promised: stopped a little past the promise.
    repo(dir.path(), "primary.xml.zst", &zst, Some(1000));
    let out = whatprovides(dir.path(), "foo");
    fails_cleanly(
        &out,
        &[
            "primary.xml.zst at byte 1049701",
            "more than 1049701 bytes",
            "open-size as 1000",
        ],
    );
}

/// A primary.xml whose package name holds `bad` (raw bytes, not escaped).
fn primary_named(bad: &str) -> String {
    primary_with("").replace("<name>foo</name>", &format!("<name>foo{bad}</name>"))
}

#[test]
fn control_characters_xml_forbids_are_rejected_naming_file_and_offset() {
    for bad in ["\x1b]0;owned\x07", "\x1b[2J", "\0"] {
        let xml = primary_named(bad);
        let offset = xml.find("<name>foo").unwrap() + "<name>foo".len();
        // Plain, the parser's thread checks the bytes; compressed, the decompressing one.
        let zst = zstd::encode_all(xml.as_bytes(), 3).unwrap();
        for (file, stored) in [("primary.xml", xml.as_bytes()), ("primary.xml.zst", &zst)] {
            let dir = tempfile::tempdir().unwrap();
            repo(dir.path(), file, stored, None);
            let out = whatprovides(dir.path(), "foo");
            let err = fails_cleanly(
                &out,
                &[
                    &format!(
                        "malformed XML in {}",
                        dir.path().join("repodata").join(file).display()
                    ),
                    &format!("at byte {offset}: character U+00"),
                    "is not allowed in XML",
                ],
            );
            assert!(!err.contains(['\x1b', '\x07', '\0']), "{err:?}");
        }
    }
}

#[test]
fn controls_xml_allows_are_escaped_on_a_terminal_only() {
    // DEL and the C1 CSI (U+009B) are legal XML 1.0 but drive some terminals.
    let dir = tempfile::tempdir().unwrap();
    let xml = primary_named("\u{7f}\u{9b}2J").replace(
        r#"<rpm:entry name="foo" flags="EQ""#,
        r#"<rpm:entry name="foo&#x9b;1J" flags="EQ""#,
    );
    repo(dir.path(), "primary.xml", xml.as_bytes(), None);
    // To a pipe: exact.
    let out = whatprovides(dir.path(), "foo\u{9b}1J");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("foo\u{7f}\u{9b}2J-1.0-1.noarch"),
        "{}",
        stdout(&out)
    );
    // To a terminal (a pseudo-terminal made by util-linux `script`): escaped.
    let cache = tempfile::tempdir().unwrap();
    let command = format!(
        "{} query whatprovides 'foo\u{9b}1J' --repo {} --cache-dir {}",
        env!("CARGO_BIN_EXE_ebranch"),
        dir.path().display(),
        cache.path().display()
    );
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .output()
        .expect("util-linux script runs");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}");
    assert!(
        shown.contains("foo\\u{7f}\\u{9b}2J-1.0-1.noarch"),
        "{shown:?}"
    );
    assert!(!shown.contains(['\u{7f}', '\u{9b}']), "{shown:?}");
}

//! Misbehaving and hostile mirrors, through the binary: each test names the finding of
//! issue 8 it guards.

mod common;

use std::io::Write;
use std::path::Path;

use common::*;
use ebranch_http::test_server::{Reply, TestServer};
use sha2::{Digest, Sha256};

const PRIMARY: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="1">
<package type="rpm"><name>foo</name><arch>noarch</arch><version epoch="0" ver="1.0" rel="1"/>
<checksum type="sha256" pkgid="YES">aa</checksum><location href="foo-1.0-1.noarch.rpm"/>
<format><rpm:sourcerpm>foo-1.0-1.src.rpm</rpm:sourcerpm>
<rpm:provides><rpm:entry name="foo" flags="EQ" epoch="0" ver="1.0" rel="1"/></rpm:provides>
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

/// A repomd.xml naming one primary file at `href` (with `extra` inside its
/// `<location>`), for `stored` bytes.
fn repomd(href: &str, extra: &str, stored: &[u8]) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<repomd xmlns="http://linux.duke.edu/metadata/repo">
  <revision>1</revision>
  <data type="primary">
    <checksum type="sha256">{}</checksum>
    <location {extra} href="{href}"/>
    <size>{}</size>
  </data>
</repomd>
"#,
        sha256(stored),
        stored.len()
    )
}

/// `ebranch query whatprovides foo --repo URL` with a private cache.
fn whatprovides(url: &str, cache: &Path) -> std::process::Output {
    ebranch(&["query", "whatprovides", "foo", "--repo", url], cache)
}

/// Finding 11: a mirror that sends `Content-Encoding: gzip` for a `.gz` file must not
/// have it decoded (the checksum is of the stored bytes), and `identity` is asked for.
#[test]
fn content_encoding_gzip_is_stored_as_served() {
    let server = TestServer::start();
    let stored = gzip(PRIMARY.as_bytes());
    server.route(
        "/os/repodata/repomd.xml",
        Reply::body(repomd("repodata/primary.xml.gz", "", &stored)),
    );
    server.route(
        "/os/repodata/primary.xml.gz",
        Reply::raw(200, &[("Content-Encoding", "gzip")], stored),
    );
    let cache = tempfile::tempdir().unwrap();
    let out = whatprovides(&server.url("/os/"), cache.path());
    assert_eq!(stdout(&out), "foo-1.0-1.noarch\n", "{}", stderr(&out));
    for head in server.heads() {
        assert!(
            head.to_ascii_lowercase()
                .contains("accept-encoding: identity\r\n"),
            "{head}"
        );
    }
}

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

/// The one repo folder of a cache (`<cache>/repos-v*/<repo>-<hash>/`).
fn repo_folder(cache: &Path) -> std::path::PathBuf {
    let mut found = Vec::new();
    for versioned in std::fs::read_dir(cache).unwrap().flatten() {
        if versioned
            .file_name()
            .to_string_lossy()
            .starts_with("repos-")
        {
            found.extend(
                std::fs::read_dir(versioned.path())
                    .unwrap()
                    .flatten()
                    .map(|e| e.path()),
            );
        }
    }
    assert_eq!(found.len(), 1, "{found:?}");
    found.remove(0)
}

/// Finding 1: `xml:base` in a fetched repomd.xml never makes ebranch read a local file
/// elsewhere; the cached, verified copy is what is read.
#[test]
fn an_xml_base_in_a_fetched_repomd_never_makes_ebranch_read_a_local_file() {
    let stored = gzip(PRIMARY.as_bytes());
    let elsewhere = tempfile::tempdir().unwrap();
    // A regular file outside the cache, under the name the repomd.xml gives.
    std::fs::write(
        elsewhere.path().join("p.xml.gz"),
        gzip(b"<metadata packages=\"0\"/>"),
    )
    .unwrap();
    let outside = format!("xml:base=\"{}\"", elsewhere.path().display());
    for (extra, href) in [
        ("xml:base=\"/dev\"", "zero"),
        (outside.as_str(), "p.xml.gz"),
    ] {
        let server = TestServer::start();
        server.route(
            "/os/repodata/repomd.xml",
            Reply::body(repomd(href, extra, &stored)),
        );
        server.route(&format!("/os/{href}"), Reply::body(stored.clone()));
        let cache = tempfile::tempdir().unwrap();
        let out = whatprovides(&server.url("/os/"), cache.path());
        assert_eq!(
            stdout(&out),
            "foo-1.0-1.noarch\n",
            "{extra}: {}",
            stderr(&out)
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
}

/// Finding 2: a repomd.xml naming a metadata file `.lock` or `ebranch-fetch.json` does
/// not get the download renamed over the cache's lock or state: cached files get names
/// the cache makes.
#[test]
fn a_metadata_file_named_like_the_caches_lock_or_state_never_replaces_them() {
    let stored = gzip(PRIMARY.as_bytes());
    for href in [".lock", "ebranch-fetch.json"] {
        let server = TestServer::start();
        server.route(
            "/os/repodata/repomd.xml",
            Reply::body(repomd(href, "", &stored)),
        );
        server.route(&format!("/os/{href}"), Reply::body(stored.clone()));
        let cache = tempfile::tempdir().unwrap();
        let out = whatprovides(&server.url("/os/"), cache.path());
        assert_eq!(
            stdout(&out),
            "foo-1.0-1.noarch\n",
            "{href}: {}",
            stderr(&out)
        );
        let folder = repo_folder(cache.path());
        assert_eq!(
            std::fs::metadata(folder.join(".lock")).unwrap().len(),
            0,
            "{href}"
        );
        let state = std::fs::read_to_string(folder.join("ebranch-fetch.json")).unwrap();
        assert!(state.contains("\"checked_at\""), "{href}: {state}");
        // The state is intact, so the next run uses the cache without a request.
        server.clear_log();
        let again = whatprovides(&server.url("/os/"), cache.path());
        assert_eq!(stdout(&again), "foo-1.0-1.noarch\n", "{}", stderr(&again));
        assert_eq!(server.requests(), 0, "{href}: {:?}", server.paths());
    }
}

/// Finding 8: a cached metadata file damaged in place (same size) is noticed when the
/// parsed index must be rebuilt, and only it is downloaded again; the run succeeds.
#[test]
fn a_cached_metadata_file_damaged_in_place_is_downloaded_again() {
    let stored = gzip(PRIMARY.as_bytes());
    let server = TestServer::start();
    server.route(
        "/os/repodata/repomd.xml",
        Reply::body(repomd("repodata/primary.xml.gz", "", &stored)),
    );
    server.route("/os/repodata/primary.xml.gz", Reply::body(stored.clone()));
    let cache = tempfile::tempdir().unwrap();
    let url = server.url("/os/");
    assert_eq!(
        stdout(&whatprovides(&url, cache.path())),
        "foo-1.0-1.noarch\n"
    );
    let folder = repo_folder(cache.path());
    let cached: Vec<_> = std::fs::read_dir(folder.join("repodata"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| std::fs::read(p).unwrap() == stored)
        .collect();
    assert_eq!(cached.len(), 1, "{cached:?}");
    let mut damaged = stored.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x55;
    std::fs::write(&cached[0], &damaged).unwrap();
    server.clear_log();
    // --no-cache: the parsed index is rebuilt from the damaged file.
    let out = ebranch(
        &["query", "whatprovides", "foo", "--repo", &url, "--no-cache"],
        cache.path(),
    );
    assert_eq!(stdout(&out), "foo-1.0-1.noarch\n", "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        server.count("/os/repodata/primary.xml.gz"),
        1,
        "{:?}",
        server.paths()
    );
    assert_eq!(std::fs::read(&cached[0]).unwrap(), stored);
}

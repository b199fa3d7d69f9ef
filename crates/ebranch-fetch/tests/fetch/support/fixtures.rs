//! Fixture repos from shared/data, metalink and mirrorlist documents in
//! Fedora's formats, fast fetch options and a recording reporter.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use ebranch_fetch::{
    ChecksumKind, Digest, FetchOptions, Limits, RepoRole, RepoSource, Reporter, ResolvedRepo,
    Transfer, TransferEnd,
};

use super::server::{Reply, TestServer};

/// Root of the read-only shared test data.
pub const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data");

/// Small RHEL 7.3 beta Server x86_64 repo (primary + filelists, checksum-named files).
pub fn rhel_server() -> PathBuf {
    Path::new(DATA).join("whatpkgs-rhel73beta-fedora25/RHEL-7/7.3-Beta/Server/x86_64/os")
}

/// Small RHEL 7.3 beta Server-optional x86_64 repo.
pub fn rhel_optional() -> PathBuf {
    Path::new(DATA).join("whatpkgs-rhel73beta-fedora25/RHEL-7/7.3-Beta/Server-optional/x86_64/os")
}

/// CentOS Stream 9 BaseOS snapshot (repomd also lists files that are absent).
pub fn cs9_baseos() -> PathBuf {
    Path::new(DATA).join("cs9-osbuild-testrepos/baseos-2022-02")
}

/// Debian bookworm as rpm-md (6 MB primary, not checksum-named).
pub fn bookworm() -> PathBuf {
    Path::new(DATA).join("debian-rpmmd/bookworm-bin")
}

/// Debian sid as rpm-md (same file names as bookworm, other content).
pub fn sid_bin() -> PathBuf {
    Path::new(DATA).join("debian-rpmmd/sid-bin")
}

/// Bytes of a fixture file.
pub fn read(path: impl AsRef<Path>) -> Vec<u8> {
    std::fs::read(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

/// Declares `<prefix>/repodata/repomd.xml` and every file present in the
/// fixture's repodata/ (files repomd.xml lists but the fixture lacks stay
/// undeclared, so requesting them fails the test). Returns the repomd bytes.
pub fn serve_repo(server: &TestServer, prefix: &str, fixture: &Path) -> Vec<u8> {
    let repodata = fixture.join("repodata");
    for entry in std::fs::read_dir(&repodata).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        server.route(
            &format!("{prefix}/repodata/{name}"),
            Reply::body(read(entry.path())),
        );
    }
    read(repodata.join("repomd.xml"))
}

/// Location (href) of a record type in a fixture's repomd.xml.
pub fn href(fixture: &Path, kind: &str) -> String {
    let text = String::from_utf8(read(fixture.join("repodata/repomd.xml"))).unwrap();
    let start = text
        .find(&format!("<data type=\"{kind}\">"))
        .expect("record");
    let rest = &text[start..];
    let at = rest.find("href=\"").unwrap() + 6;
    let end = rest[at..].find('"').unwrap();
    rest[at..at + end].to_string()
}

/// A MirrorManager-style metalink for `repomd` with the given mirror base
/// URLs (best first) and older acceptable repomd.xml copies.
pub fn metalink(repomd: &[u8], mirrors: &[String], alternates: &[&[u8]]) -> String {
    let hashes = |data: &[u8]| -> String {
        [
            ChecksumKind::Md5,
            ChecksumKind::Sha1,
            ChecksumKind::Sha256,
            ChecksumKind::Sha512,
        ]
        .iter()
        .map(|kind| {
            format!(
                "    <hash type=\"{}\">{}</hash>\n",
                kind.name(),
                Digest::compute(*kind, data).hex
            )
        })
        .collect()
    };
    let mut alt = String::new();
    for old in alternates {
        alt.push_str(&format!(
            "   <mm0:alternate>\n    <mm0:timestamp>1700000000</mm0:timestamp>\n    <size>{}</size>\n    <verification>\n{}    </verification>\n   </mm0:alternate>\n",
            old.len(),
            hashes(old)
        ));
    }
    let mut urls = String::from(
        "    <url protocol=\"rsync\" type=\"rsync\" location=\"US\" preference=\"100\">rsync://192.0.2.1/never/repodata/repomd.xml</url>\n",
    );
    for (i, base) in mirrors.iter().enumerate() {
        let scheme = base.split(':').next().unwrap();
        urls.push_str(&format!(
            "    <url protocol=\"{scheme}\" type=\"{scheme}\" location=\"US\" preference=\"{}\">{}repodata/repomd.xml</url>\n",
            99 - i,
            base
        ));
    }
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<metalink version="3.0" xmlns="http://www.metalinker.org/" type="dynamic" pubdate="Thu, 26 Nov 2026 12:00:00 GMT" generator="mirrormanager" xmlns:mm0="http://fedorahosted.org/mirrormanager">
 <files>
  <file name="repomd.xml">
   <mm0:timestamp>1764158400</mm0:timestamp>
   <size>{size}</size>
   <verification>
{hashes}   </verification>
   <mm0:alternates>
{alt}   </mm0:alternates>
   <resources maxconnections="1">
{urls}   </resources>
  </file>
 </files>
</metalink>
"#,
        size = repomd.len(),
        hashes = hashes(repomd),
    )
}

/// Options for loopback tests: short timeout and backoff, no proxies.
pub fn fast_options() -> FetchOptions {
    FetchOptions {
        limits: quick_limits(),
        retries: 1,
        backoff: Duration::from_millis(10),
        env_proxy: false,
        ..FetchOptions::default()
    }
}

/// Document limits a test can wait for: 3 s to connect and for headers, at least
/// 4 KiB/s over every second, 10 s in all.
pub fn quick_limits() -> Limits {
    Limits {
        connect: Duration::from_secs(3),
        head: Duration::from_secs(3),
        deadline: Duration::from_secs(10),
        window: Duration::from_secs(1),
        ..Limits::document()
    }
}

/// A resolved repo for tests.
pub fn repo(id: &str, source: RepoSource) -> ResolvedRepo {
    ResolvedRepo {
        id: id.to_string(),
        role: RepoRole::TargetLayer,
        arch: "x86_64".to_string(),
        source,
        release: "test".to_string(),
    }
}

/// Files (relative names) directly under a cache repo's repodata/.
pub fn repodata_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("repodata"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every file name under `root`, recursively.
pub fn all_names(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                out.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
    }
    out
}

/// Records transfer events.
#[derive(Default)]
pub struct Recorder {
    pub events: Mutex<Vec<String>>,
}

impl Reporter for Recorder {
    fn start(&self, t: &Transfer<'_>) {
        self.events
            .lock()
            .unwrap()
            .push(format!("start {} {}", t.repo, t.file));
    }
    fn finish(&self, t: &Transfer<'_>, end: &TransferEnd<'_>) {
        let what = match end {
            TransferEnd::Done { .. } => "done",
            TransferEnd::Failed(_) => "failed",
        };
        self.events
            .lock()
            .unwrap()
            .push(format!("{what} {} {}", t.repo, t.file));
    }
}

impl Recorder {
    /// Events so far.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.events.lock().unwrap())
    }
}

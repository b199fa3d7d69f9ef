//! A FIFO where a cache file should be (repomd.xml, the state file, a metadata file) is
//! never opened for reading: the run goes on and the cache file is rewritten in its place.

use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use ebranch_fetch::{FetchOptions, Fetcher, NoProgress, RepoSource};

use crate::support::fixtures::*;
use crate::support::server::TestServer;

fn make_fifo(path: &Path) {
    std::fs::remove_file(path).unwrap();
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

fn is_fifo(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_fifo())
}

#[test]
fn fifos_in_place_of_cache_files_do_not_hang_a_run() {
    let server = TestServer::start();
    let fixture = bookworm();
    serve_repo(&server, "/os", &fixture);
    let cache = tempfile::tempdir().unwrap();
    let repo = repo("deb", RepoSource::Baseurl(vec![server.url("/os/")]));
    let first = Fetcher::new(cache.path(), fast_options())
        .fetch_one(&repo, &NoProgress)
        .unwrap();
    let repomd = first.dir.join("repodata/repomd.xml");
    let state = first.dir.join("ebranch-fetch.json");
    let upstream = first.dir.join("upstream-repomd.xml");
    for path in [&repomd, &state, &upstream, &first.primary] {
        make_fifo(path);
    }
    // A FIFO with no writer blocks whoever opens it for reading: run in a thread, and
    // fail rather than hang.
    let (tx, rx) = mpsc::channel();
    let root = cache.path().to_path_buf();
    std::thread::spawn(move || {
        let options = FetchOptions {
            refresh: true,
            ..fast_options()
        };
        let _ = tx.send(Fetcher::new(&root, options).fetch_one(&repo, &NoProgress));
    });
    let second = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the fetch hangs on a FIFO in the cache")
        .unwrap();
    for path in [&repomd, &state, &upstream, &second.primary] {
        assert!(!is_fifo(path), "{} is still a FIFO", path.display());
    }
    assert_eq!(
        read(&second.primary),
        read(fixture.join(href(&fixture, "primary")))
    );
}

//! The `modules` record (modules.yaml) is fetched with primary, so module filtering works
//! on named releases and on cached copies.

use ebranch_fetch::{Fetcher, RepoSource};
use ebranch_repodata::{Repomd, read_modules};

use crate::support::fixtures::*;
use crate::support::server::TestServer;

fn appstream() -> std::path::PathBuf {
    std::path::Path::new(DATA).join("cs9-osbuild-testrepos/appstream-2025-01")
}

#[test]
fn modules_yaml_is_fetched_with_primary_and_readable_from_the_cache() {
    let server = TestServer::start();
    let fixture = appstream();
    serve_repo(&server, "/as", &fixture);
    let cache = tempfile::tempdir().unwrap();
    let fetcher = Fetcher::new(cache.path(), fast_options());
    let repo = repo(
        "c9s-appstream",
        RepoSource::Baseurl(vec![server.url("/as/")]),
    );
    let fetched = fetcher
        .fetch(std::slice::from_ref(&repo), &Recorder::default())
        .unwrap();
    let modules_href = href(&fixture, "modules");
    assert!(
        server.paths().contains(&format!("/as/{modules_href}")),
        "{:?}",
        server.paths()
    );
    let dir = &fetched[0].dir;
    let repomd = Repomd::read(dir).unwrap();
    let md = read_modules(dir, &repomd).unwrap().expect("modules record");
    assert_eq!(md.streams.len(), 31);

    // A warm run finds everything in the cache, modules.yaml included.
    server.clear_log();
    fetcher
        .fetch(std::slice::from_ref(&repo), &Recorder::default())
        .unwrap();
    assert_eq!(server.requests(), 0);
}

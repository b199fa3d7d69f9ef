//! `--repo PATH`, `file://` and `http(s)://` arguments.

use ebranch_fetch::{FetchError, Fetcher, NoProgress, RepoRole, RepoSource, ResolvedRepo};

use crate::support::fixtures::*;
use crate::support::server::TestServer;

#[test]
fn local_directories_are_read_in_place() {
    let fixture = rhel_server();
    let cache = tempfile::tempdir().unwrap();
    let fetcher = Fetcher::new(cache.path(), fast_options());
    for arg in [
        fixture.display().to_string(),
        format!("file://{}", fixture.display()),
    ] {
        let repo = ResolvedRepo::from_arg(&arg, RepoRole::TargetBase, "x86_64");
        assert_eq!(repo.source, RepoSource::Local(fixture.clone()));
        let fetched = fetcher.fetch_one(&repo, &NoProgress).unwrap();
        assert_eq!(fetched.dir, fixture);
        assert_eq!(fetched.primary, fixture.join(href(&fixture, "primary")));
        assert_eq!(
            fetched.filelists,
            Some(fixture.join(href(&fixture, "filelists")))
        );
        assert_eq!(
            fetcher.fetch_filelists(&fetched, &NoProgress).unwrap(),
            fetched.filelists
        );
        assert_eq!(fetched.stats.requests, 0);
    }
    assert!(
        all_names(cache.path()).is_empty(),
        "local repos are not copied"
    );
}

#[test]
fn a_missing_local_directory_names_the_file() {
    let cache = tempfile::tempdir().unwrap();
    let repo = ResolvedRepo::from_arg("/nonexistent/repo", RepoRole::TargetBase, "x86_64");
    let error = Fetcher::new(cache.path(), fast_options())
        .fetch_one(&repo, &NoProgress)
        .unwrap_err();
    assert!(matches!(error, FetchError::Io { .. }));
    assert!(
        error
            .to_string()
            .starts_with("/nonexistent/repo/repodata/repomd.xml: "),
        "{error}"
    );
}

#[test]
fn http_arguments_are_fetched_and_cached() {
    let server = TestServer::start();
    serve_repo(&server, "/pub/os", &rhel_server());
    let cache = tempfile::tempdir().unwrap();
    let repo = ResolvedRepo::from_arg(&server.url("/pub/os/"), RepoRole::TargetLayer, "x86_64");
    assert!(repo.id.starts_with("127.0.0.1_"), "{}", repo.id);
    let fetched = Fetcher::new(cache.path(), fast_options())
        .fetch_one(&repo, &NoProgress)
        .unwrap();
    assert!(fetched.dir.starts_with(cache.path()));
    assert_eq!(server.requests(), 2);
}

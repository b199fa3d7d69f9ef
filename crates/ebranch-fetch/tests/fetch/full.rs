//! A full (cold) fetch, a warm run, and several repos in parallel.

use ebranch_fetch::{Fetcher, NoProgress, RepoSource};

use crate::support::fixtures::*;
use crate::support::server::{Reply, TestServer};

#[test]
fn cold_fetch_via_metalink_then_warm_run_makes_no_request() {
    let server = TestServer::start();
    let fixture = cs9_baseos();
    let repomd = serve_repo(&server, "/m1", &fixture);
    let link = metalink(&repomd, &[server.url("/m1/")], &[]);
    server.route("/metalink?repo=c9s-baseos&arch=x86_64", Reply::body(link));
    let cache = tempfile::tempdir().unwrap();
    let fetcher = Fetcher::new(cache.path(), fast_options());
    let repo = repo(
        "c9s-baseos",
        RepoSource::Metalink(server.url("/metalink?repo=c9s-baseos&arch=x86_64")),
    );
    let recorder = Recorder::default();

    let fetched = fetcher
        .fetch(std::slice::from_ref(&repo), &recorder)
        .unwrap();
    let primary_href = href(&fixture, "primary");
    assert_eq!(
        server.paths(),
        [
            "/metalink?repo=c9s-baseos&arch=x86_64".to_string(),
            "/m1/repodata/repomd.xml".to_string(),
            format!("/m1/{primary_href}"),
        ]
    );
    let got = &fetched[0];
    assert_eq!(got.stats.requests, 3);
    assert_eq!(got.stats.files, 1);
    assert_eq!(got.stats.bytes, server.bytes_sent());
    assert_eq!(
        got.stats.to_string(),
        format!("3 requests, {} bytes, 1 file", server.bytes_sent())
    );
    assert!(
        got.dir
            .starts_with(cache.path().join(ebranch_fetch::REPOS_DIR))
    );
    assert_eq!(read(got.dir.join("upstream-repomd.xml")), repomd);
    assert_eq!(read(&got.primary), read(fixture.join(&primary_href)));
    assert!(got.has_filelists() && got.filelists.is_none());
    assert_eq!(
        repodata_names(&got.dir),
        [
            primary_href.trim_start_matches("repodata/").to_string(),
            "repomd.xml".to_string()
        ]
    );
    assert_eq!(
        recorder.take(),
        [
            "start c9s-baseos metalink",
            "done c9s-baseos metalink",
            "start c9s-baseos repomd.xml",
            "done c9s-baseos repomd.xml",
            &format!("start c9s-baseos {primary_href}"),
            &format!("done c9s-baseos {primary_href}"),
        ]
    );

    server.clear_log();
    let warm = fetcher.fetch_one(&repo, &NoProgress).unwrap();
    assert_eq!(server.requests(), 0);
    assert_eq!(warm.stats.requests, 0);
    assert_eq!(warm.primary, got.primary);
    // A fresh handle (a new ebranch run) sees the same cache.
    let again = Fetcher::new(cache.path(), fast_options())
        .fetch_one(&repo, &NoProgress)
        .unwrap();
    assert_eq!(again.stats.requests, 0);
    assert_eq!(server.requests(), 0);
}

#[test]
fn several_repos_in_parallel_each_in_its_own_folder() {
    let server = TestServer::start();
    let fixtures = [rhel_server(), rhel_optional(), cs9_baseos(), bookworm()];
    let mut repos = Vec::new();
    for (i, fixture) in fixtures.iter().enumerate() {
        serve_repo(&server, &format!("/r{i}"), fixture);
        repos.push(repo(
            &format!("repo{i}"),
            RepoSource::Baseurl(vec![server.url(&format!("/r{i}/"))]),
        ));
    }
    let cache = tempfile::tempdir().unwrap();
    let fetcher = Fetcher::new(cache.path(), fast_options());
    let fetched = fetcher.fetch(&repos, &NoProgress).unwrap();
    assert_eq!(fetched.len(), 4);
    assert_eq!(server.requests(), 8, "{:?}", server.paths());
    for (got, fixture) in fetched.iter().zip(&fixtures) {
        assert_eq!(
            read(&got.primary),
            read(fixture.join(href(fixture, "primary")))
        );
    }
    let mut dirs: Vec<_> = fetched.iter().map(|f| f.dir.clone()).collect();
    dirs.dedup();
    assert_eq!(dirs.len(), 4);
}

#[test]
fn one_failing_repo_does_not_hide_the_others() {
    let server = TestServer::start();
    serve_repo(&server, "/good", &rhel_server());
    server.route("/bad/repodata/repomd.xml", Reply::Status(404));
    let repos = [
        repo("good", RepoSource::Baseurl(vec![server.url("/good/")])),
        repo("bad", RepoSource::Baseurl(vec![server.url("/bad/")])),
    ];
    let cache = tempfile::tempdir().unwrap();
    let fetcher = Fetcher::new(cache.path(), fast_options());
    let results = fetcher.fetch_all(&repos, &NoProgress);
    assert!(results[0].is_ok());
    let error = results[1].as_ref().unwrap_err().to_string();
    assert!(
        error.starts_with("repo bad: repomd.xml: 2 attempts failed, last: GET http://127.0.0.1:"),
        "{error}"
    );
    assert!(
        error.ends_with("/bad/repodata/repomd.xml: HTTP status 404"),
        "{error}"
    );
    let first = fetcher.fetch(&repos, &NoProgress).unwrap_err();
    assert_eq!(first.to_string(), error);
}

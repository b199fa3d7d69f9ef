//! Cold and warm runs of a three-repo release against a loopback mirror:
//! request counts and bytes (asserted), timings (printed with --nocapture).

use std::time::{Duration, Instant};

use ebranch_fetch::{FetchOptions, Fetcher, NoProgress, RepoSource, ResolvedRepo};

use crate::support::fixtures::*;
use crate::support::server::{Reply, TestServer};

#[test]
fn cold_warm_and_refresh_runs() {
    let server = TestServer::start();
    let fixtures = [bookworm(), cs9_baseos(), rhel_server()];
    let mut repos: Vec<ResolvedRepo> = Vec::new();
    let mut primary_bytes = 0u64;
    let mut repomd_bytes = 0u64;
    let mut metalink_bytes = 0u64;
    for (i, fixture) in fixtures.iter().enumerate() {
        let repomd = serve_repo(&server, &format!("/pub/{i}"), fixture);
        let link = metalink(&repomd, &[server.url(&format!("/pub/{i}/"))], &[]);
        repomd_bytes += repomd.len() as u64;
        metalink_bytes += link.len() as u64;
        primary_bytes += read(fixture.join(href(fixture, "primary"))).len() as u64;
        server.route(
            &format!("/metalink?repo=r{i}&arch=x86_64"),
            Reply::body(link),
        );
        repos.push(repo(
            &format!("r{i}"),
            RepoSource::Metalink(server.url(&format!("/metalink?repo=r{i}&arch=x86_64"))),
        ));
    }
    let cache = tempfile::tempdir().unwrap();
    let run = |options: FetchOptions| -> (Duration, usize, u64) {
        server.clear_log();
        let started = Instant::now();
        let fetched = Fetcher::new(cache.path(), options)
            .fetch(&repos, &NoProgress)
            .unwrap();
        let took = started.elapsed();
        let client_requests: u64 = fetched.iter().map(|f| f.stats.requests).sum();
        assert_eq!(client_requests as usize, server.requests());
        (took, server.requests(), server.bytes_sent())
    };

    let (cold_time, cold_requests, cold_bytes) = run(fast_options());
    assert_eq!(cold_requests, 9);
    assert_eq!(cold_bytes, metalink_bytes + repomd_bytes + primary_bytes);

    let (warm_time, warm_requests, warm_bytes) = run(fast_options());
    assert_eq!((warm_requests, warm_bytes), (0, 0));

    let refresh = FetchOptions {
        refresh: true,
        ..fast_options()
    };
    let (refresh_time, refresh_requests, refresh_bytes) = run(refresh);
    assert_eq!(refresh_requests, 3);
    assert_eq!(refresh_bytes, metalink_bytes);

    eprintln!(
        "FIGURES cold: {cold_requests} requests, {cold_bytes} bytes, {cold_time:?}; \
         warm: {warm_requests} requests, {warm_bytes} bytes, {warm_time:?}; \
         refresh (no change): {refresh_requests} requests, {refresh_bytes} bytes, {refresh_time:?}"
    );
}

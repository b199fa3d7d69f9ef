//! HTTP proxies from the environment, checked in a child process (the
//! environment of this test process is left alone).

use std::process::{Command, Stdio};

use ebranch_fetch::{FetchOptions, Fetcher, NoProgress, RepoSource};

use crate::support::fixtures::*;
use crate::support::server::{Reply, TestServer};

/// Set (to the cache dir) only in the child process.
const CHILD_ENV: &str = "EBRANCH_FETCH_TEST_PROXY_CHILD";

/// Nothing listens on 127.0.0.1:1: only the proxy can answer.
const ORIGIN: &str = "http://127.0.0.1:1/os/";

/// Does nothing in a normal test run; in the child it fetches through
/// whatever proxy the environment names.
#[test]
fn proxy_child_fetch() {
    let Ok(cache) = std::env::var(CHILD_ENV) else {
        return;
    };
    let options = FetchOptions {
        env_proxy: true,
        ..fast_options()
    };
    let fetched = Fetcher::new(cache, options)
        .fetch_one(
            &repo("via-proxy", RepoSource::Baseurl(vec![ORIGIN.into()])),
            &NoProgress,
        )
        .unwrap();
    assert_eq!(fetched.stats.requests, 2);
}

#[test]
fn http_proxy_from_the_environment_is_used() {
    let proxy = TestServer::start();
    proxy.act_as_proxy();
    serve_repo(&proxy, "/os", &rhel_server());
    proxy.route("CONNECT 127.0.0.1:1", Reply::Status(200));
    let cache = tempfile::tempdir().unwrap();
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([
            "proxy::proxy_child_fetch",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, cache.path())
        .env("HTTP_PROXY", proxy.url(""))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in [
        "ALL_PROXY",
        "all_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "http_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        command.env_remove(var);
    }
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let primary = href(&rhel_server(), "primary");
    assert_eq!(
        proxy.paths(),
        [
            "CONNECT 127.0.0.1:1".to_string(),
            "/os/repodata/repomd.xml".to_string(),
            "CONNECT 127.0.0.1:1".to_string(),
            format!("/os/{primary}"),
        ]
    );
}

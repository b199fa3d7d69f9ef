//! HTTP proxies from the environment, checked in a child process (the
//! environment of this test process is left alone).

use std::process::{Command, Stdio};

use ebranch_fetch::{FetchOptions, Fetcher, NoProgress, RepoSource};

use crate::support::fixtures::*;
use crate::support::server::{Reply, TestServer};

/// Set (to `cache-dir|base-url`) only in the child process.
const CHILD_ENV: &str = "EBRANCH_FETCH_TEST_PROXY_CHILD";

/// Does nothing in a normal test run; in the child it fetches the base URL it
/// is given through whatever proxy the environment names, and prints the outcome.
#[test]
fn proxy_child_fetch() {
    let Ok(arg) = std::env::var(CHILD_ENV) else {
        return;
    };
    let (cache, base) = arg.split_once('|').unwrap();
    let options = FetchOptions {
        env_proxy: true,
        retries: 0,
        ..fast_options()
    };
    let result = Fetcher::new(cache, options).fetch_one(
        &repo("via-proxy", RepoSource::Baseurl(vec![base.into()])),
        &NoProgress,
    );
    match result {
        Ok(fetched) => println!("FETCHED {} requests", fetched.stats.requests),
        Err(e) => println!("FAILED {e}"),
    }
}

/// Runs the child with `HTTPS_PROXY`/`HTTP_PROXY` pointing at `proxy`; returns its stdout.
fn run_child(proxy: &TestServer, base: &str) -> String {
    let cache = tempfile::tempdir().unwrap();
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([
            "proxy::proxy_child_fetch",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, format!("{}|{base}", cache.path().display()))
        .env("HTTPS_PROXY", proxy.url(""))
        .env("HTTP_PROXY", proxy.url(""))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in [
        "ALL_PROXY",
        "all_proxy",
        "https_proxy",
        "http_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        command.env_remove(var);
    }
    let output = command.output().unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn https_goes_through_the_proxy_from_the_environment() {
    let proxy = TestServer::start();
    proxy.act_as_proxy();
    // The proxy refuses the tunnel: the request must have asked it for one.
    proxy.route("CONNECT mirror.example:443", Reply::Status(403));
    let out = run_child(&proxy, "https://mirror.example/os/");
    assert!(out.contains("FAILED"), "{out}");
    assert_eq!(proxy.paths(), ["CONNECT mirror.example:443"]);
}

#[test]
fn loopback_hosts_are_reached_directly() {
    let proxy = TestServer::start();
    proxy.act_as_proxy();
    let origin = TestServer::start();
    serve_repo(&origin, "/os", &rhel_server());
    let out = run_child(&proxy, &origin.url("/os/"));
    assert!(out.contains("FETCHED 2 requests"), "{out}");
    assert!(proxy.paths().is_empty());
    assert_eq!(origin.requests(), 2);
}

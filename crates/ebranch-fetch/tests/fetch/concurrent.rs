//! Two runs fetching the same repo at once: the lock makes one download
//! and the other reuse the result.

use std::process::{Command, Stdio};
use std::time::Duration;

use ebranch_fetch::{Fetcher, NoProgress, RepoSource};

use crate::support::fixtures::*;
use crate::support::server::{Reply, TestServer};

/// Set (to "CACHE_DIR\nBASE_URL") only in child processes.
const CHILD_ENV: &str = "EBRANCH_FETCH_TEST_CHILD";

/// Serves cs9 BaseOS with a slow primary so the two runs overlap.
fn slow_repo(server: &TestServer) -> String {
    let fixture = cs9_baseos();
    serve_repo(server, "/os", &fixture);
    let primary = href(&fixture, "primary");
    server.route(
        &format!("/os/{primary}"),
        Reply::Slow(
            read(fixture.join(&primary)).into(),
            Duration::from_millis(300),
        ),
    );
    server.url("/os/")
}

/// Does nothing in a normal test run; in a child it fetches and reports.
#[test]
fn child_fetch() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let (cache, url) = spec.split_once('\n').unwrap();
    let fetched = Fetcher::new(cache, fast_options())
        .fetch_one(
            &repo("cs9", RepoSource::Baseurl(vec![url.to_string()])),
            &NoProgress,
        )
        .unwrap();
    assert_eq!(
        read(&fetched.primary),
        read(cs9_baseos().join(href(&cs9_baseos(), "primary")))
    );
    println!("CHILD-REQUESTS {}", fetched.stats.requests);
}

#[test]
fn two_processes_fetch_the_same_repo_once() {
    let server = TestServer::start();
    let url = slow_repo(&server);
    let cache = tempfile::tempdir().unwrap();
    let spec = format!("{}\n{url}", cache.path().display());
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..2)
        .map(|_| {
            Command::new(&exe)
                .args([
                    "concurrent::child_fetch",
                    "--exact",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(CHILD_ENV, &spec)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut requests = Vec::new();
    for child in children {
        let output = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "child failed: {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let line = stdout
            .lines()
            .find_map(|l| l.split("CHILD-REQUESTS ").nth(1))
            .unwrap_or_else(|| panic!("no report in {stdout}"));
        let count = line.split_whitespace().next().unwrap();
        requests.push(count.parse::<u64>().unwrap());
    }
    requests.sort();
    assert_eq!(
        requests,
        [0, 2],
        "one child downloads, the other waits and reuses"
    );
    assert_eq!(server.requests(), 2, "{:?}", server.paths());
}

#[test]
fn two_threads_with_separate_handles_fetch_the_same_repo_once() {
    let server = TestServer::start();
    let url = slow_repo(&server);
    let cache = tempfile::tempdir().unwrap();
    let repo = repo("cs9", RepoSource::Baseurl(vec![url]));
    let mut requests: Vec<u64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    Fetcher::new(cache.path(), fast_options())
                        .fetch_one(&repo, &NoProgress)
                        .unwrap()
                        .stats
                        .requests
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    requests.sort();
    assert_eq!(requests, [0, 2]);
    assert_eq!(server.requests(), 2);
}

/// Records the repos whose cache lock a run waited for.
#[derive(Default)]
struct LockWaits(std::sync::Mutex<Vec<String>>);

impl ebranch_fetch::Reporter for LockWaits {
    fn waiting_for_lock(&self, repo: &str, lock: &std::path::Path, _timeout: Duration) {
        self.0
            .lock()
            .unwrap()
            .push(format!("{repo} {}", lock.display()));
    }
}

#[test]
fn a_run_waiting_for_a_held_cache_lock_says_so_and_gives_up_in_time() {
    let server = TestServer::start();
    let fixture = rhel_server();
    serve_repo(&server, "/os", &fixture);
    let cache = tempfile::tempdir().unwrap();
    let r = repo("r", RepoSource::Baseurl(vec![server.url("/os/")]));
    let fetched = Fetcher::new(cache.path(), fast_options())
        .fetch_one(&r, &NoProgress)
        .unwrap();
    // Another run holds the lock (here: this test, through its own open file).
    let lock_path = fetched.dir.join(".lock");
    let other = std::fs::File::open(&lock_path).unwrap();
    other.lock().unwrap();
    server.clear_log();
    for offline in [false, true] {
        let waits = LockWaits::default();
        let options = ebranch_fetch::FetchOptions {
            refresh: true,
            offline,
            lock_timeout: Duration::from_millis(300),
            ..fast_options()
        };
        let err = Fetcher::new(cache.path(), options)
            .fetch_one(&r, &waits)
            .unwrap_err();
        assert!(
            matches!(err, ebranch_fetch::FetchError::LockTimeout { .. }),
            "{err}"
        );
        let msg = err.to_string();
        assert!(!msg.contains('\n'), "{msg}");
        assert!(
            msg.starts_with("repo r: gave up after 300ms waiting for another ebranch run"),
            "{msg}"
        );
        assert!(msg.contains(&lock_path.display().to_string()), "{msg}");
        assert_eq!(
            *waits.0.lock().unwrap(),
            [format!("r {}", lock_path.display())]
        );
    }
    assert_eq!(server.requests(), 0);
    drop(other);
    let options = ebranch_fetch::FetchOptions {
        refresh: true,
        lock_timeout: Duration::ZERO,
        ..fast_options()
    };
    Fetcher::new(cache.path(), options)
        .fetch_one(&r, &NoProgress)
        .unwrap();
}

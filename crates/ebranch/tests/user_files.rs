//! The user's files and stdout, through the binary: `-o` never replaces what is not a
//! regular file (finding 12), a closed stdout keeps the answer's exit code (24), a FIFO
//! where a cache file should be does not hang a run (23), and a writer killed while
//! writing the index cache leaves nothing behind for long (9).

mod common;

use std::io::Read;
use std::os::unix::fs::{FileTypeExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;

/// `ebranch missing python-b4 --format json` on the demo universe (exit 1: it needs two
/// branches), with `extra` arguments.
fn missing_b4(cache: &Path, extra: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ebranch"));
    cmd.args(["missing", "python-b4", "--format", "json"])
        .args(demo_flags())
        .args(extra)
        .arg("--cache-dir")
        .arg(cache)
        .env_remove("EBRANCH_CACHE_DIR");
    cmd
}

fn is_b4_report(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text).is_ok_and(|v| v["python-b4"].is_object())
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

/// Waits for `child` for at most `limit`; a child still running then is killed and the
/// test fails.
fn wait_at_most(child: &mut Child, limit: Duration, what: &str) -> Option<i32> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn output_through_a_symlink_replaces_its_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("real.json");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("link.json");
    symlink("real.json", &link).unwrap();
    let out = missing_b4(dir.path(), &["-o", link.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(is_b4_report(&std::fs::read_to_string(&target).unwrap()));
}

#[test]
fn output_to_a_fifo_is_written_through_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("out.fifo");
    mkfifo(&fifo);
    let (tx, rx) = mpsc::channel();
    let reader = fifo.clone();
    std::thread::spawn(move || {
        let mut text = String::new();
        std::fs::File::open(reader)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        let _ = tx.send(text);
    });
    let mut child = missing_b4(dir.path(), &["-o", fifo.to_str().unwrap()])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let code = wait_at_most(&mut child, Duration::from_secs(120), "missing -o FIFO");
    assert_eq!(code, Some(1));
    let text = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("nothing was written into the FIFO");
    assert!(is_b4_report(&text), "{text}");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

#[test]
fn output_dash_is_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = missing_b4(dir.path(), &["-o", "-"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(is_b4_report(&stdout(&out)));
    assert!(!dir.path().join("-").exists());
}

#[test]
fn output_to_a_link_to_dev_stdout_reaches_the_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("out");
    symlink("/dev/stdout", &link).unwrap();
    let out = missing_b4(dir.path(), &["-o", link.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(is_b4_report(&stdout(&out)), "{}", stdout(&out));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn a_closed_stdout_keeps_the_answers_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    // A pipe whose reader is gone before anything is written: every write is EPIPE.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let status = missing_b4(dir.path(), &[])
        .stdout(writer)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1), "found something, read or not");
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut plan = Command::new(env!("CARGO_BIN_EXE_ebranch"));
    let status = plan
        .args(["plan", "python-b4"])
        .args(demo_flags())
        .arg("--cache-dir")
        .arg(dir.path())
        .stdout(writer)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0), "nothing found stays 0");
}

/// The index cache files (`*.idx`) under `cache`: each repository's and the pool images
/// (`pool-*.idx`).
fn index_files(cache: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(cache.join("index"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "idx"))
        .collect();
    out.sort();
    out
}

/// The repositories' index cache files under `cache` (not the pool images).
fn repo_index_files(cache: &Path) -> Vec<PathBuf> {
    let is_image = |p: &PathBuf| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("pool-"))
    };
    index_files(cache)
        .into_iter()
        .filter(|p| !is_image(p))
        .collect()
}

#[test]
fn a_fifo_in_place_of_an_index_cache_file_does_not_hang() {
    let cache = tempfile::tempdir().unwrap();
    let first = missing_b4(cache.path(), &[]).output().unwrap();
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    // Every cache file a run reads, the repositories' and the pool image, becomes a FIFO.
    let files = index_files(cache.path());
    assert!(
        files.len() >= 2,
        "a repository index and a pool image: {files:?}"
    );
    for idx in &files {
        std::fs::remove_file(idx).unwrap();
        mkfifo(idx);
    }
    let mut child = missing_b4(cache.path(), &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let code = wait_at_most(&mut child, Duration::from_secs(120), "a run over a FIFO");
    assert_eq!(code, Some(1));
    // Each cache file was rebuilt in its place.
    for idx in &files {
        assert!(std::fs::symlink_metadata(idx).unwrap().is_file(), "{idx:?}");
    }
}

/// Hidden files (temporary files) in the index cache, with their sizes.
fn index_leftovers(cache: &Path) -> Vec<(String, u64)> {
    let Ok(entries) = std::fs::read_dir(cache.join("index")) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| {
            let len = e.metadata().map_or(0, |m| m.len());
            (e.file_name().to_string_lossy().into_owned(), len)
        })
        .collect()
}

#[test]
fn a_writer_killed_while_writing_the_index_cache_leaves_nothing_behind() {
    // CentOS Stream 9 AppStream: a 10 MB index cache, long enough to write to be caught.
    let repo = data("cs9-osbuild-testrepos/appstream-2025-01");
    let run = |cache: &Path| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ebranch"));
        cmd.args(["repoclosure", "--check", &repo, "--cache-dir"])
            .arg(cache)
            .env_remove("EBRANCH_CACHE_DIR")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd
    };
    for _attempt in 0..5 {
        let cache = tempfile::tempdir().unwrap();
        let mut child = run(cache.path()).spawn().unwrap();
        let caught = loop {
            if child.try_wait().unwrap().is_some() {
                break false;
            }
            if index_leftovers(cache.path())
                .iter()
                .any(|(_, len)| *len > 0)
            {
                child.kill().unwrap(); // SIGKILL: no cleanup of any kind
                child.wait().unwrap();
                break true;
            }
            std::thread::sleep(Duration::from_micros(200));
        };
        if !caught {
            continue;
        }
        assert!(!index_leftovers(cache.path()).is_empty());
        let mut next = run(cache.path()).spawn().unwrap();
        let code = wait_at_most(&mut next, Duration::from_secs(300), "the next run");
        assert_ne!(code, Some(2));
        assert_eq!(
            index_leftovers(cache.path()),
            [],
            "the dead writer's temporary file is still there"
        );
        assert_eq!(repo_index_files(cache.path()).len(), 1);
        return;
    }
    panic!("the cache write was never caught in progress");
}

#[test]
fn a_cold_run_finishes_its_pool_image_before_it_exits() {
    // The image is written on a background thread while the run checks and prints; the
    // process must wait for it, so that the next run reads the image, complete.
    let cache = tempfile::tempdir().unwrap();
    for (run, wanted) in [("cold", "pool indexed"), ("warm", "pool image read")] {
        let out = missing_b4(cache.path(), &[])
            .env("EBRANCH_TIMINGS", "1")
            .env("EBRANCH_TEST_BACKGROUND_DELAY_MS", "300")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{run}: {}", stderr(&out));
        assert!(stderr(&out).contains(wanted), "{run}: {}", stderr(&out));
        assert!(is_b4_report(&String::from_utf8_lossy(&out.stdout)));
        assert_eq!(index_leftovers(cache.path()), vec![], "{run}");
    }
}

//! Loads repositories and prints counts and timings.
//!
//! `cargo run --release --example load -- [--no-filelists] [--cache DIR] [--parallel] DIR...`

use std::path::{Path, PathBuf};
use std::time::Instant;

use ebranch_repodata::{ReadOptions, RepoData, load_repo, read_repo};

fn load(dir: &Path, cache: Option<&Path>, options: &ReadOptions) -> (RepoData, String) {
    match cache {
        Some(c) => {
            let (data, outcome) = load_repo(dir, Some(c), options).unwrap_or_else(|e| {
                eprintln!("error: {e}");
                std::process::exit(1)
            });
            (data, format!("{outcome:?}"))
        }
        None => (
            read_repo(dir, options).unwrap_or_else(|e| {
                eprintln!("error: {e}");
                std::process::exit(1)
            }),
            "parsed".to_string(),
        ),
    }
}

fn main() {
    let mut options = ReadOptions::default();
    let mut cache: Option<PathBuf> = None;
    let mut parallel = false;
    let mut repeat = 1;
    let mut dirs = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--no-filelists" => options.filelists = false,
            "--cache" => cache = args.next().map(PathBuf::from),
            "--parallel" => parallel = true,
            "--repeat" => repeat = args.next().and_then(|n| n.parse().ok()).unwrap_or(1),
            _ => dirs.push(PathBuf::from(a)),
        }
    }
    for _ in 1..repeat {
        let t = Instant::now();
        for d in &dirs {
            drop(load(d, cache.as_deref(), &options));
        }
        println!("warm-up run {:.3}s", t.elapsed().as_secs_f64());
    }
    let start = Instant::now();
    let results: Vec<(RepoData, String, f64)> = if parallel {
        std::thread::scope(|scope| {
            let handles: Vec<_> = dirs
                .iter()
                .map(|d| {
                    let cache = cache.as_deref();
                    scope.spawn(move || {
                        let t = Instant::now();
                        let (r, o) = load(d, cache, &options);
                        (r, o, t.elapsed().as_secs_f64())
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        })
    } else {
        dirs.iter()
            .map(|d| {
                let t = Instant::now();
                let (r, o) = load(d, cache.as_deref(), &options);
                (r, o, t.elapsed().as_secs_f64())
            })
            .collect()
    };
    for (dir, (r, outcome, secs)) in dirs.iter().zip(&results) {
        println!(
            "{}: {} packages, {} deps, {} files, {} strings ({} bytes), ~{:.1} MiB, {:.3}s, {}",
            dir.display(),
            r.packages.len(),
            r.deps.len(),
            r.files.len(),
            r.strings.len(),
            r.strings.arena_len(),
            r.heap_bytes() as f64 / 1048576.0,
            secs,
            outcome
        );
    }
    println!("total {:.3}s", start.elapsed().as_secs_f64());
}

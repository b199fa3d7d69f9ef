//! ebranch's fuzz harness: one binary for every target (see `fuzz/README.md`).
//!
//! ```text
//! ebranch-fuzz list                      the targets
//! ebranch-fuzz run TARGET                one target under afl-fuzz (persistent mode)
//! ebranch-fuzz replay TARGET PATH...     run files (or every file of directories) once,
//!                                        with time and heap peak, failing over a bound
//! ebranch-fuzz seed OUT SOURCE...        write seed corpora for every target into
//!                                        OUT/TARGET from the repositories under SOURCEs
//! ```

mod bounds;
mod seed;
mod targets;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

use targets::{Scratch, Target};

#[global_allocator]
static ALLOCATOR: bounds::Bounded = bounds::Bounded;

/// The input being replayed, named by the panic hook.
static CURRENT: Mutex<Option<PathBuf>> = Mutex::new(None);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("list") => {
            for t in targets::ALL {
                println!("{:<11} {}", t.name, t.about);
            }
            Ok(())
        }
        Some("run") if args.len() == 2 => target(&args[1]).and_then(fuzz),
        Some("replay") if args.len() >= 3 => {
            let paths: Vec<PathBuf> = args[2..].iter().map(PathBuf::from).collect();
            target(&args[1]).and_then(|t| replay(t, &paths))
        }
        Some("seed") if args.len() >= 3 => {
            let sources: Vec<PathBuf> = args[2..].iter().map(PathBuf::from).collect();
            seed::write_all(Path::new(&args[1]), &sources).map_err(|e| e.to_string())
        }
        _ => Err(
            "usage: ebranch-fuzz list | run TARGET | replay TARGET PATH... | seed OUT SOURCE..."
                .into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("ebranch-fuzz: {message}");
            ExitCode::from(2)
        }
    }
}

fn target(name: &str) -> Result<&'static Target, String> {
    targets::find(name).ok_or_else(|| format!("no target {name:?} (see `ebranch-fuzz list`)"))
}

/// The scratch directory: under `$EBRANCH_FUZZ_TMP`, else `/dev/shm`, else the temp dir.
fn scratch() -> Result<Scratch, String> {
    let base = std::env::var_os("EBRANCH_FUZZ_TMP")
        .map(PathBuf::from)
        .or_else(|| Some(PathBuf::from("/dev/shm")).filter(|p| p.is_dir()))
        .unwrap_or_else(std::env::temp_dir);
    Scratch::create(&base).map_err(|e| format!("scratch directory in {base:?}: {e}"))
}

/// Runs `target` under afl-fuzz: AFL++'s persistent loop, inputs from shared memory.
fn fuzz(target: &'static Target) -> Result<(), String> {
    bounds::limit_address_space();
    let scratch = scratch()?;
    afl::fuzz!(|data: &[u8]| {
        (target.run)(&scratch, data);
    });
    scratch.remove();
    Ok(())
}

/// Runs each input once, measuring time and heap peak; fails on the first input over a
/// bound (a crash aborts the process, naming the input).
fn replay(target: &'static Target, paths: &[PathBuf]) -> Result<(), String> {
    bounds::limit_address_space();
    let scratch = scratch()?;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Ok(Some(path)) = CURRENT.lock().as_deref() {
            eprintln!("ebranch-fuzz: input {} failed:", path.display());
        }
        previous(info);
    }));
    let files = inputs(paths)?;
    let mut slowest = (0.0f64, None);
    let mut largest = (0usize, None);
    for file in &files {
        let data = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
        *CURRENT.lock().unwrap_or_else(|e| e.into_inner()) = Some(file.clone());
        let base = bounds::start_input();
        let start = Instant::now();
        (target.run)(&scratch, &data);
        let elapsed = start.elapsed();
        let heap = bounds::peak().saturating_sub(base);
        if elapsed > bounds::TIME_LIMIT {
            scratch.remove();
            return Err(format!(
                "{}: took {elapsed:?}, over the bound",
                file.display()
            ));
        }
        if elapsed.as_secs_f64() > slowest.0 {
            slowest = (elapsed.as_secs_f64(), Some(file));
        }
        if heap > largest.0 {
            largest = (heap, Some(file));
        }
    }
    scratch.remove();
    let name = |f: Option<&PathBuf>| f.map(|p| p.display().to_string()).unwrap_or_default();
    println!(
        "{}: {} inputs; slowest {:.1} ms ({}); heap peak {:.1} MiB ({})",
        target.name,
        files.len(),
        slowest.0 * 1000.0,
        name(slowest.1),
        largest.0 as f64 / f64::from(1 << 20),
        name(largest.1),
    );
    Ok(())
}

/// The files named, and the regular files directly inside the directories named
/// (skipping dot files such as AFL++'s `.state`), in name order.
fn inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries =
                std::fs::read_dir(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .map(|e| e.path())
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

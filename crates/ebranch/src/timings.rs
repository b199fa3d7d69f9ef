//! Phase timings on stderr when `EBRANCH_TIMINGS` is set (for benchmarking and profiling).

use std::sync::OnceLock;
use std::time::Instant;

fn start() -> &'static Option<Instant> {
    static START: OnceLock<Option<Instant>> = OnceLock::new();
    START.get_or_init(|| std::env::var_os("EBRANCH_TIMINGS").map(|_| Instant::now()))
}

/// Starts the clock (call first thing in `main`).
pub fn init() {
    let _ = start();
}

/// Reports that `phase` ended, with the time since start, when timings are on.
pub fn phase(phase: &str) {
    if let Some(t0) = start() {
        eprintln!(
            "[timings] {:>8.1} ms  {phase}",
            t0.elapsed().as_secs_f64() * 1e3
        );
    }
}

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

/// Whether timings are on (to skip building a phase's name otherwise).
pub fn enabled() -> bool {
    start().is_some()
}

/// Reports that `phase` ended, with the time since start, when timings are on.
pub fn phase(phase: &str) {
    if let Some(t0) = start() {
        eprintln!(
            "[timings] {:>8.1} ms  cpu {:>6} ms  peak {:>6} KiB  {phase}",
            t0.elapsed().as_secs_f64() * 1e3,
            cpu_ms().map_or_else(|| "?".to_owned(), |ms| ms.to_string()),
            peak_kib().map_or_else(|| "?".to_owned(), |kib| kib.to_string())
        );
    }
}

/// CPU time (user + system, all threads) of this process so far, in milliseconds, from
/// `/proc/self/stat` (Linux; clock ticks of 10 ms). On a busy machine wall times stretch,
/// CPU times much less.
fn cpu_ms() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at state, field 3.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split(' ');
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some((utime + stime) * 10)
}

/// Peak resident memory of this process so far, in KiB (`VmHWM` of `/proc/self/status`).
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

//! Work that need not delay the answer: started while the command goes on, finished
//! before the process exits.
//!
//! A cold run writes the pool image for the next run; that write overlaps the checking
//! and printing of this one. [`finish`] (called by `main` before it returns) waits for it,
//! so a written cache file is always complete when the process ends.

use std::sync::{Mutex, PoisonError};
use std::thread::JoinHandle;

static RUNNING: Mutex<Vec<JoinHandle<()>>> = Mutex::new(Vec::new());

/// Runs `work` on its own thread, or right here when no thread can be started.
pub fn spawn(name: &str, work: impl FnOnce() + Send + 'static) {
    // The closure goes through a slot so that it can be taken back and run here.
    let slot = std::sync::Arc::new(Mutex::new(Some(work)));
    let theirs = std::sync::Arc::clone(&slot);
    let spawned = std::thread::Builder::new()
        .name(format!("ebranch-{name}"))
        .spawn(move || {
            if let Some(work) = theirs.lock().unwrap_or_else(PoisonError::into_inner).take() {
                test_delay();
                work();
            }
        });
    match spawned {
        Ok(handle) => RUNNING
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(handle),
        Err(_) => {
            if let Some(work) = slot.lock().unwrap_or_else(PoisonError::into_inner).take() {
                work();
            }
        }
    }
}

/// In debug builds, `EBRANCH_TEST_BACKGROUND_DELAY_MS` holds background work back, so
/// that tests can check that [`finish`] waits for it however long it takes.
fn test_delay() {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("EBRANCH_TEST_BACKGROUND_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// Waits for all work started with [`spawn`].
pub fn finish() {
    let running = std::mem::take(&mut *RUNNING.lock().unwrap_or_else(PoisonError::into_inner));
    for handle in running {
        // A panic in background work loses a cache file, not the answer.
        let _ = handle.join();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn finish_waits_for_every_spawned_work() {
        static DONE: AtomicUsize = AtomicUsize::new(0);
        for _ in 0..3 {
            spawn("test", || {
                std::thread::sleep(std::time::Duration::from_millis(20));
                DONE.fetch_add(1, Ordering::SeqCst);
            });
        }
        finish();
        assert_eq!(DONE.load(Ordering::SeqCst), 3);
    }
}

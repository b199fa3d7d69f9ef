//! The bounds every input must stay within, enforced inside the harness:
//!
//! - memory: a counting global allocator refuses any allocation that would take the
//!   live Rust heap over [`HEAP_LIMIT`] (1 GiB). The refused allocation aborts the process
//!   (`memory allocation of N bytes failed`), which AFL++ records as a crash; code that
//!   asks with `try_reserve` gets an error instead, as it would on a full machine. The C
//!   decompressors (zlib, liblzma, libzstd, libbz2) allocate with `malloc`, which this
//!   does not see: [`limit_address_space`] caps the whole process's address space at
//!   1.5 GiB as well (AFL++'s `-m` would do the same, for the child only);
//! - time: AFL++'s `-t 10000` (10 s per input) in `fuzz.sh`; `replay` measures every
//!   input and fails on one over [`TIME_LIMIT`];
//! - crashes: a panic aborts (`panic = "abort"` and afl's hook), and a stack overflow is
//!   a SIGSEGV turned into an abort by Rust's guard page handler.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Most live heap one input may use.
pub const HEAP_LIMIT: usize = 1 << 30;
/// Longest one input may take.
pub const TIME_LIMIT: Duration = Duration::from_secs(10);
/// Address-space cap for the whole process: the heap limit plus room for code, thread
/// stacks, glibc's per-thread arenas (64 MiB of address space each) and AFL's coverage
/// map. A C library allocating past this gets NULL, which it reports as an error.
const ADDRESS_SPACE: u64 = (HEAP_LIMIT as u64) + (512 << 20);

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// The global allocator of the harness: [`System`], counting live bytes.
pub struct Bounded;

impl Bounded {
    fn reserve(size: usize) -> bool {
        let before = LIVE.fetch_add(size, Ordering::Relaxed);
        let after = before.saturating_add(size);
        if after > HEAP_LIMIT {
            LIVE.fetch_sub(size, Ordering::Relaxed);
            report_refusal(size, before);
            return false;
        }
        PEAK.fetch_max(after, Ordering::Relaxed);
        true
    }

    fn release(size: usize) {
        LIVE.fetch_sub(size, Ordering::Relaxed);
    }
}

/// Says why an allocation is refused, without allocating.
fn report_refusal(size: usize, live: usize) {
    let _ = writeln!(
        std::io::stderr(),
        "ebranch-fuzz: refused an allocation of {size} bytes with {live} bytes live: over the 1 GiB bound"
    );
}

// SAFETY: every method forwards to `System` with the caller's arguments; the counter
// only decides whether to forward, and a refusal returns null as the contract allows.
unsafe impl GlobalAlloc for Bounded {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !Self::reserve(layout.size()) {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded unchanged.
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            Self::release(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !Self::reserve(layout.size()) {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded unchanged.
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            Self::release(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) };
        Self::release(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = layout.size();
        if new_size > old && !Self::reserve(new_size - old) {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded unchanged.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            if new_size > old {
                Self::release(new_size - old);
            }
        } else if new_size < old {
            Self::release(old - new_size);
        }
        p
    }
}

/// Starts measuring one input: the peak restarts from what is live now.
pub fn start_input() -> usize {
    let live = LIVE.load(Ordering::Relaxed);
    PEAK.store(live, Ordering::Relaxed);
    live
}

/// The most bytes live since [`start_input`].
pub fn peak() -> usize {
    PEAK.load(Ordering::Relaxed)
}

/// Caps the address space of this process (and so of the C libraries' `malloc`) at
/// [`ADDRESS_SPACE`], unless a lower cap is already set (AFL++'s `-m`).
pub fn limit_address_space() {
    let mut current = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a valid pointer to a local struct.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_AS, &mut current) != 0 {
            return;
        }
        if current.rlim_cur != libc::RLIM_INFINITY && current.rlim_cur <= ADDRESS_SPACE {
            return;
        }
        let wanted = libc::rlimit {
            rlim_cur: ADDRESS_SPACE,
            rlim_max: current.rlim_max,
        };
        libc::setrlimit(libc::RLIMIT_AS, &wanted);
    }
}

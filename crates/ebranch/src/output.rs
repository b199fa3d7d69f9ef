//! Where the binary's data and messages go, and how a run ends: data to stdout or a file
//! (`-o FILE`, `-o -` for stdout), one-line errors to stderr, and one exit-code rule.

use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;

use crate::Outcome;

/// Set when stdout's reader went away (`ebranch ... | head -1`).
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// The exit code of a process killed by SIGPIPE, as shells report it (128 + 13).
const BROKEN_PIPE_EXIT: u8 = 141;

/// Buffered, locked stdout for data. When the reader closes the pipe, the rest of the
/// output is dropped without an error, so that the command still ends with its answer's
/// exit code (see [`exit_code`]).
pub struct Stdout {
    inner: BufWriter<io::StdoutLock<'static>>,
}

/// The data output.
pub fn stdout() -> Stdout {
    Stdout {
        inner: BufWriter::with_capacity(1 << 16, io::stdout().lock()),
    }
}

impl Stdout {
    /// `result` of a write, with a closed pipe noted and turned into success.
    fn closed_is_ok<T>(result: io::Result<T>, done: T) -> io::Result<T> {
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                STDOUT_CLOSED.store(true, Ordering::Relaxed);
                Ok(done)
            }
            other => other,
        }
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if STDOUT_CLOSED.load(Ordering::Relaxed) {
            return Ok(buf.len());
        }
        Stdout::closed_is_ok(self.inner.write(buf), buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if STDOUT_CLOSED.load(Ordering::Relaxed) {
            return Ok(());
        }
        Stdout::closed_is_ok(self.inner.flush(), ())
    }
}

impl Drop for Stdout {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// The one rule for how a run ends: 0 done and nothing found, 1 found something, 2 an
/// error (printed as one line). A reader that closed stdout early changes nothing: the
/// answer's code stands (`ebranch missing X | head -1` exits 1 when X misses something,
/// as it does when read in full). Should a closed pipe still surface as an error, the
/// code is 141, what a shell reports for a process killed by SIGPIPE: never 0.
pub fn exit_code(result: anyhow::Result<Outcome>) -> ExitCode {
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Found) => ExitCode::from(1),
        Err(err) if is_broken_pipe(&err) => ExitCode::from(BROKEN_PIPE_EXIT),
        Err(err) => {
            eprintln!("error: {}", error_chain(&err));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes on one line, `outer: inner: innermost`, without repeats.
pub fn error_chain(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if parts.last().is_none_or(|last| !last.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

/// Whether the error is a closed stdout.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Writes `text` to the user's file `path` by `ebranch-fs`'s rules: atomically, keeping
/// mode and owner, through a symlink to its target, and through (not over) a FIFO or a
/// device such as `/dev/stdout`.
pub fn write_atomically(path: &Path, text: &[u8]) -> anyhow::Result<()> {
    ebranch_fs::write_user_file(path, text)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Whether `-o PATH` means stdout: no `-o`, or `-o -`.
pub fn is_stdout(path: Option<&Path>) -> bool {
    path.is_none_or(|p| p == Path::new("-"))
}

/// Writes `text` to `-o PATH` (see [`write_atomically`]), or to stdout for no `-o` or
/// `-o -`.
pub fn emit(path: Option<&Path>, text: &str) -> anyhow::Result<()> {
    match path {
        Some(path) if !is_stdout(Some(path)) => write_atomically(path, text.as_bytes()),
        _ => {
            let mut out = stdout();
            out.write_all(text.as_bytes())?;
            out.flush()?;
            Ok(())
        }
    }
}

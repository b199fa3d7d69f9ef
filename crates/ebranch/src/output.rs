//! Where the binary's data and messages go, and how a run ends: data to stdout or a file
//! (`-o FILE`, `-o -` for stdout), one-line errors to stderr, and one exit-code rule.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;

use crate::Outcome;

/// Set when stdout's reader went away (`ebranch ... | head -1`).
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// The exit code of a process killed by SIGPIPE, as shells report it (128 + 13).
const BROKEN_PIPE_EXIT: u8 = 141;

/// `text` safe to show on a terminal: every control character but newline and tab (C0,
/// DEL, C1 such as the 8-bit CSI) and every bidirectional override or isolate is written
/// as a `\u{..}` escape, so that text from a repository, a report or a service can
/// neither drive the terminal (retitle it, clear it, move the cursor) nor reorder what
/// is shown. The one helper for every printer of such text.
pub fn printable(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// Like [`printable`], but keeping the colour codes ebranch itself writes
/// (`ESC [ 0|1|31|32|33|35 m`): at worst, text could recolour itself.
fn printable_keeping_colors(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

fn escape(text: &str, keep_colors: bool) -> Cow<'_, str> {
    let unsafe_char = |c: char| (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c);
    if !text.contains(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if keep_colors && let Some(code) = our_color_code(rest) {
            out.push_str(code);
            rest = &rest[code.len()..];
            continue;
        }
        if unsafe_char(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// The colour code `text` starts with, if it is one ebranch writes.
fn our_color_code(text: &str) -> Option<&str> {
    [
        "\x1b[0m", "\x1b[1m", "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[35m",
    ]
    .into_iter()
    .find(|code| text.starts_with(code))
    .map(|code| &text[..code.len()])
}

/// The Unicode formatting characters that reorder text: embeddings, overrides, isolates.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// What a [`Stdout`] does to text on its way to a terminal.
#[derive(Clone, Copy)]
enum Shown {
    /// Not a terminal: written exactly.
    Exact,
    /// [`printable`].
    Printable,
    /// [`printable`], keeping ebranch's own colour codes.
    PrintableKeepingColors,
}

/// Buffered, locked stdout for data. When the reader closes the pipe, the rest of the
/// output is dropped without an error, so that the command still ends with its answer's
/// exit code (see [`exit_code`]). On a terminal, what is written passes [`printable`];
/// to a pipe or a file it goes exactly as given.
pub struct Stdout {
    inner: BufWriter<io::StdoutLock<'static>>,
    shown: Shown,
}

/// The data output.
pub fn stdout() -> Stdout {
    let shown = if io::stdout().is_terminal() {
        Shown::Printable
    } else {
        Shown::Exact
    };
    Stdout {
        inner: BufWriter::with_capacity(1 << 16, io::stdout().lock()),
        shown,
    }
}

/// The data output for coloured text: like [`stdout`], keeping ebranch's colour codes.
fn colored_stdout() -> Stdout {
    let mut out = stdout();
    if matches!(out.shown, Shown::Printable) {
        out.shown = Shown::PrintableKeepingColors;
    }
    out
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
        let shown = match self.shown {
            Shown::Exact => return Stdout::closed_is_ok(self.inner.write(buf), buf.len()),
            Shown::Printable => printable(&String::from_utf8_lossy(buf)).into_owned(),
            Shown::PrintableKeepingColors => {
                printable_keeping_colors(&String::from_utf8_lossy(buf)).into_owned()
            }
        };
        Stdout::closed_is_ok(self.inner.write_all(shown.as_bytes()), ()).map(|()| buf.len())
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
            eprintln!("error: {}", printable(&error_chain(&err)));
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
    emit_to(path, text, stdout)
}

/// Like [`emit`], for text carrying ebranch's own colour codes (kept on a terminal).
pub fn emit_colored(path: Option<&Path>, text: &str) -> anyhow::Result<()> {
    emit_to(path, text, colored_stdout)
}

fn emit_to(path: Option<&Path>, text: &str, out: fn() -> Stdout) -> anyhow::Result<()> {
    match path {
        Some(path) if !is_stdout(Some(path)) => write_atomically(path, text.as_bytes()),
        _ => {
            let mut out = out();
            out.write_all(text.as_bytes())?;
            out.flush()?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_in_repository_text_are_escaped() {
        assert!(matches!(printable("foo-1.0 é ✓\tx\n"), Cow::Borrowed(_)));
        assert_eq!(
            printable("a\x1b]0;owned\x07b\x1b[2J\u{7f}\u{9b}31m\u{202e}x\r"),
            "a\\u{1b}]0;owned\\u{7}b\\u{1b}[2J\\u{7f}\\u{9b}31m\\u{202e}x\\u{d}"
        );
        assert_eq!(
            printable_keeping_colors("\x1b[1mname\x1b[0m \x1b[2J \x1b[31"),
            "\x1b[1mname\x1b[0m \\u{1b}[2J \\u{1b}[31"
        );
    }
}

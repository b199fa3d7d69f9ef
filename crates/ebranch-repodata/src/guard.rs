//! The bounds and checks every decompressed metadata byte passes before the XML parser
//! sees it, so that a hostile file costs bounded memory and a clear error:
//!
//! - one XML event (a tag with its attributes, a text run, a comment, a CDATA section) is
//!   at most [`MAX_NODE`] bytes, and so is the text kept of one element;
//! - the whole decompressed document is at most repomd.xml's `open-size` plus a margin
//!   ([`total_limit`]), and never more than [`MAX_DECOMPRESSED`];
//! - characters that XML 1.0 forbids (C0 controls other than tab, LF and CR; U+FFFE and
//!   U+FFFF) are rejected where they occur, as the XML spec requires of a parser.
//!
//! A violation is an I/O error carrying a [`Violation`], which `XmlInput` turns into a
//! one-line error naming the file and the byte offset.

use std::fmt;
use std::io::{self, BufRead, Read};

/// The longest XML event, and the longest text kept of one element. Real metadata's
/// longest are package descriptions of a few kilobytes.
pub const MAX_NODE: usize = 16 << 20;

/// The most bytes read from one decompressed metadata file when repomd.xml gives no
/// `open-size` (and the ceiling when it does). Fedora's largest, filelists.xml of
/// rawhide, is under 1 GiB.
pub const MAX_DECOMPRESSED: u64 = 4 << 30;

/// The most bytes read from a file whose repomd.xml record says its decompressed size
/// is `open_size`: that plus an eighth plus 1 MiB, capped at [`MAX_DECOMPRESSED`].
pub fn total_limit(open_size: Option<u64>) -> u64 {
    open_size.map_or(MAX_DECOMPRESSED, |n| {
        n.saturating_add(n / 8)
            .saturating_add(1 << 20)
            .min(MAX_DECOMPRESSED)
    })
}

/// What a hostile document did, at which byte of the decompressed stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    /// Byte offset in the decompressed document.
    pub position: u64,
    /// What is wrong.
    pub kind: ViolationKind,
}

/// The kinds of [`Violation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ViolationKind {
    /// A character XML 1.0 does not allow.
    ForbiddenChar(char),
    /// One event longer than [`MAX_NODE`].
    NodeTooLong,
    /// More decompressed bytes than the limit.
    TooLarge {
        /// The limit.
        limit: u64,
    },
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ViolationKind::ForbiddenChar(c) => {
                write!(f, "character U+{:04X} is not allowed in XML", c as u32)
            }
            ViolationKind::NodeTooLong => write!(
                f,
                "a tag, text or comment longer than {} MiB",
                MAX_NODE >> 20
            ),
            ViolationKind::TooLarge { limit } => {
                write!(f, "more than {limit} bytes of decompressed content")
            }
        }
    }
}

impl std::error::Error for Violation {}

/// The [`Violation`] inside an I/O error, if it carries one.
pub(crate) fn violation(error: &io::Error) -> Option<&Violation> {
    error.get_ref()?.downcast_ref::<Violation>()
}

/// Whether XML 1.0 allows `c` in a document (its `Char` production; Rust strings
/// already exclude surrogates).
#[inline]
pub(crate) fn is_xml_char(c: char) -> bool {
    !matches!(c, '\0'..='\x08' | '\x0B' | '\x0C' | '\x0E'..='\x1F' | '\u{FFFE}' | '\u{FFFF}')
}

/// A reader over decompressed bytes that checks each byte once and bounds each event.
pub(crate) struct Guarded<R> {
    inner: R,
    /// Offset of the next byte handed to the parser.
    offset: u64,
    /// Bytes checked so far (never behind `offset`).
    checked: u64,
    /// Where the current event started (see [`Guarded::begin_event`]).
    event_start: u64,
    /// The most bytes this document may have.
    limit: u64,
    /// The last two checked bytes, for U+FFFE/U+FFFF split across buffers.
    tail: [u8; 2],
}

impl<R: BufRead> Guarded<R> {
    /// Guards `inner`, allowing at most `limit` bytes in all.
    pub fn new(inner: R, limit: u64) -> Self {
        Guarded {
            inner,
            offset: 0,
            checked: 0,
            event_start: 0,
            limit,
            tail: [0; 2],
        }
    }

    /// Marks the start of an event: the bytes the parser reads from here on, until the
    /// next call, must stay within [`MAX_NODE`].
    #[inline]
    pub fn begin_event(&mut self) {
        self.event_start = self.offset;
    }

    fn fail(position: u64, kind: ViolationKind) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, Violation { position, kind })
    }

    /// Checks the bytes of the inner buffer from offset `self.checked` on.
    fn check_new(&mut self, buffer_len: usize) -> io::Result<()> {
        let end = self.offset + buffer_len as u64;
        if end <= self.checked {
            return Ok(());
        }
        if end > self.limit {
            return Err(Self::fail(
                self.limit,
                ViolationKind::TooLarge { limit: self.limit },
            ));
        }
        let from = (self.checked - self.offset) as usize;
        let buffer = self.inner.fill_buf()?;
        let fresh = &buffer[from..buffer_len];
        if let Some((at, c)) = first_forbidden(self.tail, fresh) {
            return Err(Self::fail(
                (self.checked + at as u64).saturating_sub(if c as u32 > 0x7F { 2 } else { 0 }),
                ViolationKind::ForbiddenChar(c),
            ));
        }
        self.tail = last_two(self.tail, fresh);
        self.checked = end;
        Ok(())
    }
}

impl<R: BufRead> Read for Guarded<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Guarded<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let len = self.inner.fill_buf()?.len();
        self.check_new(len)?;
        let budget = (self.event_start + MAX_NODE as u64).saturating_sub(self.offset);
        if budget == 0 && len > 0 {
            return Err(Self::fail(self.event_start, ViolationKind::NodeTooLong));
        }
        let shown = len.min(usize::try_from(budget).unwrap_or(usize::MAX));
        Ok(&self.inner.fill_buf()?[..shown])
    }

    fn consume(&mut self, amount: usize) {
        self.inner.consume(amount);
        self.offset += amount as u64;
    }
}

/// The first character XML forbids in `bytes` (preceded by the bytes `before`), as the
/// index of its last byte and the character.
#[inline]
fn first_forbidden(before: [u8; 2], bytes: &[u8]) -> Option<(usize, char)> {
    const BLOCK: usize = 64;
    let mut start = 0;
    for block in bytes.chunks(BLOCK) {
        let split_before = start == 0 && before.contains(&0xEF);
        if (suspicious(block) || split_before)
            && let Some(found) = exact(before, bytes, start, start + block.len() + 2)
        {
            return Some(found);
        }
        start += block.len();
    }
    None
}

/// Whether `block` holds a C0 control other than tab, LF and CR, or a 0xEF byte (the
/// lead byte of U+F000 to U+FFFF, rare in metadata): written to vectorize.
#[inline]
fn suspicious(block: &[u8]) -> bool {
    let mut hit = 0u8;
    for &b in block {
        let control = (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r');
        hit |= u8::from(control | (b == 0xEF));
    }
    hit != 0
}

/// The exact check of `bytes[start..end]` (`end` may run past the end: a character whose
/// lead byte ends one block is found in the next).
#[cold]
fn exact(before: [u8; 2], bytes: &[u8], start: usize, end: usize) -> Option<(usize, char)> {
    let at = |i: isize| -> u8 {
        if i >= 0 {
            bytes[i as usize]
        } else {
            before[(2 + i) as usize]
        }
    };
    let end = end.min(bytes.len());
    for (i, &b) in bytes.iter().enumerate().take(end).skip(start) {
        if b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') {
            return Some((i, char::from(b)));
        }
        // U+FFFE is EF BF BE, U+FFFF is EF BF BF.
        if matches!(b, 0xBE | 0xBF) && at(i as isize - 1) == 0xBF && at(i as isize - 2) == 0xEF {
            return Some((i, if b == 0xBE { '\u{FFFE}' } else { '\u{FFFF}' }));
        }
    }
    None
}

/// The last two bytes of `before` followed by `bytes`.
fn last_two(before: [u8; 2], bytes: &[u8]) -> [u8; 2] {
    match bytes {
        [.., a, b] => [*a, *b],
        [b] => [before[1], *b],
        [] => before,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads everything through a guard over `bytes` handed out `chunk` bytes at a time.
    fn read_all(bytes: &[u8], chunk: usize, limit: u64) -> Result<Vec<u8>, Violation> {
        let inner = io::BufReader::with_capacity(chunk, bytes);
        let mut g = Guarded::new(inner, limit);
        let mut out = Vec::new();
        loop {
            g.begin_event();
            let buf = match g.fill_buf() {
                Ok(b) => b,
                Err(e) => return Err(violation(&e).expect("a violation").clone()),
            };
            if buf.is_empty() {
                return Ok(out);
            }
            let n = buf.len();
            out.extend_from_slice(buf);
            g.consume(n);
        }
    }

    #[test]
    fn allowed_text_passes_in_any_chunking() {
        let text = "<a b=\"\u{E000}\u{FFFD}\u{10FFFF}\">tab\tlf\ncr\r \u{7F}\u{85}é</a>".repeat(50);
        for chunk in [1, 2, 3, 7, 64, 65, 4096] {
            assert_eq!(
                read_all(text.as_bytes(), chunk, u64::MAX).unwrap(),
                text.as_bytes()
            );
        }
    }

    #[test]
    fn forbidden_characters_are_found_at_their_offset_in_any_chunking() {
        for (bad, c) in [
            ("\x1B", '\x1B'),
            ("\x07", '\x07'),
            ("\0", '\0'),
            ("\x0C", '\x0C'),
            ("\u{FFFE}", '\u{FFFE}'),
            ("\u{FFFF}", '\u{FFFF}'),
        ] {
            for prefix in [0, 1, 63, 64, 200] {
                let text = format!("{}{bad}tail", "x".repeat(prefix));
                for chunk in [1, 2, 3, 64, 4096] {
                    let v = read_all(text.as_bytes(), chunk, u64::MAX).unwrap_err();
                    assert_eq!(
                        v,
                        Violation {
                            position: prefix as u64,
                            kind: ViolationKind::ForbiddenChar(c)
                        },
                        "{bad:?} after {prefix} bytes, chunks of {chunk}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_document_is_bounded_in_size() {
        let text = vec![b'x'; 1000];
        assert!(read_all(&text, 100, 1000).is_ok());
        let v = read_all(&text, 100, 999).unwrap_err();
        assert_eq!(v.kind, ViolationKind::TooLarge { limit: 999 });
        assert_eq!(total_limit(None), MAX_DECOMPRESSED);
        assert_eq!(total_limit(Some(8 << 20)), (9 << 20) + (1 << 20));
        assert_eq!(total_limit(Some(u64::MAX)), MAX_DECOMPRESSED);
    }

    #[test]
    fn one_event_is_bounded_in_size() {
        let endless = io::BufReader::new(io::repeat(b'x').take(u64::MAX));
        let mut g = Guarded::new(endless, u64::MAX);
        let mut buf = Vec::new();
        g.begin_event();
        let err = g.read_to_end(&mut buf).unwrap_err();
        assert_eq!(
            buf.len(),
            MAX_NODE,
            "the parser never sees more of one event"
        );
        assert_eq!(
            violation(&err),
            Some(&Violation {
                position: 0,
                kind: ViolationKind::NodeTooLong
            })
        );
    }
}

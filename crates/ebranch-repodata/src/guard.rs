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
//! `XmlInput` reads the document in chunks, feeds each to a [`Checker`] before parsing
//! it, bounds each event, and turns a [`Violation`] into a one-line error naming the file
//! and the byte offset.

use std::fmt;

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

/// Whether XML 1.0 allows `c` in a document (its `Char` production; Rust strings
/// already exclude surrogates).
#[inline]
pub(crate) fn is_xml_char(c: char) -> bool {
    !matches!(c, '\0'..='\x08' | '\x0B' | '\x0C' | '\x0E'..='\x1F' | '\u{FFFE}' | '\u{FFFF}')
}

/// The checks of the decompressed bytes, fed in order as they are read: the total size
/// and the characters XML forbids.
pub(crate) struct Checker {
    /// Bytes checked so far.
    checked: u64,
    /// The most bytes this document may have.
    limit: u64,
    /// The last two checked bytes, for U+FFFE/U+FFFF split across reads.
    tail: [u8; 2],
}

impl Checker {
    /// Checks a document of at most `limit` bytes.
    pub fn new(limit: u64) -> Self {
        Checker {
            checked: 0,
            limit,
            tail: [0; 2],
        }
    }

    /// Checks `fresh`, the bytes that follow those checked so far.
    pub fn check(&mut self, fresh: &[u8]) -> Result<(), Violation> {
        let end = self.checked + fresh.len() as u64;
        if end > self.limit {
            return Err(Violation {
                position: self.limit,
                kind: ViolationKind::TooLarge { limit: self.limit },
            });
        }
        if let Some((at, c)) = first_forbidden(self.tail, fresh) {
            let lead = if c as u32 > 0x7F { 2 } else { 0 };
            return Err(Violation {
                position: (self.checked + at as u64).saturating_sub(lead),
                kind: ViolationKind::ForbiddenChar(c),
            });
        }
        self.tail = last_two(self.tail, fresh);
        self.checked = end;
        Ok(())
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

    /// Checks `bytes` fed `chunk` bytes at a time.
    fn read_all(bytes: &[u8], chunk: usize, limit: u64) -> Result<Vec<u8>, Violation> {
        let mut checker = Checker::new(limit);
        let mut out = Vec::new();
        for piece in bytes.chunks(chunk) {
            checker.check(piece)?;
            out.extend_from_slice(piece);
        }
        Ok(out)
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
}

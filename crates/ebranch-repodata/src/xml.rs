//! A streaming XML input over a (decompressed) metadata file, with error
//! mapping that names the file and the byte position.
//!
//! The document is read in chunks of about [`CHUNK`] bytes, each cut just before its last
//! `<` (or `&`), so that a chunk ends between two events, and parsed in place into quick-xml's
//! events by [`crate::tokens`] (no copy of each event into a buffer). Every byte passes the checks of
//! [`crate::guard`] before it is parsed, and every event is bounded by [`MAX_NODE`]. A
//! markup that contains a `<` (a comment, CDATA, a DOCTYPE) may still be cut: its chunk
//! then ends in an unclosed markup, which is carried into the next, longer chunk.

use std::borrow::Cow;
use std::io::BufRead;
use std::path::Path;

use quick_xml::errors::{IllFormedError, SyntaxError};
use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};

use crate::compression::{Compression, open_decompressed};
use crate::error::{RepodataError, one_line};
use crate::guard::{Checker, MAX_NODE, Violation, ViolationKind, is_xml_char, total_limit};
use crate::tokens::Tokens;

/// How many bytes are parsed at once (a chunk is longer only to finish an event).
#[cfg(not(fuzzing))]
pub(crate) const CHUNK: usize = 1 << 20;
/// Fuzz builds (`--cfg fuzzing`) read 4 KiB chunks, so that the fuzzer's inputs, which are
/// far smaller than 1 MiB, cross chunk boundaries too.
#[cfg(fuzzing)]
pub(crate) const CHUNK: usize = 1 << 12;

/// What names one metadata file in errors.
#[derive(Clone, Copy)]
struct FileInfo<'p> {
    path: &'p Path,
    format: Compression,
    /// repomd.xml's `open-size` for this file, if it gives one.
    open_size: Option<u64>,
}

/// One metadata file, read in checked chunks and parsed with [`XmlInput::parse`].
pub(crate) struct XmlInput<'p> {
    source: Box<dyn BufRead + Send>,
    file: FileInfo<'p>,
    checker: Checker,
    /// Read and checked bytes not yet parsed.
    pending: Vec<u8>,
    /// Offset of `pending[0]` in the document.
    base: u64,
    /// Whether the source has ended.
    eof: bool,
    /// Whether text is being captured (see [`XmlCursor::set_capturing`]).
    capturing: bool,
    open: OpenTags,
    /// How many bytes are read for each chunk.
    chunk: usize,
}

/// What a parser's event handler tells [`XmlInput::parse`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    /// More events, please.
    More,
    /// The root element ended: the rest may only be whitespace, comments and processing
    /// instructions, and is read to the end so that the decompressor checks the stream.
    Done,
}

/// The parser over one chunk, handed to the event handler with each event: it knows the
/// position and names the file in errors.
pub(crate) struct XmlCursor<'p, 'c> {
    tokens: Tokens<'c>,
    chunk: &'c [u8],
    /// Offset of the chunk in the document.
    base: u64,
    file: FileInfo<'p>,
}

impl<'p> XmlInput<'p> {
    /// Opens and decompresses `path`, whose decompressed size repomd.xml gives as
    /// `open_size` (if it does): reading stops a little past it.
    pub fn open(path: &'p Path, open_size: Option<u64>) -> Result<Self, RepodataError> {
        let decompressed = open_decompressed(path)?;
        Ok(Self::bounded(
            path,
            decompressed.format,
            decompressed.reader,
            open_size,
        ))
    }

    /// Wraps an already decompressed reader (`path` is used in messages).
    pub fn from_reader(
        path: &'p Path,
        format: Compression,
        reader: Box<dyn BufRead + Send>,
    ) -> Self {
        Self::bounded(path, format, reader, None)
    }

    fn bounded(
        path: &'p Path,
        format: Compression,
        source: Box<dyn BufRead + Send>,
        open_size: Option<u64>,
    ) -> Self {
        XmlInput {
            source,
            file: FileInfo {
                path,
                format,
                open_size,
            },
            checker: Checker::new(total_limit(open_size)),
            pending: Vec::new(),
            base: 0,
            eof: false,
            capturing: false,
            open: OpenTags::default(),
            chunk: CHUNK,
        }
    }

    /// The file being read.
    pub fn path(&self) -> &'p Path {
        self.file.path
    }

    /// Reads chunks of `chunk` bytes (tests cut documents everywhere with this).
    #[cfg(test)]
    pub fn with_chunk(mut self, chunk: usize) -> Self {
        self.chunk = chunk.max(1);
        self
    }

    /// How many bytes are held for parsing (the memory the chunks take).
    #[cfg(test)]
    pub fn buffered(&self) -> usize {
        self.pending.capacity()
    }

    /// Hands every event of the document to `handler`, in order, until it answers
    /// [`Flow::Done`] (then checks the rest of the document) or the document ends (then
    /// the handler sees [`Event::Eof`]).
    pub fn parse<F>(&mut self, mut handler: F) -> Result<(), RepodataError>
    where
        F: FnMut(&mut XmlCursor<'p, '_>, Event<'_>) -> Result<Flow, RepodataError>,
    {
        let mut done = false;
        loop {
            let cut = self.fill()?;
            let last = self.eof && cut == self.pending.len();
            let mut cursor = XmlCursor::new(&self.pending[..cut], self.base, self.file);
            cursor.set_capturing(self.capturing);
            let consumed = cursor.run(last, &mut done, &mut self.open, &mut handler)?;
            self.capturing = cursor.capturing();
            if last {
                return Ok(());
            }
            self.pending.drain(..consumed);
            self.base += consumed as u64;
        }
    }

    /// Reads at least one more chunk (or to the end) into `pending`, checked, and returns
    /// how much of it to parse: up to [`XmlInput::cut`], or all of it at the end.
    fn fill(&mut self) -> Result<usize, RepodataError> {
        let want = self.pending.len() + self.chunk;
        while !self.eof && self.pending.len() < want {
            let data = match self.source.fill_buf() {
                Ok(data) => data,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.cursor().io_error(&e)),
            };
            if data.is_empty() {
                self.eof = true;
                break;
            }
            let n = data.len().min(want - self.pending.len());
            if let Err(v) = self.checker.check(&data[..n]) {
                return Err(self.cursor().violation_error(&v));
            }
            self.pending.extend_from_slice(&data[..n]);
            self.source.consume(n);
        }
        if self.eof {
            return Ok(self.pending.len());
        }
        if self.pending.len() > MAX_NODE {
            self.check_unfinished()?;
        }
        Ok(self.cut())
    }

    /// Where a chunk of `pending` ends between two events: before its last `<` or, in a
    /// long run of text and references without one, before its last `&`. At 0 when
    /// neither is past the start (the first event is unfinished).
    fn cut(&self) -> usize {
        let last = |byte| self.pending.iter().rposition(|&b| b == byte);
        match last(b'<') {
            Some(at) if at > 0 => at,
            _ => last(b'&').unwrap_or(0),
        }
    }

    /// Fails when the event `pending` ends in, unfinished, is already longer than
    /// [`MAX_NODE`] (the cold path of [`XmlInput::fill`]).
    #[cold]
    fn check_unfinished(&self) -> Result<(), RepodataError> {
        let cursor = XmlCursor::new(&self.pending, self.base, self.file);
        let start = cursor.unfinished_event(self.capturing);
        if self.pending.len() - start > MAX_NODE {
            let v = Violation {
                position: self.base + start as u64,
                kind: ViolationKind::NodeTooLong,
            };
            return Err(self.cursor().violation_error(&v));
        }
        Ok(())
    }

    /// A cursor over the unparsed bytes, for errors.
    fn cursor(&self) -> XmlCursor<'p, '_> {
        XmlCursor::new(&[], self.base, self.file)
    }
}

impl<'p, 'c> XmlCursor<'p, 'c> {
    fn new(chunk: &'c [u8], base: u64, file: FileInfo<'p>) -> Self {
        XmlCursor {
            tokens: Tokens::new(chunk),
            chunk,
            base,
            file,
        }
    }

    /// Reads events of the chunk and hands them to `handler`; returns how many bytes of
    /// the chunk were parsed (all, unless it ends in an unclosed markup).
    fn run<F>(
        &mut self,
        last: bool,
        done: &mut bool,
        open: &mut OpenTags,
        handler: &mut F,
    ) -> Result<usize, RepodataError>
    where
        F: FnMut(&mut XmlCursor<'p, 'c>, Event<'c>) -> Result<Flow, RepodataError>,
    {
        loop {
            let before = self.tokens.position();
            let event = match self.tokens.next() {
                Ok(Event::Eof) if !last => return Ok(self.tokens.position()),
                Ok(event) => event,
                Err(quick_xml::Error::Syntax(e)) if !last && self.cut_markup(e) => {
                    // An unclosed markup at the end of the chunk: parse it again with more.
                    return Ok(self.tokens.error_position());
                }
                Err(e) => return Err(self.map_error(e)),
            };
            if self.tokens.position() - before > MAX_NODE {
                let v = Violation {
                    position: self.base + before as u64,
                    kind: ViolationKind::NodeTooLong,
                };
                return Err(self.violation_error(&v));
            }
            match &event {
                Event::Start(e) => open.open(e.name().as_ref()),
                Event::End(e) => {
                    if let Err(e) = open.close(e.name().as_ref()) {
                        return Err(self.ill_formed_end(before, e));
                    }
                }
                _ => {}
            }
            let eof = matches!(event, Event::Eof);
            if *done {
                self.after_root(event)?;
            } else if handler(self, event)? == Flow::Done {
                *done = true;
            }
            if eof {
                return Ok(self.tokens.position());
            }
        }
    }

    /// An end tag that does not close the innermost open element: an error at its `<`.
    #[cold]
    fn ill_formed_end(&self, before: usize, e: IllFormedError) -> RepodataError {
        let read = &self.chunk[before..self.tokens.position()];
        let at = read.iter().position(|&b| b == b'<').unwrap_or(0);
        RepodataError::MalformedXml {
            path: self.file.path.to_path_buf(),
            position: self.base + (before + at) as u64,
            message: one_line(quick_xml::Error::IllFormed(e)),
        }
    }

    /// Where the event the chunk ends in, unfinished, starts.
    fn unfinished_event(mut self, capturing: bool) -> usize {
        self.set_capturing(capturing);
        loop {
            let before = self.tokens.position();
            match self.tokens.next() {
                Ok(Event::Eof) => return before,
                Ok(_) if self.tokens.position() == self.chunk.len() => return before,
                Ok(_) => {}
                Err(_) => return self.tokens.error_position(),
            }
        }
    }

    /// Checks what follows the root element: whitespace, comments and processing
    /// instructions only.
    fn after_root(&self, event: Event<'_>) -> Result<(), RepodataError> {
        match event {
            Event::Eof | Event::Comment(_) | Event::PI(_) => Ok(()),
            Event::Text(t) if t.trim_ascii().is_empty() => Ok(()),
            _ => Err(self.malformed("content after the root element")),
        }
    }

    /// The current position in the document.
    #[inline]
    fn position(&self) -> u64 {
        self.base + self.tokens.position() as u64
    }

    /// Whether text is being captured. Outside captured elements leading
    /// whitespace is skipped, which drops the many whitespace-only text
    /// events between elements; inside, text is kept exactly.
    #[inline]
    pub fn set_capturing(&mut self, capturing: bool) {
        self.tokens.keep_spaces(capturing);
    }

    fn capturing(&self) -> bool {
        self.tokens.keeps_spaces()
    }

    /// Whether the syntax error just read is a markup the chunk's end cuts: it runs to
    /// the end, or is a `<` that ends the chunk. quick-xml also rejects some closed
    /// markups (`<?>`, `<!-x-->`) with the error of an unclosed one: more bytes would
    /// not mend those.
    fn cut_markup(&self, e: SyntaxError) -> bool {
        e != SyntaxError::InvalidBangMarkup && self.tokens.position() + 1 >= self.chunk.len()
    }

    /// Converts a quick-xml error into ours, with the error position.
    pub fn map_error(&self, error: quick_xml::Error) -> RepodataError {
        match error {
            quick_xml::Error::Io(io) => self.io_error(&io),
            quick_xml::Error::Syntax(e) if self.cut_markup(e) => RepodataError::Truncated {
                path: self.file.path.to_path_buf(),
                position: self.position(),
                detail: format!("inside markup ({e})"),
            },
            other => RepodataError::MalformedXml {
                path: self.file.path.to_path_buf(),
                position: self.base + self.tokens.error_position() as u64,
                message: one_line(other),
            },
        }
    }

    fn violation_error(&self, v: &Violation) -> RepodataError {
        match v.kind {
            ViolationKind::ForbiddenChar(_) => RepodataError::MalformedXml {
                path: self.file.path.to_path_buf(),
                position: v.position,
                message: v.to_string(),
            },
            ViolationKind::NodeTooLong => self.oversized(v.position, v.to_string()),
            ViolationKind::TooLarge { .. } => {
                let why = match self.file.open_size {
                    Some(n) => format!("{v}: repomd.xml gives its open-size as {n}"),
                    None => format!("{v}: the limit without an open-size in repomd.xml"),
                };
                self.oversized(v.position, why)
            }
        }
    }

    fn oversized(&self, position: u64, message: String) -> RepodataError {
        RepodataError::Oversized {
            path: self.file.path.to_path_buf(),
            position,
            message,
        }
    }

    /// Appends `piece` to the text kept of one element, within [`MAX_NODE`].
    #[inline]
    pub fn push_text(&self, out: &mut String, piece: &str) -> Result<(), RepodataError> {
        if out.len() + piece.len() > MAX_NODE {
            return Err(self.text_too_long());
        }
        out.push_str(piece);
        Ok(())
    }

    #[cold]
    fn text_too_long(&self) -> RepodataError {
        self.oversized(
            self.position(),
            format!("an element's text longer than {} MiB", MAX_NODE >> 20),
        )
    }

    fn io_error(&self, io: &std::io::Error) -> RepodataError {
        if self.file.format == Compression::None {
            RepodataError::io(
                self.file.path,
                std::io::Error::new(io.kind(), io.to_string()),
            )
        } else {
            RepodataError::Decompress {
                path: self.file.path.to_path_buf(),
                format: self.file.format,
                message: one_line(io),
            }
        }
    }

    /// A "malformed XML" error at the current position.
    pub fn malformed(&self, message: impl std::fmt::Display) -> RepodataError {
        RepodataError::MalformedXml {
            path: self.file.path.to_path_buf(),
            position: self.position(),
            message: one_line(message),
        }
    }

    /// A "truncated" error: the document ended before `</root>`.
    pub fn truncated(&self, root: &str) -> RepodataError {
        RepodataError::Truncated {
            path: self.file.path.to_path_buf(),
            position: self.position(),
            detail: format!("before </{root}>"),
        }
    }

    /// The file being read.
    pub fn path(&self) -> &'p Path {
        self.file.path
    }

    /// An attribute value with entities resolved and whitespace normalized, for the
    /// values that hold `&`, tab, CR or LF ([`XmlCursor::for_each_attr`] borrows the
    /// others as they are).
    pub fn attr_value<'a>(&self, raw: &'a str) -> Result<Cow<'a, str>, RepodataError> {
        let unescaped = quick_xml::escape::unescape_with(raw, resolve_xml_entity)
            .map_err(|e| self.malformed(e))?;
        if let Some(c) = unescaped.chars().find(|&c| !is_xml_char(c)) {
            return Err(self.forbidden_reference(c));
        }
        if unescaped.contains(['\t', '\r', '\n']) {
            let joined = unescaped.replace("\r\n", "\n");
            return Ok(Cow::Owned(joined.replace(['\t', '\r', '\n'], " ")));
        }
        Ok(unescaped)
    }

    /// Calls `f(key, value)` for each attribute of `element`, with entities
    /// in the value resolved. A small scanner over the raw attribute text,
    /// faster than quick-xml's general attribute iterator: one pass over the
    /// bytes finds each key, its value and whether the value needs
    /// [`XmlCursor::attr_value`] (an `&`, tab, CR or LF), else it is borrowed.
    #[inline]
    pub fn for_each_attr<'a>(
        &self,
        element: &'a BytesStart<'a>,
        mut f: impl FnMut(&str, Cow<'a, str>) -> Result<(), RepodataError>,
    ) -> Result<(), RepodataError> {
        let raw = element.attributes_raw();
        let bytes = raw.as_bytes();
        let mut i = 0;
        loop {
            i = skip_spaces(bytes, i);
            if i == bytes.len() {
                return Ok(());
            }
            // The key: up to the first `=`, without trailing spaces, with none inside.
            let key_start = i;
            let mut key_end = i;
            let mut inner_space = false;
            loop {
                match bytes.get(i) {
                    None => return Err(self.bad_attr(element, "attribute without value")),
                    Some(b'=') => break,
                    Some(&b) if is_xml_space_byte(b) => {}
                    Some(_) => {
                        inner_space |= key_end != i;
                        key_end = i + 1;
                    }
                }
                i += 1;
            }
            if key_end == key_start || inner_space {
                return Err(self.bad_attr(element, "bad attribute name"));
            }
            i = skip_spaces(bytes, i + 1);
            let quote = match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => q,
                _ => return Err(self.bad_attr(element, "unquoted attribute value")),
            };
            i += 1;
            let value_start = i;
            let mut special = false;
            loop {
                match bytes.get(i) {
                    None => return Err(self.bad_attr(element, "unclosed attribute value")),
                    Some(&b) if b == quote => break,
                    Some(&b) => special |= matches!(b, b'&' | b'\t' | b'\r' | b'\n'),
                }
                i += 1;
            }
            let value = &raw[value_start..i];
            let value = if special {
                self.attr_value(value)?
            } else {
                Cow::Borrowed(value)
            };
            f(&raw[key_start..key_end], value)?;
            i += 1;
        }
    }

    /// A malformed attribute of `element`, named in the message.
    #[cold]
    fn bad_attr(&self, element: &BytesStart<'_>, what: &str) -> RepodataError {
        self.malformed(format!("{what} in <{}>", element.name().as_ref()))
    }

    /// Appends the text an entity or character reference stands for.
    pub fn push_ref(&self, out: &mut String, r: &BytesRef<'_>) -> Result<(), RepodataError> {
        match r.resolve_char_ref() {
            Ok(Some(c)) if !is_xml_char(c) => Err(self.forbidden_reference(c)),
            Ok(Some(c)) => self.push_text(out, c.encode_utf8(&mut [0; 4])),
            Ok(None) => match resolve_xml_entity(r) {
                Some(s) => self.push_text(out, s),
                None => Err(self.malformed(format!("unknown entity &{};", &**r))),
            },
            Err(e) => Err(self.malformed(e)),
        }
    }

    /// A character reference to a character XML 1.0 does not allow (`&#27;`).
    fn forbidden_reference(&self, c: char) -> RepodataError {
        self.malformed(format!(
            "character reference to U+{:04X}, which is not allowed in XML",
            c as u32
        ))
    }
}

/// The names of the open elements, kept across chunks so that every end tag is checked
/// against its start tag wherever the document was cut.
#[derive(Default)]
struct OpenTags {
    /// The names, one after the other (bytes: no char-boundary checks on each close).
    names: Vec<u8>,
    starts: Vec<usize>,
}

impl OpenTags {
    #[inline]
    fn open(&mut self, name: &str) {
        self.starts.push(self.names.len());
        self.names.extend_from_slice(name.as_bytes());
    }

    /// Closes the innermost open element, which must be `name`.
    #[inline]
    fn close(&mut self, name: &str) -> Result<(), IllFormedError> {
        let Some(start) = self.starts.pop() else {
            return Err(IllFormedError::UnmatchedEndTag(name.to_owned()));
        };
        if self.names[start..] != *name.as_bytes() {
            return Err(self.mismatched(start, name));
        }
        self.names.truncate(start);
        Ok(())
    }

    #[cold]
    fn mismatched(&mut self, start: usize, name: &str) -> IllFormedError {
        let expected = String::from_utf8_lossy(&self.names[start..]).into_owned();
        self.names.truncate(start);
        IllFormedError::MismatchedEndTag {
            expected,
            found: name.to_owned(),
        }
    }
}

/// Parses the root element's `packages="N"` attribute, if any.
pub(crate) fn declared_packages(
    input: &XmlCursor<'_, '_>,
    root: &BytesStart<'_>,
) -> Result<Option<u64>, RepodataError> {
    let mut declared = None;
    input.for_each_attr(root, |key, value| {
        if key == "packages" {
            declared = Some(
                value
                    .trim()
                    .parse::<u64>()
                    .map_err(|_| input.malformed(format!("bad packages=\"{value}\"")))?,
            );
        }
        Ok(())
    })?;
    Ok(declared)
}

/// Checks the number of packages read against the declared count.
pub(crate) fn check_count(
    input: &XmlCursor<'_, '_>,
    declared: Option<u64>,
    found: u64,
) -> Result<(), RepodataError> {
    match declared {
        Some(declared) if declared != found => Err(RepodataError::PackageCount {
            path: input.path().to_path_buf(),
            declared,
            found,
        }),
        _ => Ok(()),
    }
}

/// XML whitespace: space, tab, CR, LF (quick-xml's too).
#[inline]
pub(crate) fn is_xml_space_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The index of the first byte of `bytes` from `i` on that is not XML whitespace.
#[inline]
pub(crate) fn skip_spaces(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && is_xml_space_byte(bytes[i]) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn attrs(tag: &str) -> Result<Vec<(String, String)>, RepodataError> {
        let file = FileInfo {
            path: Path::new("a.xml"),
            format: Compression::None,
            open_size: None,
        };
        let input = XmlCursor::new(&[], 0, file);
        let name_len = tag.find(' ').unwrap_or(tag.len());
        let e = BytesStart::from_content(tag, name_len);
        let mut out = Vec::new();
        input.for_each_attr(&e, |k, v| {
            out.push((k.to_string(), v.into_owned()));
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn attribute_scanner() {
        let p = |k: &str, v: &str| (k.to_string(), v.to_string());
        assert_eq!(attrs("e").unwrap(), vec![]);
        assert_eq!(
            attrs("e a=\"1\"  b = '2' c=\"x &lt; y &#x41;&amp;\" d=\"l1\nl2\"\t").unwrap(),
            vec![
                p("a", "1"),
                p("b", "2"),
                p("c", "x < y A&"),
                p("d", "l1 l2")
            ]
        );
        for bad in [
            "e a",
            "e a=1",
            "e a=\"1",
            "e =\"1\"",
            "e a b=\"1\"",
            "e a=\"&bogus;\"",
        ] {
            let err = attrs(bad).unwrap_err();
            assert!(
                err.to_string().starts_with("malformed XML in a.xml"),
                "{err}"
            );
        }
    }
}

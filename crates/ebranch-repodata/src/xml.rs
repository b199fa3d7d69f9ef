//! A streaming XML input over a (decompressed) metadata file, with error
//! mapping that names the file and the byte position. Every byte passes the
//! bounds and checks of [`crate::guard`] first.

use std::borrow::Cow;
use std::io::BufRead;
use std::path::Path;

use quick_xml::errors::SyntaxError;
use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::reader::Reader;

use crate::compression::{Compression, open_decompressed};
use crate::error::{RepodataError, one_line};
use crate::guard::{Guarded, MAX_NODE, Violation, ViolationKind, is_xml_char, total_limit};

/// A quick-xml reader over one metadata file.
pub(crate) struct XmlInput<'p> {
    reader: Reader<Guarded<Box<dyn BufRead + Send>>>,
    path: &'p Path,
    format: Compression,
    /// repomd.xml's `open-size` for this file, if it gives one.
    open_size: Option<u64>,
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
        reader: Box<dyn BufRead + Send>,
        open_size: Option<u64>,
    ) -> Self {
        let guarded = Guarded::new(reader, total_limit(open_size));
        let mut reader = Reader::from_reader(guarded);
        reader.config_mut().trim_text_start = true;
        XmlInput {
            reader,
            path,
            format,
            open_size,
        }
    }

    /// The next event, its bytes stored in `buf` (the caller clears it).
    #[inline]
    pub fn next<'b>(&mut self, buf: &'b mut Vec<u8>) -> Result<Event<'b>, RepodataError> {
        self.reader.get_mut().begin_event();
        match self.reader.read_event_into(buf) {
            Ok(event) => Ok(event),
            Err(e) => Err(self.map_error(e)),
        }
    }

    /// Whether text is being captured. Outside captured elements leading
    /// whitespace is skipped, which drops the many whitespace-only text
    /// events between elements; inside, text is kept exactly.
    #[inline]
    pub fn set_capturing(&mut self, capturing: bool) {
        self.reader.config_mut().trim_text_start = !capturing;
    }

    /// Converts a quick-xml error into ours, with the error position.
    pub fn map_error(&self, error: quick_xml::Error) -> RepodataError {
        match error {
            quick_xml::Error::Io(io) => match crate::guard::violation(&io) {
                Some(v) => self.violation_error(v),
                None => self.io_error(&io),
            },
            quick_xml::Error::Syntax(e) if e != SyntaxError::InvalidBangMarkup => {
                RepodataError::Truncated {
                    path: self.path.to_path_buf(),
                    position: self.reader.buffer_position(),
                    detail: format!("inside markup ({e})"),
                }
            }
            other => RepodataError::MalformedXml {
                path: self.path.to_path_buf(),
                position: self.reader.error_position(),
                message: one_line(other),
            },
        }
    }

    fn violation_error(&self, v: &Violation) -> RepodataError {
        match v.kind {
            ViolationKind::ForbiddenChar(_) => RepodataError::MalformedXml {
                path: self.path.to_path_buf(),
                position: v.position,
                message: v.to_string(),
            },
            ViolationKind::NodeTooLong => self.oversized(v.position, v.to_string()),
            ViolationKind::TooLarge { .. } => {
                let why = match self.open_size {
                    Some(n) => format!("{v}: repomd.xml gives its open-size as {n}"),
                    None => format!("{v}: the limit without an open-size in repomd.xml"),
                };
                self.oversized(v.position, why)
            }
        }
    }

    fn oversized(&self, position: u64, message: String) -> RepodataError {
        RepodataError::Oversized {
            path: self.path.to_path_buf(),
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
            self.reader.buffer_position(),
            format!("an element's text longer than {} MiB", MAX_NODE >> 20),
        )
    }

    fn io_error(&self, io: &std::io::Error) -> RepodataError {
        if self.format == Compression::None {
            RepodataError::io(self.path, std::io::Error::new(io.kind(), io.to_string()))
        } else {
            RepodataError::Decompress {
                path: self.path.to_path_buf(),
                format: self.format,
                message: one_line(io),
            }
        }
    }

    /// A "malformed XML" error at the current position.
    pub fn malformed(&self, message: impl std::fmt::Display) -> RepodataError {
        RepodataError::MalformedXml {
            path: self.path.to_path_buf(),
            position: self.reader.buffer_position(),
            message: one_line(message),
        }
    }

    /// A "truncated" error: the document ended before `</root>`.
    pub fn truncated(&self, root: &str) -> RepodataError {
        RepodataError::Truncated {
            path: self.path.to_path_buf(),
            position: self.reader.buffer_position(),
            detail: format!("before </{root}>"),
        }
    }

    /// The file being read.
    pub fn path(&self) -> &'p Path {
        self.path
    }

    /// Reads the rest of the stream after the root element, so that the
    /// decompressor verifies the stream's end (checksum, trailing garbage),
    /// and rejects anything but whitespace, comments and processing
    /// instructions there.
    pub fn finish(&mut self, buf: &mut Vec<u8>) -> Result<(), RepodataError> {
        loop {
            buf.clear();
            match self.next(buf)? {
                Event::Eof => break,
                Event::Text(t) if t.trim_ascii().is_empty() => {}
                Event::Comment(_) | Event::PI(_) => {}
                _ => return Err(self.malformed("content after the root element")),
            }
        }
        // quick-xml reports Eof only once the underlying reader returned
        // 0 bytes, so the decompressor has checked the end of its stream.
        Ok(())
    }

    /// An attribute value with entities resolved and whitespace normalized
    /// (borrowed unless it contains `&`, tab, CR or LF).
    #[inline]
    pub fn attr_value<'a>(&self, raw: &'a str) -> Result<Cow<'a, str>, RepodataError> {
        if !raw
            .bytes()
            .any(|b| matches!(b, b'&' | b'\t' | b'\r' | b'\n'))
        {
            return Ok(Cow::Borrowed(raw));
        }
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
    /// faster than quick-xml's general attribute iterator.
    #[inline]
    pub fn for_each_attr<'a>(
        &self,
        element: &'a BytesStart<'a>,
        mut f: impl FnMut(&str, Cow<'a, str>) -> Result<(), RepodataError>,
    ) -> Result<(), RepodataError> {
        let mut rest = element.attributes_raw();
        loop {
            rest = rest.trim_start_matches(is_xml_space);
            if rest.is_empty() {
                return Ok(());
            }
            let Some(eq) = rest.find('=') else {
                return Err(self.malformed(format!(
                    "attribute without value in <{}>",
                    element.name().as_ref()
                )));
            };
            let key = rest[..eq].trim_end_matches(is_xml_space);
            if key.is_empty() || key.contains(is_xml_space) {
                return Err(self.malformed(format!(
                    "bad attribute name in <{}>",
                    element.name().as_ref()
                )));
            }
            let after = rest[eq + 1..].trim_start_matches(is_xml_space);
            let quote = match after.as_bytes().first() {
                Some(b'"') => '"',
                Some(b'\'') => '\'',
                _ => {
                    return Err(self.malformed(format!(
                        "unquoted attribute value in <{}>",
                        element.name().as_ref()
                    )));
                }
            };
            let body = &after[1..];
            let Some(close) = body.find(quote) else {
                return Err(self.malformed(format!(
                    "unclosed attribute value in <{}>",
                    element.name().as_ref()
                )));
            };
            f(key, self.attr_value(&body[..close])?)?;
            rest = &body[close + 1..];
        }
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

/// Parses the root element's `packages="N"` attribute, if any.
pub(crate) fn declared_packages(
    input: &XmlInput<'_>,
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
    input: &XmlInput<'_>,
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

fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn attrs(tag: &str) -> Result<Vec<(String, String)>, RepodataError> {
        let input = XmlInput::from_reader(
            Path::new("a.xml"),
            Compression::None,
            Box::new(std::io::Cursor::new(Vec::new())),
        );
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

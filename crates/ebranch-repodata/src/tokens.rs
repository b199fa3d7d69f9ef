//! The events of one chunk of a metadata document: the chunk's tags and text are split
//! here, and everything else (comments, CDATA, DOCTYPE, processing instructions,
//! references, unclosed or undecodable markup) is read by quick-xml's reader, one event
//! at a time. The events are quick-xml's, the same ones its reader gives for the same
//! bytes, in the same places (the tests below compare the two on real and broken
//! documents), but for a byte order mark that starts the chunk: quick-xml's reader skips
//! it without counting it; here it is text, and counted (only a document's first chunk
//! can start with one: [`crate::xml`] cuts chunks before a `<` or `&`).
//!
//! Why: quick-xml checks each event's bytes for UTF-8 on its own and keeps its own
//! stack of open tags. Here the chunk is checked once, and [`crate::xml`] already keeps
//! the open tags, so tags and text cost one scan of their bytes. That took a fifth off
//! the CPU time of a cold `repoclosure` of sid-src against bookworm-bin.

use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::reader::Reader;

use crate::xml::{is_xml_space_byte, skip_spaces};

/// The events of one chunk, in order.
pub(crate) struct Tokens<'c> {
    chunk: &'c [u8],
    /// The chunk up to its first byte that is not UTF-8 (all of it, usually).
    text: &'c str,
    /// Where the next event starts.
    pos: usize,
    /// Where the last error found starts (see [`Reader::error_position`]).
    error_at: usize,
    /// Whether leading whitespace of text is kept (quick-xml's `trim_text_start`, off).
    keep_spaces: bool,
}

impl<'c> Tokens<'c> {
    pub fn new(chunk: &'c [u8]) -> Self {
        let text = match std::str::from_utf8(chunk) {
            Ok(text) => text,
            Err(e) => std::str::from_utf8(&chunk[..e.valid_up_to()]).unwrap_or_default(),
        };
        Tokens {
            chunk,
            text,
            pos: 0,
            error_at: 0,
            keep_spaces: false,
        }
    }

    /// Where the next event starts, in the chunk.
    #[inline]
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Where the last error's event starts, in the chunk.
    pub fn error_position(&self) -> usize {
        self.error_at
    }

    /// Keeps (or skips) the whitespace that starts a text.
    #[inline]
    pub fn keep_spaces(&mut self, keep: bool) {
        self.keep_spaces = keep;
    }

    pub fn keeps_spaces(&self) -> bool {
        self.keep_spaces
    }

    /// The next event; [`Event::Eof`] at the end of the chunk.
    #[inline]
    pub fn next(&mut self) -> Result<Event<'c>, quick_xml::Error> {
        let bytes = self.text.as_bytes();
        if !self.keep_spaces {
            self.pos = skip_spaces(bytes, self.pos);
        }
        match bytes.get(self.pos) {
            None if self.pos == self.chunk.len() => Ok(Event::Eof),
            Some(b'<') => match bytes.get(self.pos + 1) {
                Some(b'/') => self.tag(true),
                Some(b'!' | b'?') | None => self.by_quick_xml(),
                Some(_) => self.tag(false),
            },
            Some(b'&') => self.by_quick_xml(),
            None => self.undecodable_text(),
            Some(_) => self.text(),
        }
    }

    /// A start, empty or end tag: up to the first `>` outside quoted values.
    #[inline]
    fn tag(&mut self, end: bool) -> Result<Event<'c>, quick_xml::Error> {
        let Some(gt) = tag_end(&self.text.as_bytes()[self.pos..]) else {
            return self.by_quick_xml();
        };
        let tag = &self.text[self.pos..self.pos + gt + 1];
        self.pos += gt + 1;
        if end {
            let content = &tag[2..tag.len() - 1];
            // As quick-xml: trailing whitespace goes, unless the name is only that.
            let name = match content.bytes().rposition(|b| !is_xml_space_byte(b)) {
                Some(last) => &content[..=last],
                None => content,
            };
            return Ok(Event::End(BytesEnd::new(name)));
        }
        let content = &tag[1..tag.len() - 1];
        Ok(match content.strip_suffix('/') {
            Some(content) => Event::Empty(BytesStart::from_content(content, name_len(content))),
            None => Event::Start(BytesStart::from_content(content, name_len(content))),
        })
    }

    /// Text up to the next markup or reference.
    #[inline]
    fn text(&mut self) -> Result<Event<'c>, quick_xml::Error> {
        let rest = &self.text.as_bytes()[self.pos..];
        let len = match memchr::memchr2(b'<', b'&', rest) {
            Some(len) => len,
            None if self.text.len() < self.chunk.len() => return self.undecodable_text(),
            None => rest.len(),
        };
        let text = &self.text[self.pos..self.pos + len];
        self.pos += len;
        Ok(Event::Text(BytesText::from_escaped(text)))
    }

    /// A text with undecodable bytes before the next markup or reference: quick-xml's
    /// error for it, with the same index into the text. Not a fresh reader's: one that
    /// starts at a text skips a byte order mark that starts it (UTF-8's; UTF-16's too
    /// with quick-xml's `encoding` feature, and reads on).
    #[cold]
    fn undecodable_text(&mut self) -> Result<Event<'c>, quick_xml::Error> {
        let rest = &self.chunk[self.pos..];
        let len = memchr::memchr2(b'<', b'&', rest).unwrap_or(rest.len());
        self.error_at = self.pos;
        self.pos += len;
        let text = std::str::from_utf8(&rest[..len])?;
        Ok(Event::Text(BytesText::from_escaped(text)))
    }

    /// The next event as quick-xml's reader reads it, for the rare and the broken ones.
    /// It starts at a `<` or a `&`, where a fresh reader reads what one that read the
    /// whole chunk would (never at a text, whose byte order mark a fresh reader skips).
    #[cold]
    fn by_quick_xml(&mut self) -> Result<Event<'c>, quick_xml::Error> {
        let mut reader = Reader::from_reader(&self.chunk[self.pos..]);
        let config = reader.config_mut();
        config.check_end_names = false;
        config.allow_unmatched_ends = true;
        config.trim_text_start = !self.keep_spaces;
        let event = reader.read_event();
        if event.is_err() {
            self.error_at = self.pos + reader.error_position() as usize;
        }
        self.pos += reader.buffer_position() as usize;
        event
    }
}

/// Where a tag that starts `bytes` ends: its first `>` outside a quoted value. Usually
/// the first `>`: when no `'` and an even number of `"` come before it, no quoted value is
/// open there (one pass over the tag, where a search per quote costs a call per value).
#[inline]
fn tag_end(bytes: &[u8]) -> Option<usize> {
    let gt = memchr::memchr(b'>', bytes)?;
    let (mut odd_doubles, mut singles) = (0u8, 0u8);
    for &b in &bytes[..gt] {
        odd_doubles ^= u8::from(b == b'"');
        singles |= u8::from(b == b'\'');
    }
    if odd_doubles | singles == 0 {
        return Some(gt);
    }
    quoted_tag_end(bytes)
}

/// [`tag_end`] for a tag with a `>` or a `'` in a quoted value.
#[cold]
fn quoted_tag_end(bytes: &[u8]) -> Option<usize> {
    let mut quote = None;
    for i in memchr::memchr3_iter(b'>', b'\'', b'"', bytes) {
        match (quote, bytes[i]) {
            (None, b'>') => return Some(i),
            (None, q) => quote = Some(q),
            (Some(q), b) if q == b => quote = None,
            _ => {}
        }
    }
    None
}

/// The length of a tag's name: up to the first whitespace.
#[inline]
fn name_len(content: &str) -> usize {
    content
        .bytes()
        .position(is_xml_space_byte)
        .unwrap_or(content.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use quick_xml::errors::SyntaxError;
    use std::io::Read;

    /// Whether the next text keeps its leading whitespace, from how many events were
    /// read and the name of the last start tag.
    type Keep<'k> = &'k dyn Fn(usize, &str) -> bool;

    /// As the parsers decide it: inside elements whose name has an odd length (so both
    /// settings are exercised).
    fn keeps(_: usize, last_start: &str) -> bool {
        last_start.len() % 2 == 1
    }

    /// The events read so far, described, and what [`Keep`] is asked from them.
    #[derive(Default)]
    struct Seen {
        out: Vec<String>,
        last_start: String,
    }

    impl Seen {
        fn keeps(&self, keep: Keep<'_>) -> bool {
            keep(self.out.len(), &self.last_start)
        }

        /// Notes one event (or error), with where the reader stands after it; false
        /// after the last one.
        fn note(
            &mut self,
            event: &Result<Event<'_>, quick_xml::Error>,
            at: usize,
            error_at: usize,
        ) -> bool {
            self.out.push(match event {
                Ok(e) => format!("{e:?} @{at}"),
                // quick-xml gives no position for undecodable bytes; ours is the event's start.
                Err(e @ quick_xml::Error::Encoding(_)) => format!("error {e:?}"),
                Err(e) => format!("error {e:?} @{error_at}"),
            });
            match event {
                Ok(Event::Start(e)) => self.last_start = e.name().as_ref().to_string(),
                Ok(Event::Eof) | Err(_) => return false,
                Ok(_) => {}
            }
            true
        }
    }

    /// The events of `chunk` from one quick-xml reader over all of it.
    fn by_one_reader(chunk: &[u8], keep: Keep<'_>) -> Vec<String> {
        let mut reader = Reader::from_reader(chunk);
        reader.config_mut().check_end_names = false;
        reader.config_mut().allow_unmatched_ends = true;
        let mut seen = Seen::default();
        loop {
            reader.config_mut().trim_text_start = !seen.keeps(keep);
            let event = reader.read_event();
            let (at, error_at) = (reader.buffer_position(), reader.error_position());
            if !seen.note(&event, at as usize, error_at as usize) {
                return seen.out;
            }
        }
    }

    /// The events of `doc` from [`Tokens`], over two chunks as [`crate::xml`] reads them:
    /// `doc[..cut]`, to its end or to an unclosed markup, then the rest from there.
    fn by_tokens(doc: &[u8], cut: usize, keep: Keep<'_>) -> Vec<String> {
        let mut seen = Seen::default();
        let mut tokens = Tokens::new(&doc[..cut]);
        let resume = loop {
            tokens.keep_spaces(seen.keeps(keep));
            let event = tokens.next();
            match event {
                Ok(Event::Eof) => break cut,
                Err(quick_xml::Error::Syntax(e))
                    if cut < doc.len()
                        && e != SyntaxError::InvalidBangMarkup
                        && tokens.position() + 1 >= cut =>
                {
                    break tokens.error_position();
                }
                _ if !seen.note(&event, tokens.position(), tokens.error_position()) => {
                    return seen.out;
                }
                _ => {}
            }
        };
        let mut tokens = Tokens::new(&doc[resume..]);
        loop {
            tokens.keep_spaces(seen.keeps(keep));
            let event = tokens.next();
            let (at, error_at) = (tokens.position(), tokens.error_position());
            if !seen.note(&event, resume + at, resume + error_at) {
                return seen.out;
            }
        }
    }

    /// Fails naming the first event where `ours` (from [`by_tokens`] over `doc` cut at
    /// `cut`) and `theirs` (from [`by_one_reader`]) differ.
    fn assert_same(doc: &[u8], cut: usize, ours: &[String], theirs: &[String]) {
        if let Some(i) = (0..ours.len().max(theirs.len())).find(|&i| ours.get(i) != theirs.get(i)) {
            panic!(
                "event {i} of {:?} (cut at {cut}) differs:\n  ours:      {:?}\n  quick-xml: {:?}",
                String::from_utf8_lossy(&doc[..doc.len().min(300)]),
                ours.get(i),
                theirs.get(i)
            );
        }
    }

    fn assert_same_events(chunk: &[u8]) {
        let theirs = by_one_reader(chunk, &keeps);
        assert_same(
            chunk,
            chunk.len(),
            &by_tokens(chunk, chunk.len(), &keeps),
            &theirs,
        );
    }

    #[test]
    fn the_events_of_odd_markup_are_quick_xmls() {
        let cases: &[&[u8]] = &[
            b"",
            b"   \n\t ",
            b"text only",
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>x</a>",
            b"<a b='>' c=\">\" d=\"it's\">t</a>",
            b"<a/><b /><c\n/><d x='1'/><e x=\"/\">",
            b"</a ><//><b></ ></\t\n>",
            b"< ><>text</><\tx>",
            b"<a>&amp; &lt;x&#x41;&#65;y&bogus;&dangling<b/>",
            b"<a>& amp;</a>",
            b"<a>x&",
            b"<!-- c > -- --><![CDATA[ <x> ]]><!DOCTYPE r [<!ENTITY e 'v'>]><r/>",
            b"<?pi a?><?pi <x>?>",
            b"<a>\xEF\xBB\xBFtext after a BOM</a>",
            b"<a>\xFF</a>",
            b"<a b=\"\xFF\">",
            b"<a>ok</a>\xC3",
            // UTF-16 byte order marks: a fresh reader would skip one at its start if
            // quick-xml's `encoding` feature were on.
            b"<a>\xFF\xFEx</a>",
            b"<a>\xFE\xFF</a>",
            b"<a",
            b"<a b='",
            b"<a b=\"x",
            b"</a",
            b"<!-- unclosed",
            b"<![CDATA[ unclosed",
            b"<!x>",
            b"<a><!DOCTYPE \n></a>",
            b"<?unclosed",
            b"<a>\r\n  mixed \t</a>\n<b>\n</b>",
        ];
        for case in cases {
            assert_same_events(case);
        }
    }

    #[test]
    fn undecodable_text_after_a_byte_order_mark_is_quick_xmls_error() {
        // A fresh reader at such a text skipped the mark, so its error counted the
        // text's bytes from after it ("index 0" where the whole chunk's reader says 3).
        for case in [
            &b"<a>\xEF\xBB\xBF\xFF</a>"[..],
            b"<ab> \xEF\xBB\xBF\xFF</ab>",
            b"<a>&amp;\xEF\xBB\xBFx\xC3",
        ] {
            assert_same_events(case);
        }
    }

    /// A small PRNG (xorshift), so the mutations are the same on every run.
    fn next(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn the_events_of_mutated_metadata_are_quick_xmls() {
        let base = br#"<?xml version="1.0"?><metadata packages="1"><package type="rpm"><name>a&amp;b</name><arch>x86_64</arch><version epoch="0" ver="1" rel="2"/><summary> s &lt; t </summary><format><rpm:requires><rpm:entry name="c" flags="GE" ver="1"/></rpm:requires><file>/usr/bin/a</file></format></package><!-- c --></metadata>"#;
        let specials = b"<>&;'\"/!?- \n\t=ab\xFF\xC3\xEF\xBB\xBF]";
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20_000 {
            let mut doc = base.to_vec();
            for _ in 0..1 + next(&mut state) % 4 {
                let at = (next(&mut state) % doc.len() as u64) as usize;
                let byte = specials[(next(&mut state) % specials.len() as u64) as usize];
                match next(&mut state) % 3 {
                    0 => doc[at] = byte,
                    1 => doc.insert(at, byte),
                    _ => drop(doc.remove(at)),
                }
            }
            assert_same_events(&doc);
        }
    }

    /// `doc` changed in one to four places: a byte replaced by a piece, a piece
    /// inserted, or a byte removed.
    fn mutate(doc: &mut Vec<u8>, pieces: &[&[u8]], state: &mut u64) {
        for _ in 0..1 + next(state) % 4 {
            let at = (next(state) % doc.len().max(1) as u64) as usize;
            let piece = pieces[(next(state) % pieces.len() as u64) as usize];
            match (next(state) % 3, doc.is_empty()) {
                (0, false) => drop(doc.splice(at..at + 1, piece.iter().copied())),
                (1, _) | (_, true) => drop(doc.splice(at..at, piece.iter().copied())),
                _ => drop(doc.remove(at)),
            }
        }
        // Not a byte order mark that starts the chunk: that one is text here (see the
        // module's doc).
        if doc.starts_with(b"\xEF\xBB\xBF") {
            doc.insert(0, b' ');
        }
    }

    /// As [`crate::xml`] reads a document: cut before a `<` or `&`, the first chunk read
    /// to its end (or to an unclosed markup at its end), the rest in a chunk that starts
    /// there; and whether text keeps its leading whitespace changes after any event.
    #[test]
    fn the_events_of_documents_cut_before_any_markup_are_quick_xmls() {
        let base = r#"<?xml version="1.0"?>
<!DOCTYPE metadata [<!ENTITY e 'v'>]>
<metadata packages="1"><!-- a <comment> & --><package type="rpm"><name>a&amp;b</name>
  <description>  d&#x41; <![CDATA[ <x> & ]]> café &lt;&#65;
  tail </description><?pi <y> &?><version epoch="0" ver="1"/>
  <file a='>' b="<&amp;">/usr/bin/a</file ></package>  </metadata>
"#
        .as_bytes();
        let pieces: &[&[u8]] = &[
            b"<",
            b">",
            b"&",
            b";",
            b"'",
            b"\"",
            b"/",
            b"!",
            b"?",
            b"-",
            b" ",
            b"\n",
            b"\t",
            b"\r",
            b"=",
            b"a",
            b"]",
            b"\xFF",
            b"\xC3",
            b"\xEF\xBB\xBF",
            b"\xC3\xA9",
            b"<!--",
            b"-->",
            b"<![CDATA[",
            b"]]>",
            b"<?",
            b"?>",
            b"</",
            b"/>",
            b"&amp;",
            b"&#x41;",
            b"<!DOCTYPE",
            b"<!DOCTYPE >",
            b"<a>",
            b"</a>",
        ];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for n in 0..2_000 {
            let mut doc = base.to_vec();
            if n > 0 {
                mutate(&mut doc, pieces, &mut state);
            }
            let bits = next(&mut state);
            let keep = move |events: usize, _: &str| bits >> (events % 64) & 1 == 1;
            let theirs = by_one_reader(&doc, &keep);
            let cuts = (1..doc.len()).filter(|&i| matches!(doc[i], b'<' | b'&'));
            for cut in cuts.chain([doc.len()]) {
                assert_same(&doc, cut, &by_tokens(&doc, cut, &keep), &theirs);
            }
        }
    }
    /// The first `limit` bytes of a real compressed metadata file, decompressed.
    fn real(rel: &str, limit: u64) -> Option<Vec<u8>> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data")
            .join(rel);
        let file = std::fs::File::open(&path).ok()?;
        let reader: Box<dyn Read> = if rel.ends_with(".zst") {
            Box::new(zstd::Decoder::new(file).ok()?)
        } else {
            Box::new(flate2::read::GzDecoder::new(file))
        };
        let mut out = Vec::new();
        reader.take(limit).read_to_end(&mut out).ok()?;
        Some(out)
    }

    #[test]
    fn the_events_of_real_metadata_are_quick_xmls() {
        let rhel = "whatpkgs-rhel73beta-fedora25/RHEL-7/7.3-Beta/Server/x86_64/os/repodata";
        let files = [
            "debian-rpmmd/sid-src/repodata/primary.xml.zst".to_string(),
            format!(
                "{rhel}/784f52fa5910de28580213eeb791ba609977872266e9f915008d780cae6454bc-primary.xml.gz"
            ),
            format!(
                "{rhel}/f2e9cb4880f6f1e4aebdade4d9b99b532d483e6620887305ce0b5775b79b858c-filelists.xml.gz"
            ),
        ];
        for file in &files {
            let doc = real(file, 3 << 20).unwrap_or_else(|| panic!("{file} is not readable"));
            assert_same_events(&doc);
        }
    }
}

//! Streaming parser of `primary.xml`: packages, dependencies and primary
//! files, appended to a [`RepoData`].

use quick_xml::events::{BytesStart, Event};

use crate::batch::{Batch, Sink, pipelined};
use crate::error::RepodataError;
use crate::repo::{
    DepKind, DepRecord, FLAG_EQ, FLAG_GT, FLAG_LT, FileKind, FileRecord, PackageRecord, RepoData,
    push_evr,
};
use crate::strings::StrId;
use crate::xml::{Flow, XmlCursor, XmlInput, check_count, declared_packages};

/// Which element's text is being collected.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Capture {
    None,
    Name,
    Arch,
    SourceRpm,
    PkgId,
    File(FileKind),
}

/// Reused per-package scratch space.
struct Scratch {
    record: PackageRecord,
    deps: [Vec<DepRecord>; 8],
    files: Vec<FileRecord>,
    text: String,
    evr: String,
}

impl Scratch {
    fn reset(&mut self) {
        self.record = PackageRecord::default();
        for d in &mut self.deps {
            d.clear();
        }
        self.files.clear();
    }
}

/// Where the parser is in the document.
struct Primary<'s> {
    s: Scratch,
    capture: Capture,
    dep_kind: Option<DepKind>,
    in_package: bool,
    in_root: bool,
    declared: Option<u64>,
    found: u64,
    /// Whether package checksums are kept (only a filelists document joins by them).
    pkgids: bool,
    /// Where full batches of packages go to be interned.
    sink: &'s mut dyn Sink,
}

/// Parses the primary.xml document read by `input` into `out`, which must
/// be empty of packages. Returns the number of packages read. Each package's checksum
/// (`pkgid`) is kept only with `pkgids`: a filelists document is joined by it, nothing
/// else reads it, and it is one distinct 64-character string per package.
pub(crate) fn parse_primary(
    input: &mut XmlInput<'_>,
    out: &mut RepoData,
    pkgids: bool,
) -> Result<u64, RepodataError> {
    let path = input.path();
    pipelined(out, path, crate::has_second_core(), |sink| {
        parse_batches(input, pkgids, sink)
    })
}

/// Parses the document into batches handed to `sink`.
fn parse_batches(
    input: &mut XmlInput<'_>,
    pkgids: bool,
    sink: &mut dyn Sink,
) -> Result<u64, RepodataError> {
    let mut p = Primary {
        s: Scratch {
            record: PackageRecord::default(),
            deps: Default::default(),
            files: Vec::new(),
            text: String::new(),
            evr: String::new(),
        },
        capture: Capture::None,
        dep_kind: None,
        in_package: false,
        in_root: false,
        declared: None,
        found: 0,
        pkgids,
        sink,
    };
    let mut batch = Batch::default();
    input.parse(|input, event| p.event(input, event, &mut batch))?;
    p.sink.flush(&mut batch)?;
    Ok(p.found)
}

impl Primary<'_> {
    #[inline]
    fn event(
        &mut self,
        input: &mut XmlCursor<'_, '_>,
        event: Event<'_>,
        out: &mut Batch,
    ) -> Result<Flow, RepodataError> {
        match event {
            Event::Start(e) if self.in_package => self.start(input, &e, out)?,
            Event::Start(e) => self.start_outside(input, &e, out)?,
            Event::Empty(e) if self.in_package => self.empty(input, &e, out)?,
            Event::Empty(e) => return self.empty_outside(input, &e),
            Event::Text(t) if self.capture != Capture::None => {
                input.push_text(&mut self.s.text, &t)?
            }
            Event::GeneralRef(r) if self.capture != Capture::None => {
                input.push_ref(&mut self.s.text, &r)?
            }
            Event::CData(t) if self.capture != Capture::None => {
                input.push_text(&mut self.s.text, &t)?
            }
            Event::End(e) if self.capture != Capture::None => {
                self.end_capture(input, e.name().as_ref(), out)?
            }
            Event::End(e) => return self.end(input, e.name().as_ref(), out),
            Event::Eof => return Err(input.truncated("metadata")),
            _ => {}
        }
        Ok(Flow::More)
    }

    /// A start tag outside any package: the root, or a package.
    fn start_outside(
        &mut self,
        input: &XmlCursor<'_, '_>,
        e: &BytesStart<'_>,
        out: &mut Batch,
    ) -> Result<(), RepodataError> {
        match e.name().as_ref() {
            "package" if self.in_root => {
                self.in_package = true;
                self.s.reset();
            }
            "metadata" if !self.in_root => {
                self.in_root = true;
                self.declared = declared_packages(input, e)?;
                out.declared = self.declared;
            }
            name if !self.in_root => {
                return Err(
                    input.malformed(format!("expected root element <metadata>, found <{name}>"))
                );
            }
            _ => {}
        }
        Ok(())
    }

    /// A start tag inside a package.
    #[inline]
    fn start(
        &mut self,
        input: &mut XmlCursor<'_, '_>,
        e: &BytesStart<'_>,
        out: &mut Batch,
    ) -> Result<(), RepodataError> {
        let s = &mut self.s;
        let capture = &mut self.capture;
        match e.name().as_ref() {
            "rpm:entry" => {
                if let Some(kind) = self.dep_kind {
                    entry(input, e, kind, out, s)?;
                }
            }
            "file" => {
                let kind = file_kind(input, e)?;
                begin(input, capture, Capture::File(kind), &mut s.text);
            }
            "name" => begin(input, capture, Capture::Name, &mut s.text),
            "arch" => begin(input, capture, Capture::Arch, &mut s.text),
            "rpm:sourcerpm" => begin(input, capture, Capture::SourceRpm, &mut s.text),
            "checksum" if self.pkgids => begin(input, capture, Capture::PkgId, &mut s.text),
            "version" => s.record.evr = version(input, e, out, &mut s.evr)?,
            "location" => s.record.location = location(input, e, out)?,
            "package" => return Err(input.malformed("nested <package>")),
            name => {
                if let Some(kind) = DepKind::from_element(name) {
                    self.dep_kind = Some(kind);
                }
            }
        }
        Ok(())
    }

    /// An empty element outside any package: an empty root (`<metadata packages="0"/>`)
    /// ends the document.
    fn empty_outside(
        &mut self,
        input: &XmlCursor<'_, '_>,
        e: &BytesStart<'_>,
    ) -> Result<Flow, RepodataError> {
        if self.in_root {
            return Ok(Flow::More);
        }
        if e.name().as_ref() != "metadata" {
            return Err(input.malformed("expected root element <metadata>"));
        }
        self.declared = declared_packages(input, e)?;
        check_count(input, self.declared, self.found)?;
        Ok(Flow::Done)
    }

    /// An empty element inside a package.
    #[inline]
    fn empty(
        &mut self,
        input: &XmlCursor<'_, '_>,
        e: &BytesStart<'_>,
        out: &mut Batch,
    ) -> Result<(), RepodataError> {
        let s = &mut self.s;
        match e.name().as_ref() {
            "rpm:entry" => {
                if let Some(kind) = self.dep_kind {
                    entry(input, e, kind, out, s)?;
                }
            }
            "version" => s.record.evr = version(input, e, out, &mut s.evr)?,
            "location" => s.record.location = location(input, e, out)?,
            // Empty <file/>, <name/>, <rpm:sourcerpm/> etc. carry no text.
            _ => {}
        }
        Ok(())
    }

    /// The end of an element whose text was captured.
    #[inline]
    fn end_capture(
        &mut self,
        input: &mut XmlCursor<'_, '_>,
        name: &str,
        out: &mut Batch,
    ) -> Result<(), RepodataError> {
        let s = &mut self.s;
        let id = out.intern(&s.text);
        match (self.capture, name) {
            (Capture::File(kind), "file") => s.files.push(FileRecord { path: id, kind }),
            (Capture::Name, "name") => s.record.name = id,
            (Capture::Arch, "arch") => s.record.arch = id,
            (Capture::SourceRpm, "rpm:sourcerpm") => s.record.sourcerpm = id,
            (Capture::PkgId, "checksum") => s.record.pkgid = id,
            _ => return Err(input.malformed("unexpected closing tag in text element")),
        }
        self.capture = Capture::None;
        input.set_capturing(false);
        Ok(())
    }

    /// The end of an element whose text was not captured.
    #[inline]
    fn end(
        &mut self,
        input: &XmlCursor<'_, '_>,
        name: &str,
        out: &mut Batch,
    ) -> Result<Flow, RepodataError> {
        match name {
            "package" if self.in_package => {
                finish_package(input, out, &mut self.s)?;
                if out.is_full() {
                    self.sink.flush(out)?;
                }
                self.in_package = false;
                self.dep_kind = None;
                self.found += 1;
            }
            "metadata" if !self.in_package => {
                check_count(input, self.declared, self.found)?;
                return Ok(Flow::Done);
            }
            _ => {
                if self.dep_kind.is_some() && DepKind::from_element(name).is_some() {
                    self.dep_kind = None;
                }
            }
        }
        Ok(Flow::More)
    }
}

#[inline]
fn begin(input: &mut XmlCursor<'_, '_>, capture: &mut Capture, what: Capture, text: &mut String) {
    *capture = what;
    text.clear();
    input.set_capturing(true);
}

fn file_kind(input: &XmlCursor<'_, '_>, e: &BytesStart<'_>) -> Result<FileKind, RepodataError> {
    let mut kind = FileKind::File;
    input.for_each_attr(e, |key, value| {
        if key == "type" {
            kind = FileKind::from_attr(Some(&value))
                .ok_or_else(|| input.malformed(format!("unknown file type \"{value}\"")))?;
        }
        Ok(())
    })?;
    Ok(kind)
}

/// Parses `<version epoch ver rel/>` into an interned EVR.
fn version(
    input: &XmlCursor<'_, '_>,
    e: &BytesStart<'_>,
    out: &mut Batch,
    evr: &mut String,
) -> Result<StrId, RepodataError> {
    let (mut epoch, mut ver, mut rel) = (None, None, None);
    input.for_each_attr(e, |key, value| {
        match key {
            "epoch" => epoch = Some(value),
            "ver" => ver = Some(value),
            "rel" => rel = Some(value),
            _ => {}
        }
        Ok(())
    })?;
    evr.clear();
    push_evr(
        evr,
        epoch.as_deref().unwrap_or(""),
        ver.as_deref().unwrap_or(""),
        rel.as_deref().unwrap_or(""),
    );
    Ok(out.intern(evr))
}

/// Parses `<location href/>` into an interned href.
fn location(
    input: &XmlCursor<'_, '_>,
    e: &BytesStart<'_>,
    out: &mut Batch,
) -> Result<StrId, RepodataError> {
    let mut href = None;
    input.for_each_attr(e, |key, value| {
        if key == "href" {
            href = Some(value);
        }
        Ok(())
    })?;
    Ok(out.intern(href.as_deref().unwrap_or("")))
}

/// The rpm sense bits for a `flags` attribute value.
pub(crate) fn parse_flags(value: &str) -> Option<u8> {
    Some(match value {
        "EQ" => FLAG_EQ,
        "LT" => FLAG_LT,
        "GT" => FLAG_GT,
        "LE" => FLAG_LT | FLAG_EQ,
        "GE" => FLAG_GT | FLAG_EQ,
        "NE" => FLAG_LT | FLAG_GT,
        _ => return None,
    })
}

/// Parses one `<rpm:entry/>` of a dependency block.
fn entry(
    input: &XmlCursor<'_, '_>,
    e: &BytesStart<'_>,
    kind: DepKind,
    out: &mut Batch,
    s: &mut Scratch,
) -> Result<(), RepodataError> {
    let (mut name, mut flags, mut epoch, mut ver, mut rel) = (None, None, None, None, None);
    let mut pre = false;
    input.for_each_attr(e, |key, value| {
        match key {
            "name" => name = Some(value),
            "flags" => flags = Some(value),
            "epoch" => epoch = Some(value),
            "ver" => ver = Some(value),
            "rel" => rel = Some(value),
            "pre" => pre = matches!(&*value, "1" | "true" | "yes"),
            _ => {}
        }
        Ok(())
    })?;
    let Some(name) = name.filter(|n| !n.is_empty()) else {
        return Err(input.malformed("<rpm:entry> without a name"));
    };
    if kind == DepKind::Requires && name.starts_with("rpmlib(") {
        return Ok(());
    }
    let flags = match flags.as_deref() {
        None | Some("") => 0,
        Some(f) => {
            parse_flags(f).ok_or_else(|| input.malformed(format!("unknown flags=\"{f}\"")))?
        }
    };
    let evr = if flags == 0 {
        StrId::EMPTY
    } else {
        s.evr.clear();
        push_evr(
            &mut s.evr,
            epoch.as_deref().unwrap_or(""),
            ver.as_deref().unwrap_or(""),
            rel.as_deref().unwrap_or(""),
        );
        out.intern(&s.evr)
    };
    let name = out.intern(&name);
    s.deps[kind.index()].push(DepRecord {
        name,
        evr,
        flags,
        pre,
    });
    Ok(())
}

/// Moves the scratch package into `out`.
fn finish_package(
    input: &XmlCursor<'_, '_>,
    out: &mut Batch,
    s: &mut Scratch,
) -> Result<(), RepodataError> {
    if s.record.name.is_empty() {
        return Err(input.malformed("<package> without a <name>"));
    }
    let too_large = |what| RepodataError::TooLarge {
        path: input.path().to_path_buf(),
        what,
    };
    let total_deps: usize = s.deps.iter().map(Vec::len).sum();
    if out.deps.len() + total_deps > u32::MAX as usize {
        return Err(too_large("dependency count"));
    }
    if out.files.len() + s.files.len() > u32::MAX as usize {
        return Err(too_large("file count"));
    }
    for (k, deps) in s.deps.iter().enumerate() {
        s.record.deps[k] = out.deps.len() as u32;
        out.deps.extend_from_slice(deps);
    }
    s.record.deps[8] = out.deps.len() as u32;
    let start = out.files.len() as u32;
    out.files.extend_from_slice(&s.files);
    s.record.files = (start, out.files.len() as u32);
    out.packages.push(std::mem::take(&mut s.record));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compression::Compression;
    use crate::guard::MAX_NODE;
    use crate::xml::CHUNK;
    use std::path::Path;

    /// A test document's input, read from memory.
    fn input_of(xml: &str) -> XmlInput<'static> {
        XmlInput::from_reader(
            Path::new("test-primary.xml"),
            Compression::None,
            Box::new(std::io::Cursor::new(xml.as_bytes().to_vec())),
        )
    }

    /// Parses `input` into a fresh [`RepoData`].
    fn parse_input(mut input: XmlInput<'_>) -> Result<RepoData, RepodataError> {
        let mut out = RepoData::default();
        parse_primary(&mut input, &mut out, true)?;
        Ok(out)
    }

    pub(crate) fn parse_str(xml: &str) -> Result<RepoData, RepodataError> {
        parse_input(input_of(xml))
    }

    /// Parses `xml` read `chunk` bytes at a time.
    fn parse_chunked(xml: &str, chunk: usize) -> Result<RepoData, RepodataError> {
        parse_input(input_of(xml).with_chunk(chunk))
    }

    /// Parses `xml` with the batches interned on a second thread or not.
    fn parse_threaded(xml: &str, threaded: bool) -> Result<RepoData, RepodataError> {
        let mut input = input_of(xml);
        let mut out = RepoData::default();
        let path = input.path();
        crate::batch::pipelined(&mut out, path, threaded, |sink| {
            parse_batches(&mut input, true, sink)
        })?;
        Ok(out)
    }

    /// A primary.xml of `n` packages sharing dependency names and versions, with files.
    fn many_packages(n: usize) -> String {
        let mut xml = format!(
            "<metadata xmlns=\"http://linux.duke.edu/metadata/common\" xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\" packages=\"{n}\">"
        );
        for i in 0..n {
            xml.push_str(&format!(
                "<package type=\"rpm\"><name>p{i}</name><arch>x86_64</arch>\
                 <version epoch=\"0\" ver=\"{v}\" rel=\"1\"/>\
                 <checksum type=\"sha256\" pkgid=\"YES\">c{i}</checksum>\
                 <location href=\"p{i}.rpm\"/><format><rpm:sourcerpm>s{s}.src.rpm</rpm:sourcerpm>\
                 <rpm:provides><rpm:entry name=\"p{i}\" flags=\"EQ\" epoch=\"0\" ver=\"{v}\"/></rpm:provides>\
                 <rpm:requires><rpm:entry name=\"lib{d}\" flags=\"GE\" ver=\"{d}\"/>\
                 <rpm:entry name=\"p{p}\"/></rpm:requires>\
                 <file>/usr/bin/p{i}</file><file type=\"dir\">/usr/share/s{s}</file></format></package>",
                v = i % 7,
                s = i / 3,
                d = i % 11,
                p = i / 2,
            ));
        }
        xml.push_str("</metadata>");
        xml
    }

    #[test]
    fn batches_interned_on_a_second_thread_give_the_same_data() {
        // Many batches' worth of packages: the ids, ranges and strings must come out as
        // when one thread parses and interns.
        let xml = many_packages(1000);
        let inline = parse_threaded(&xml, false).unwrap();
        let threaded = parse_threaded(&xml, true).unwrap();
        assert!(inline == threaded);
        assert_eq!(inline.len(), 1000);
        let p = 999;
        assert_eq!(inline.nevra(p), "p999-5-1.x86_64");
        assert_eq!(inline.str(inline.packages[p].sourcerpm), "s333.src.rpm");
        let requires: Vec<&str> = (inline.deps(p, DepKind::Requires).iter())
            .map(|d| inline.str(d.name))
            .collect();
        assert_eq!(requires, ["lib9", "p499"]);
        let files: Vec<&str> = inline.files(p).iter().map(|f| inline.str(f.path)).collect();
        assert_eq!(files, ["/usr/bin/p999", "/usr/share/s333"]);
        // And as the one-thread parser that interned as it went: strings in first-met order.
        assert_eq!(inline.str(StrId(1)), "p0");
        assert_eq!(inline.str(StrId(2)), "x86_64");
    }

    #[test]
    fn an_error_after_many_batches_is_the_same_on_two_threads() {
        let mut xml = many_packages(500);
        xml.truncate(xml.len() - "</metadata>".len());
        xml.push_str("<package><name>x</name></pkg></metadata>");
        let inline = parse_threaded(&xml, false).unwrap_err().to_string();
        let threaded = parse_threaded(&xml, true).unwrap_err().to_string();
        assert_eq!(inline, threaded);
        assert!(
            inline.contains("malformed XML in test-primary.xml"),
            "{inline}"
        );
    }

    /// Parses `xml` whole and read in chunks of every size, and checks that every
    /// chunking gives the same packages or the same error.
    fn same_in_any_chunking(xml: &str) -> Result<RepoData, RepodataError> {
        let whole = parse_str(xml);
        for chunk in 1..=xml.len() {
            match (&whole, parse_chunked(xml, chunk)) {
                (Ok(a), Ok(b)) => assert!(*a == b, "chunks of {chunk}"),
                (Err(a), Err(b)) => {
                    assert_eq!(a.to_string(), b.to_string(), "chunks of {chunk}")
                }
                (a, b) => panic!("chunks of {chunk}: {a:?}, then {b:?}"),
            }
        }
        whole
    }

    const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="2">
"#;

    const FOO: &str = r#"<package type="rpm">
  <name>foo</name>
  <arch>x86_64</arch>
  <version epoch="2" ver="1.2" rel="3.fc45"/>
  <checksum type="sha256" pkgid="YES">aaaa</checksum>
  <summary>Foo &amp; bar &lt;tools&gt;</summary>
  <description>Long
text</description>
  <location href="Packages/f/foo-1.2-3.fc45.x86_64.rpm"/>
  <format>
    <rpm:license>MIT</rpm:license>
    <rpm:sourcerpm>foo-1.2-3.fc45.src.rpm</rpm:sourcerpm>
    <rpm:header-range start="1" end="2"/>
    <rpm:provides>
      <rpm:entry name="foo" flags="EQ" epoch="2" ver="1.2" rel="3.fc45"/>
      <rpm:entry name="foo(x86-64)" flags="EQ" epoch="0" ver="1.2"/>
    </rpm:provides>
    <rpm:requires>
      <rpm:entry name="rpmlib(CompressedFileNames)" flags="LE" epoch="0" ver="3.0.4" rel="1"/>
      <rpm:entry name="/usr/sbin/useradd" pre="1"/>
      <rpm:entry name="(bar &gt;= 2 with bar &lt; 3)"/>
      <rpm:entry name="baz" flags="GE" epoch="0" ver="2"/>
      <rpm:entry name="qux" flags="LT" ver="5" rel=""/>
    </rpm:requires>
    <rpm:suggests><rpm:entry name="s"/></rpm:suggests>
    <rpm:enhances><rpm:entry name="e" flags="NE" epoch="1" ver="0"/></rpm:enhances>
    <rpm:recommends><rpm:entry name="r"/></rpm:recommends>
    <rpm:supplements><rpm:entry name="(a and b)"/></rpm:supplements>
    <rpm:conflicts><rpm:entry name="c" flags="GT" epoch="0" ver="1" rel="1"/></rpm:conflicts>
    <rpm:obsoletes><rpm:entry name="o"/></rpm:obsoletes>
    <file>/usr/bin/foo</file>
    <file type="dir">/etc/foo</file>
    <file type="ghost">/etc/foo/a&amp;b.conf</file>
    <file>/usr/share/doc/foo/Q &amp; A &#x41; .txt</file>
  </format>
</package>
"#;

    const FOO_SRC: &str = r#"<package type="rpm">
  <name>foo</name>
  <arch>src</arch>
  <version epoch="0" ver="1.2"/>
  <checksum type="sha256" pkgid="YES">bbbb</checksum>
  <location xml:base="http://x/" href="foo-1.2.src.rpm"/>
  <format>
    <rpm:sourcerpm/>
    <rpm:requires>
      <rpm:entry name="gcc"/>
      <rpm:entry name="pkgconfig(glib-2.0)" flags="GE" epoch="0" ver="2.50"/>
    </rpm:requires>
  </format>
</package>
"#;

    #[test]
    fn a_byte_order_mark_before_the_document_reads_the_same_in_any_chunking() {
        // quick-xml's reader skipped it without counting it, so every chunk after the
        // first started three bytes early.
        let doc = format!("{HEAD}{FOO}{FOO_SRC}</metadata>\n");
        let with_mark = same_in_any_chunking(&format!("\u{FEFF}{doc}")).unwrap();
        assert!(with_mark == parse_str(&doc).unwrap());
    }

    fn sample() -> RepoData {
        parse_str(&format!("{HEAD}{FOO}{FOO_SRC}</metadata>\n")).unwrap()
    }

    fn deps(r: &RepoData, pkg: usize, kind: DepKind) -> Vec<(String, u8, String, bool)> {
        r.deps(pkg, kind)
            .iter()
            .map(|d| {
                (
                    r.str(d.name).to_string(),
                    d.flags,
                    r.str(d.evr).to_string(),
                    d.pre,
                )
            })
            .collect()
    }

    #[test]
    fn reads_package_fields() {
        let r = sample();
        assert_eq!(r.len(), 2);
        let p = &r.packages[0];
        assert_eq!(r.str(p.name), "foo");
        assert_eq!(r.str(p.arch), "x86_64");
        assert_eq!(r.str(p.evr), "2:1.2-3.fc45");
        assert_eq!(r.str(p.pkgid), "aaaa");
        assert_eq!(r.str(p.sourcerpm), "foo-1.2-3.fc45.src.rpm");
        assert_eq!(r.str(p.location), "Packages/f/foo-1.2-3.fc45.x86_64.rpm");
        assert_eq!(r.nevra(0), "foo-2:1.2-3.fc45.x86_64");
        let src = &r.packages[1];
        assert_eq!(r.str(src.arch), "src");
        assert_eq!(r.str(src.evr), "1.2", "no release, epoch 0");
        assert!(src.sourcerpm.is_empty());
        assert_eq!(r.str(src.location), "foo-1.2.src.rpm");
    }

    #[test]
    fn reads_dependencies_by_kind() {
        let r = sample();
        let s = |x: &str| x.to_string();
        assert_eq!(
            deps(&r, 0, DepKind::Provides),
            vec![
                (s("foo"), 8, s("2:1.2-3.fc45"), false),
                (s("foo(x86-64)"), 8, s("1.2"), false)
            ]
        );
        assert_eq!(
            deps(&r, 0, DepKind::Requires),
            vec![
                (s("/usr/sbin/useradd"), 0, s(""), true),
                (s("(bar >= 2 with bar < 3)"), 0, s(""), false),
                (s("baz"), 12, s("2"), false),
                (s("qux"), 2, s("5"), false),
            ],
            "rpmlib() dropped, entities unescaped, rich dep verbatim"
        );
        assert_eq!(
            deps(&r, 0, DepKind::Conflicts),
            vec![(s("c"), 4, s("1-1"), false)]
        );
        assert_eq!(deps(&r, 0, DepKind::Obsoletes)[0].0, "o");
        assert_eq!(deps(&r, 0, DepKind::Recommends)[0].0, "r");
        assert_eq!(deps(&r, 0, DepKind::Suggests)[0].0, "s");
        assert_eq!(deps(&r, 0, DepKind::Supplements)[0].0, "(a and b)");
        assert_eq!(
            deps(&r, 0, DepKind::Enhances),
            vec![(s("e"), 6, s("1:0"), false)]
        );
        assert_eq!(r.all_deps(0).len(), 12);
        assert_eq!(
            deps(&r, 1, DepKind::Requires),
            vec![
                (s("gcc"), 0, s(""), false),
                (s("pkgconfig(glib-2.0)"), 12, s("2.50"), false)
            ]
        );
        assert!(r.deps(1, DepKind::Provides).is_empty());
    }

    #[test]
    fn reads_primary_files_with_kinds() {
        let r = sample();
        let files: Vec<_> = r.files(0).iter().map(|f| (r.str(f.path), f.kind)).collect();
        assert_eq!(
            files,
            vec![
                ("/usr/bin/foo", FileKind::File),
                ("/etc/foo", FileKind::Dir),
                ("/etc/foo/a&b.conf", FileKind::Ghost),
                ("/usr/share/doc/foo/Q & A A .txt", FileKind::File),
            ]
        );
        assert!(r.files(1).is_empty());
    }

    #[test]
    fn strings_are_shared() {
        let r = sample();
        assert_eq!(r.packages[0].name, r.packages[1].name);
        assert_eq!(r.deps(0, DepKind::Provides)[0].name, r.packages[0].name);
    }

    #[test]
    fn count_mismatch_is_an_error() {
        let err = parse_str(&format!("{HEAD}{FOO}</metadata>")).unwrap_err();
        assert!(
            matches!(
                err,
                RepodataError::PackageCount {
                    declared: 2,
                    found: 1,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn truncated_document_is_an_error() {
        let doc = format!("{HEAD}{FOO}{FOO_SRC}");
        for cut in [doc.len(), doc.len() - 20, HEAD.len() + 10] {
            let err = parse_str(&doc[..cut]).unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains("test-primary.xml"), "{msg}");
            assert!(!msg.contains('\n'), "{msg}");
        }
        let err = parse_str(&doc).unwrap_err();
        assert!(matches!(err, RepodataError::Truncated { .. }), "{err}");
    }

    #[test]
    fn malformed_xml_names_file_and_position() {
        let doc = format!("{HEAD}<package><name>x</arch></package></metadata>");
        let err = parse_str(&doc).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, RepodataError::MalformedXml { .. }), "{msg}");
        assert!(
            msg.starts_with("malformed XML in test-primary.xml at byte "),
            "{msg}"
        );
        let err = parse_str(&format!("{HEAD}{FOO}{FOO_SRC}</metadata><extra/>")).unwrap_err();
        assert!(err.to_string().contains("after the root"), "{err}");
        let err = parse_str("<wrong/>").unwrap_err();
        assert!(err.to_string().contains("<metadata>"), "{err}");
        let err = parse_str("").unwrap_err();
        assert!(matches!(err, RepodataError::Truncated { .. }), "{err}");
        let err = parse_str("<wrong><package/></wrong>").unwrap_err();
        assert!(err.to_string().contains("<metadata>"), "{err}");
        let bad_flags = FOO.replace("flags=\"GT\"", "flags=\"XX\"");
        let err = parse_str(&format!("{HEAD}{bad_flags}{FOO_SRC}</metadata>")).unwrap_err();
        assert!(err.to_string().contains("flags=\"XX\""), "{err}");
        let bad_entity = FOO.replace("&amp;b.conf", "&nbsp;b.conf");
        let err = parse_str(&format!("{HEAD}{bad_entity}{FOO_SRC}</metadata>")).unwrap_err();
        assert!(err.to_string().contains("&nbsp;"), "{err}");
    }

    #[test]
    fn empty_repository() {
        let r = parse_str(r#"<metadata packages="0"/>"#).unwrap();
        assert!(r.is_empty());
        let r = parse_str(r#"<metadata packages="0"></metadata>"#).unwrap();
        assert!(r.is_empty());
        assert_eq!(r.strings.len(), 1);
    }

    /// Parses `head`, then `repeat` copies of `unit`, then `tail`, streamed (never held).
    fn parse_streamed(head: &str, unit: &str, repeat: usize, tail: &str) -> RepodataError {
        struct Repeat {
            unit: Vec<u8>,
            left: usize,
        }
        impl std::io::Read for Repeat {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let n = (out.len() / self.unit.len()).min(self.left);
                for chunk in out.chunks_mut(self.unit.len()).take(n) {
                    chunk.copy_from_slice(&self.unit);
                }
                self.left -= n;
                Ok(n * self.unit.len())
            }
        }
        use std::io::Read;
        let body = Repeat {
            unit: unit.as_bytes().to_vec(),
            left: repeat,
        };
        let stream = std::io::Cursor::new(head.as_bytes().to_vec())
            .chain(body)
            .chain(std::io::Cursor::new(tail.as_bytes().to_vec()));
        let mut input = XmlInput::from_reader(
            Path::new("test-primary.xml"),
            Compression::None,
            Box::new(std::io::BufReader::new(stream)),
        );
        let mut out = RepoData::default();
        let err = match parse_primary(&mut input, &mut out, true) {
            Ok(n) => panic!("read {n} packages"),
            Err(e) => e,
        };
        let held = input.buffered();
        assert!(
            held <= 2 * (MAX_NODE + 2 * CHUNK),
            "{held} bytes held for {err}"
        );
        err
    }

    #[test]
    fn name_made_of_many_references_is_bounded() {
        // Each `&amp;` is an event of its own: the kept text is what must be bounded.
        let head = format!("{HEAD}<package><name>");
        let err = parse_streamed(&head, "&amp;", 20 << 20, "</name></package></metadata>");
        let msg = err.to_string();
        assert!(matches!(err, RepodataError::Oversized { .. }), "{msg}");
        assert!(
            msg.starts_with("oversized metadata in test-primary.xml at byte "),
            "{msg}"
        );
        assert!(msg.contains("text longer than 16 MiB"), "{msg}");
    }

    #[test]
    fn huge_text_attribute_or_comment_is_bounded() {
        let head = HEAD.len() as u64;
        for (open, close, at) in [
            ("<package><name>", "</name>", head + 15),
            ("<package><description>", "</description>", head + 22),
            ("<package><location href=\"", "\"/>", head + 9),
            ("<!--", "-->", head),
        ] {
            let err = parse_streamed(&format!("{HEAD}{open}"), "a", 40 << 20, close);
            let msg = err.to_string();
            assert!(
                msg.starts_with(&format!(
                    "oversized metadata in test-primary.xml at byte {at}: a tag, text or comment longer than 16 MiB"
                )),
                "{open}: {msg}"
            );
        }
    }

    #[test]
    fn a_closed_markup_quick_xml_rejects_is_malformed_where_it_stands() {
        // quick-xml rejects these closed markups with the syntax error of an unclosed one.
        // They were taken for a markup cut by the chunk's end and carried into ever longer
        // chunks: the file was read to 16 MiB and called an event longer than that (or, if
        // shorter, truncated at its end).
        let at = HEAD.len();
        for bad in ["<?>", "<!-x-->", "<![CDATx]]>", "<!Dx>"] {
            let streamed = parse_streamed(&format!("{HEAD}{bad}"), "<x/>", 5 << 20, "</metadata>");
            let whole = parse_str(&format!("{HEAD}{bad}{FOO}</metadata>")).unwrap_err();
            for err in [streamed, whole] {
                let msg = err.to_string();
                assert!(
                    msg.starts_with(&format!("malformed XML in test-primary.xml at byte {at}: ")),
                    "{bad}: {msg}"
                );
            }
        }
    }

    #[test]
    fn characters_xml_forbids_are_rejected_with_their_offset() {
        for (bad, what) in [
            ("\x1B]0;owned\x07", "U+001B is not allowed"),
            ("a\x07", "U+0007 is not allowed"),
            ("a\0", "U+0000 is not allowed"),
            ("a\u{FFFE}", "U+FFFE is not allowed"),
            ("&#27;", "reference to U+001B"),
            ("&#x0;", "malformed XML"),
        ] {
            let doc = format!(
                "{}{}{}</metadata>",
                HEAD,
                FOO.replace("<name>foo</name>", &format!("<name>f{bad}</name>")),
                FOO_SRC
            );
            let err = parse_str(&doc).unwrap_err();
            let msg = err.to_string();
            assert!(matches!(err, RepodataError::MalformedXml { .. }), "{msg}");
            assert!(msg.contains(what), "{bad:?}: {msg}");
            if !bad.starts_with('&') {
                let offset = doc.find("<name>f").unwrap()
                    + 7
                    + bad.find(|c: char| !(' '..='~').contains(&c)).unwrap();
                assert!(
                    msg.contains(&format!("at byte {offset}:")),
                    "{bad:?}: {msg}"
                );
            }
        }
        // In an attribute, as a reference, and in a comment.
        for (from, to) in [
            ("ver=\"1.2\"", "ver=\"1.2&#x1b;\""),
            ("rel=\"3.fc45\"", "rel=\"3\x1bc\""),
            ("<format>", "<format><!-- \x07 -->"),
        ] {
            let doc = format!("{HEAD}{}{FOO_SRC}</metadata>", FOO.replacen(from, to, 1));
            let err = parse_str(&doc).unwrap_err();
            assert!(err.to_string().contains("U+00"), "{to}: {err}");
        }
    }

    #[test]
    fn numeric_character_references() {
        let doc = format!(
            "{}{}{}</metadata>",
            HEAD,
            FOO.replace("<name>foo</name>", "<name>f&#111;&#x6F;</name>"),
            FOO_SRC
        );
        let r = parse_str(&doc).unwrap();
        assert_eq!(r.str(r.packages[0].name), "foo");
    }

    #[test]
    fn packages_cut_anywhere_read_the_same() {
        // Markup that holds `<` and `&`, where a cut may fall: CDATA, a comment, a PI.
        let foo = FOO
            .replace(
                "<description>Long\ntext</description>",
                "<description><![CDATA[a <b> & c]]></description><!-- x < y & z --><?pi a<b?>",
            )
            .replace(
                "<name>foo</name>",
                "<name>f&amp;o<![CDATA[<o>]]>&#x41;</name>",
            );
        let doc = format!("{HEAD}{foo}{FOO_SRC}</metadata>\n");
        let r = same_in_any_chunking(&doc).unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r.str(r.packages[0].name), "f&o<o>A");
        assert_eq!(r.deps(1, DepKind::Requires).len(), 2);
    }

    #[test]
    fn errors_name_the_same_position_wherever_the_document_is_cut() {
        for (from, to) in [
            ("<arch>src</arch>", "<arch>src</name>"),
            ("</format>", "</format></bogus>"),
            ("\"gcc\"", "\"g\x07cc\""),
            ("\"gcc\"", "\"gcc&bogus;\""),
            ("<rpm:sourcerpm/>", "<rpm:sourcerpm/><!-- unclosed"),
        ] {
            let doc = format!("{HEAD}{FOO}{}</metadata>", FOO_SRC.replace(from, to));
            let err = same_in_any_chunking(&doc).unwrap_err();
            assert!(err.to_string().contains(" at byte "), "{to}: {err}");
        }
        let doc = format!("{HEAD}{FOO}{FOO_SRC}</metadata><extra/>");
        let err = same_in_any_chunking(&doc).unwrap_err();
        assert!(err.to_string().contains("after the root"), "{err}");
        let doc = format!("{HEAD}{FOO}{FOO_SRC}");
        for cut in [doc.len(), doc.len() - 20] {
            let err = same_in_any_chunking(&doc[..cut]).unwrap_err();
            assert!(matches!(err, RepodataError::Truncated { .. }), "{err}");
        }
    }

    #[test]
    fn an_event_of_the_longest_length_is_read_and_one_byte_more_is_not() {
        let head = format!("{HEAD}<package><name>x</name><description>");
        let doc = |len: usize| {
            format!(
                "{head}{}</description></package></metadata>",
                "a".repeat(len)
            )
        };
        let err = parse_str(&doc(MAX_NODE)).unwrap_err();
        assert!(matches!(err, RepodataError::PackageCount { .. }), "{err}");
        let err = parse_str(&doc(MAX_NODE + 1)).unwrap_err();
        assert!(
            err.to_string().starts_with(&format!(
                "oversized metadata in test-primary.xml at byte {}: a tag, text or comment",
                head.len()
            )),
            "{err}"
        );
    }
}

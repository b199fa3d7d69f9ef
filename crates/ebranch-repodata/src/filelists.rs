//! Streaming parser of `filelists.xml` / `filelists-ext.xml`, joined to the
//! packages already read from primary by `pkgid`.

use quick_xml::events::{BytesStart, Event};
use rustc_hash::FxHashMap;

use crate::error::RepodataError;
use crate::repo::{FileKind, FileRecord, RepoData};
use crate::xml::{Flow, XmlCursor, XmlInput, check_count, declared_packages};

/// Marks a package that has no entry in filelists.
const NONE: u32 = u32::MAX;

/// Maps package ids to package numbers; duplicates (the same pkgid listed
/// twice in primary) are kept aside and get a copy of the first's files.
struct Join {
    first: FxHashMap<u32, u32>,
    duplicates: Vec<(u32, u32)>,
}

impl Join {
    fn new(data: &RepoData) -> Join {
        let mut first = FxHashMap::default();
        first.reserve(data.packages.len());
        let mut duplicates = Vec::new();
        for (i, p) in data.packages.iter().enumerate() {
            if p.pkgid.is_empty() {
                continue;
            }
            if let Some(&f) = first.get(&p.pkgid.0) {
                duplicates.push((f, i as u32));
            } else {
                first.insert(p.pkgid.0, i as u32);
            }
        }
        Join { first, duplicates }
    }
}

/// Where the parser is in the document, and the file lists read so far.
struct Filelists {
    join: Join,
    /// Each package's range in `files`, or `(NONE, NONE)` when filelists does not list it.
    ranges: Vec<(u32, u32)>,
    files: Vec<FileRecord>,
    text: String,
    root: Option<&'static str>,
    /// The package whose `<package>` element is open, if it is one of primary's.
    current: Option<u32>,
    in_package: bool,
    capture: Option<FileKind>,
    start: u32,
    declared: Option<u64>,
    found: u64,
}

/// Parses the filelists document read by `input` and replaces the file
/// lists of the packages in `out` that it lists (joined by `pkgid`).
/// Packages it does not list keep their primary files; entries for unknown
/// packages are ignored. Returns the number of `<package>` elements read.
pub(crate) fn parse_filelists(
    input: &mut XmlInput<'_>,
    out: &mut RepoData,
) -> Result<u64, RepodataError> {
    let mut f = Filelists {
        join: Join::new(out),
        ranges: vec![(NONE, NONE); out.packages.len()],
        files: Vec::new(),
        text: String::new(),
        root: None,
        current: None,
        in_package: false,
        capture: None,
        start: 0,
        declared: None,
        found: 0,
    };
    input.parse(|input, event| f.event(input, event, out))?;
    for &(first, dup) in &f.join.duplicates {
        f.ranges[dup as usize] = f.ranges[first as usize];
    }
    merge(out, &f.ranges, f.files);
    out.has_filelists = true;
    Ok(f.found)
}

impl Filelists {
    fn event(
        &mut self,
        input: &mut XmlCursor<'_, '_>,
        event: Event<'_>,
        out: &mut RepoData,
    ) -> Result<Flow, RepodataError> {
        match event {
            Event::Start(e) => self.start_tag(input, &e, out)?,
            Event::Empty(e) => match e.name().as_ref() {
                "package" if self.root.is_some() && !self.in_package => self.found += 1,
                name if self.root.is_none() => {
                    // An empty document such as <filelists packages="0"/>.
                    root_name(input, name)?;
                    self.declared = declared_packages(input, &e)?;
                    check_count(input, self.declared, self.found)?;
                    return Ok(Flow::Done);
                }
                _ => {}
            },
            Event::Text(t) if self.capture.is_some() => input.push_text(&mut self.text, &t)?,
            Event::GeneralRef(r) if self.capture.is_some() => input.push_ref(&mut self.text, &r)?,
            Event::CData(t) if self.capture.is_some() => input.push_text(&mut self.text, &t)?,
            Event::End(e) => return self.end_tag(input, e.name().as_ref(), out),
            Event::Eof => return Err(input.truncated(self.root.unwrap_or("filelists"))),
            _ => {}
        }
        Ok(Flow::More)
    }

    fn start_tag(
        &mut self,
        input: &mut XmlCursor<'_, '_>,
        e: &BytesStart<'_>,
        out: &RepoData,
    ) -> Result<(), RepodataError> {
        match e.name().as_ref() {
            "file" if self.in_package && self.current.is_some() => {
                let mut kind = FileKind::File;
                input.for_each_attr(e, |key, value| {
                    if key == "type" {
                        kind = FileKind::from_attr(Some(&value)).ok_or_else(|| {
                            input.malformed(format!("unknown file type \"{value}\""))
                        })?;
                    }
                    Ok(())
                })?;
                self.capture = Some(kind);
                self.text.clear();
                input.set_capturing(true);
            }
            "package" if self.root.is_some() && !self.in_package => {
                self.in_package = true;
                let mut pkgid = None;
                input.for_each_attr(e, |key, value| {
                    if key == "pkgid" {
                        pkgid = out.strings.lookup(&value);
                    }
                    Ok(())
                })?;
                self.current = pkgid.and_then(|id| self.join.first.get(&id.0).copied());
                self.start = self.files.len() as u32;
            }
            "package" if self.in_package => return Err(input.malformed("nested <package>")),
            name if self.root.is_none() => {
                self.root = Some(root_name(input, name)?);
                self.declared = declared_packages(input, e)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn end_tag(
        &mut self,
        input: &mut XmlCursor<'_, '_>,
        name: &str,
        out: &mut RepoData,
    ) -> Result<Flow, RepodataError> {
        match name {
            "file" => {
                if let Some(kind) = self.capture.take() {
                    input.set_capturing(false);
                    let path = out.strings.try_intern(&self.text).ok_or_else(|| {
                        RepodataError::TooLarge {
                            path: input.path().to_path_buf(),
                            what: "string table size",
                        }
                    })?;
                    self.files.push(FileRecord { path, kind });
                    if self.files.len() >= u32::MAX as usize {
                        return Err(RepodataError::TooLarge {
                            path: input.path().to_path_buf(),
                            what: "file count",
                        });
                    }
                }
            }
            "package" if self.in_package => {
                if let Some(pkg) = self.current.take() {
                    self.ranges[pkg as usize] = (self.start, self.files.len() as u32);
                }
                self.in_package = false;
                self.found += 1;
            }
            name if !self.in_package && Some(name) == self.root => {
                check_count(input, self.declared, self.found)?;
                return Ok(Flow::Done);
            }
            _ => {}
        }
        Ok(Flow::More)
    }
}

fn root_name(input: &XmlCursor<'_, '_>, name: &str) -> Result<&'static str, RepodataError> {
    match name {
        "filelists" => Ok("filelists"),
        "filelists-ext" => Ok("filelists-ext"),
        other => Err(input.malformed(format!(
            "expected root element <filelists> or <filelists-ext>, found <{}>",
            other
        ))),
    }
}

/// Replaces the files of every package that has a filelists range.
fn merge(out: &mut RepoData, ranges: &[(u32, u32)], files: Vec<FileRecord>) {
    // Fast path: filelists listed every package, in primary order.
    let mut next = 0u32;
    let in_order = ranges.iter().all(|&(start, end)| {
        let ok = start == next && end != NONE;
        next = end;
        ok
    }) && next as usize == files.len();
    if in_order {
        for (p, &r) in out.packages.iter_mut().zip(ranges) {
            p.files = r;
        }
        out.files = files;
        return;
    }
    let total: usize = out
        .packages
        .iter()
        .zip(ranges)
        .map(|(p, &(s, e))| {
            if s == NONE {
                p.file_range().len()
            } else {
                (e - s) as usize
            }
        })
        .sum();
    let mut merged = Vec::with_capacity(total);
    for (p, &(s, e)) in out.packages.iter_mut().zip(ranges) {
        let start = merged.len() as u32;
        if s == NONE {
            merged.extend_from_slice(&out.files[p.file_range()]);
        } else {
            merged.extend_from_slice(&files[s as usize..e as usize]);
        }
        p.files = (start, merged.len() as u32);
    }
    out.files = merged;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compression::Compression;
    use crate::primary::parse_primary;
    use std::path::Path;

    fn input(name: &'static str, xml: &str) -> XmlInput<'static> {
        XmlInput::from_reader(
            Path::new(name),
            Compression::None,
            Box::new(std::io::Cursor::new(xml.as_bytes().to_vec())),
        )
    }

    fn package(name: &str, pkgid: &str, files: &str) -> String {
        format!(
            r#"<package type="rpm"><name>{name}</name><arch>x86_64</arch>
<version epoch="0" ver="1" rel="1"/><checksum type="sha256" pkgid="YES">{pkgid}</checksum>
<location href="{name}.rpm"/><format>{files}</format></package>
"#
        )
    }

    fn primary(packages: &[String]) -> RepoData {
        let xml = format!(
            r#"<metadata xmlns:rpm="x" packages="{}">{}</metadata>"#,
            packages.len(),
            packages.concat()
        );
        let mut out = RepoData::default();
        parse_primary(&mut input("primary.xml", &xml), &mut out, true).unwrap();
        out
    }

    fn file_list(r: &RepoData, pkg: usize) -> Vec<(String, FileKind)> {
        r.files(pkg)
            .iter()
            .map(|f| (r.str(f.path).to_string(), f.kind))
            .collect()
    }

    fn fl_package(pkgid: &str, name: &str, files: &str) -> String {
        format!(
            r#"<package pkgid="{pkgid}" name="{name}" arch="x86_64"><version epoch="0" ver="1" rel="1"/>{files}</package>
"#
        )
    }

    #[test]
    fn joins_by_pkgid_out_of_order_and_keeps_unlisted_primary_files() {
        let mut r = primary(&[
            package("a", "ida", "<file>/usr/bin/a</file>"),
            package("b", "idb", "<file>/usr/bin/b</file>"),
            package("c", "idc", "<file>/usr/bin/c</file>"),
        ]);
        let fl = format!(
            r#"<?xml version="1.0"?><filelists xmlns="http://linux.duke.edu/metadata/filelists" packages="3">{}{}{}</filelists>"#,
            fl_package(
                "idc",
                "c",
                r#"<file>/usr/bin/c</file><file type="dir">/usr/lib/c</file><file type="ghost">/var/c&lt;1&gt; &amp; d</file>"#
            ),
            fl_package("unknown", "z", "<file>/z</file>"),
            fl_package(
                "ida",
                "a",
                "<file>/usr/bin/a</file><file>/usr/lib/a.so</file>"
            ),
        );
        let n = parse_filelists(&mut input("filelists.xml", &fl), &mut r).unwrap();
        assert_eq!(n, 3);
        assert!(r.has_filelists);
        let f = |s: &str, k| (s.to_string(), k);
        assert_eq!(
            file_list(&r, 0),
            vec![
                f("/usr/bin/a", FileKind::File),
                f("/usr/lib/a.so", FileKind::File)
            ]
        );
        assert_eq!(file_list(&r, 1), vec![f("/usr/bin/b", FileKind::File)]);
        assert_eq!(
            file_list(&r, 2),
            vec![
                f("/usr/bin/c", FileKind::File),
                f("/usr/lib/c", FileKind::Dir),
                f("/var/c<1> & d", FileKind::Ghost)
            ]
        );
        assert_eq!(r.strings.lookup("/z"), None, "unknown package not interned");
    }

    #[test]
    fn fast_path_in_order_and_filelists_ext() {
        let mut r = primary(&[
            package("a", "ida", "<file>/usr/bin/a</file>"),
            package("b", "idb", ""),
        ]);
        let fl = format!(
            r#"<filelists-ext xmlns="http://linux.duke.edu/metadata/filelists-ext" packages="2">{}{}</filelists-ext>"#,
            fl_package(
                "ida",
                "a",
                r#"<checksum type="sha256"/><file hash="01">/usr/bin/a</file>"#
            ),
            fl_package("idb", "b", r#"<file hash="02">/usr/share/b</file>"#),
        );
        parse_filelists(&mut input("filelists-ext.xml", &fl), &mut r).unwrap();
        assert_eq!(
            file_list(&r, 1),
            vec![("/usr/share/b".to_string(), FileKind::File)]
        );
        assert_eq!(r.files.len(), 2);
    }

    #[test]
    fn duplicate_pkgids_share_files() {
        let mut r = primary(&[package("a", "same", ""), package("a", "same", "")]);
        let fl = format!(
            r#"<filelists packages="1">{}</filelists>"#,
            fl_package("same", "a", "<file>/x</file>")
        );
        parse_filelists(&mut input("filelists.xml", &fl), &mut r).unwrap();
        assert_eq!(file_list(&r, 0), file_list(&r, 1));
        assert_eq!(file_list(&r, 1).len(), 1);
    }

    #[test]
    fn errors_name_the_file() {
        let mut r = primary(&[package("a", "ida", "")]);
        let fl = format!(
            r#"<filelists packages="1">{}"#,
            fl_package("ida", "a", "<file>/x</file>")
        );
        let err = parse_filelists(&mut input("fl.xml", &fl), &mut r).unwrap_err();
        assert!(matches!(err, RepodataError::Truncated { .. }), "{err}");
        assert!(err.to_string().contains("fl.xml"));
        assert!(err.to_string().contains("</filelists>"), "{err}");
        let err = parse_filelists(&mut input("fl.xml", "<other/>"), &mut r).unwrap_err();
        assert!(err.to_string().contains("<filelists>"), "{err}");
        let err = parse_filelists(&mut input("fl.xml", r#"<filelists packages="2"/>"#), &mut r)
            .unwrap_err();
        assert!(matches!(err, RepodataError::PackageCount { .. }), "{err}");
        let ok = parse_filelists(&mut input("fl.xml", r#"<filelists packages="0"/>"#), &mut r);
        assert_eq!(ok.unwrap(), 0);
    }
}

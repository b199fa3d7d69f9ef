//! `repodata/repomd.xml`: the index of a repository's metadata files.

use std::io::{Cursor, Read};
use std::path::{Component, Path, PathBuf};

use quick_xml::events::Event;

use crate::checksum::{Digest, sha256_hex};
use crate::compression::Compression;
use crate::error::RepodataError;
use crate::xml::{Flow, XmlCursor, XmlInput};

/// The largest repomd.xml read (real ones are a few kilobytes).
pub const MAX_REPOMD_BYTES: u64 = 16 << 20;

/// A checksum as written in repomd.xml.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checksum {
    /// The algorithm name as written (`sha256`, `sha`, …).
    pub kind: String,
    /// The hex digest.
    pub hex: String,
}

impl Checksum {
    /// The typed form (known algorithm, hex trimmed and lower-cased), for
    /// comparing against computed digests; `None` when the algorithm is
    /// unknown or the value is empty, longer than any digest or not hex.
    pub fn digest(&self) -> Option<Digest> {
        Digest::new(&self.kind, &self.hex).filter(|d| {
            !d.hex.is_empty() && d.hex.len() <= 128 && d.hex.bytes().all(|b| b.is_ascii_hexdigit())
        })
    }
}

/// One `<data type="…">` record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RepomdRecord {
    /// The record type: `primary`, `filelists`, `other`, …
    pub kind: String,
    /// `location href`, relative to the repository root.
    pub href: String,
    /// `location xml:base`, if any.
    pub base: Option<String>,
    /// Checksum of the file as stored (compressed).
    pub checksum: Option<Checksum>,
    /// Checksum of the decompressed content.
    pub open_checksum: Option<Checksum>,
    /// Size of the file as stored.
    pub size: Option<u64>,
    /// Size of the decompressed content.
    pub open_size: Option<u64>,
    /// Modification time (seconds since the epoch).
    pub timestamp: Option<u64>,
}

impl RepomdRecord {
    /// Where the record's file is for a repository rooted at `repo_dir`: the one rule
    /// for every reader of a repository directory, ebranch's metadata cache included.
    /// `href` is taken relative to `repo_dir` and must stay inside it
    /// ([`safe_relative_path`]); `xml:base` is never followed, so a repomd.xml cannot make
    /// ebranch read a file elsewhere (`xml:base="/dev"`, `href="zero"`). `None` when `href`
    /// is unsafe.
    pub fn path_in(&self, repo_dir: &Path) -> Option<PathBuf> {
        safe_relative_path(&self.href).map(|relative| repo_dir.join(relative))
    }
}

/// A repomd `location href` as a relative path, or `None` when it is empty, absolute,
/// climbs out with `..`, or holds a backslash or NUL. Also the check the fetcher applies
/// before joining an `href` to a mirror URL.
pub fn safe_relative_path(href: &str) -> Option<PathBuf> {
    if href.is_empty() || href.contains('\\') || href.contains('\0') {
        return None;
    }
    let mut out = PathBuf::new();
    for component in Path::new(href).components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

/// A parsed repomd.xml.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repomd {
    /// The file it was read from.
    pub path: PathBuf,
    /// `<revision>`, if present.
    pub revision: Option<String>,
    /// The `<data>` records, in file order.
    pub records: Vec<RepomdRecord>,
    /// Hex SHA-256 of the repomd.xml bytes (a cache key for the repository).
    pub sha256: String,
}

/// The element whose text is being collected.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    None,
    Revision,
    Checksum,
    OpenChecksum,
    Size,
    OpenSize,
    Timestamp,
}

impl Repomd {
    /// The path of repomd.xml for a repository rooted at `repo_dir`.
    pub fn path_in(repo_dir: &Path) -> PathBuf {
        repo_dir.join("repodata").join("repomd.xml")
    }

    /// Reads `repodata/repomd.xml` of the repository rooted at `repo_dir` (at most
    /// [`MAX_REPOMD_BYTES`]).
    pub fn read(repo_dir: &Path) -> Result<Repomd, RepodataError> {
        let path = Self::path_in(repo_dir);
        let file = match ebranch_fs::open_regular(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(RepodataError::MissingRepomd { path });
            }
            Err(e) => return Err(RepodataError::io(path, e)),
        };
        let mut bytes = Vec::new();
        file.take(MAX_REPOMD_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| RepodataError::io(&path, e))?;
        if bytes.len() as u64 > MAX_REPOMD_BYTES {
            return Err(RepodataError::Oversized {
                path,
                position: MAX_REPOMD_BYTES,
                message: format!("repomd.xml larger than {} MiB", MAX_REPOMD_BYTES >> 20),
            });
        }
        Self::parse(&path, bytes)
    }

    /// Parses repomd.xml content (`path` is used in messages).
    pub fn parse(path: &Path, bytes: Vec<u8>) -> Result<Repomd, RepodataError> {
        let sha256 = sha256_hex(&bytes);
        let mut input =
            XmlInput::from_reader(path, Compression::None, Box::new(Cursor::new(bytes)));
        let mut text = String::new();
        let mut field = Field::None;
        let mut kind_attr = String::new();
        let mut record: Option<RepomdRecord> = None;
        let mut records = Vec::new();
        let mut revision = None;
        let mut in_root = false;
        input.parse(|input, event| {
            match event {
                Event::Start(e) => {
                    let name = e.name();
                    let name = name.as_ref();
                    if !in_root {
                        if name != "repomd" {
                            return Err(input.malformed("expected root element <repomd>"));
                        }
                        in_root = true;
                        return Ok(Flow::More);
                    }
                    field = match name {
                        "data" => {
                            let mut r = RepomdRecord::default();
                            input.for_each_attr(&e, |key, value| {
                                if key == "type" {
                                    r.kind = value.into_owned();
                                }
                                Ok(())
                            })?;
                            record = Some(r);
                            Field::None
                        }
                        "revision" if record.is_none() => Field::Revision,
                        "checksum" | "open-checksum" if record.is_some() => {
                            kind_attr.clear();
                            input.for_each_attr(&e, |key, value| {
                                if key == "type" {
                                    kind_attr.push_str(&value);
                                }
                                Ok(())
                            })?;
                            if name == "checksum" {
                                Field::Checksum
                            } else {
                                Field::OpenChecksum
                            }
                        }
                        "size" if record.is_some() => Field::Size,
                        "open-size" if record.is_some() => Field::OpenSize,
                        "timestamp" if record.is_some() => Field::Timestamp,
                        "location" if record.is_some() => {
                            location(input, &e, record.as_mut())?;
                            Field::None
                        }
                        _ => Field::None,
                    };
                    text.clear();
                }
                Event::Empty(e) => {
                    let name = e.name();
                    if !in_root {
                        return Err(input.malformed("expected root element <repomd>"));
                    }
                    if name.as_ref() == "location" {
                        location(input, &e, record.as_mut())?;
                    }
                }
                Event::Text(t) if field != Field::None => {
                    input.push_text(&mut text, &t)?;
                }
                Event::GeneralRef(r) if field != Field::None => {
                    input.push_ref(&mut text, &r)?;
                }
                Event::CData(t) if field != Field::None => {
                    input.push_text(&mut text, &t)?;
                }
                Event::End(e) => {
                    let value = text.trim();
                    let number = |input: &XmlCursor<'_, '_>| {
                        value
                            .parse::<u64>()
                            .map(Some)
                            .map_err(|_| input.malformed(format!("bad number '{value}'")))
                    };
                    match (field, record.as_mut()) {
                        (Field::Revision, _) => revision = Some(value.to_string()),
                        (Field::Checksum, Some(r)) => {
                            r.checksum = Some(checksum(&kind_attr, value))
                        }
                        (Field::OpenChecksum, Some(r)) => {
                            r.open_checksum = Some(checksum(&kind_attr, value))
                        }
                        (Field::Size, Some(r)) => r.size = number(input)?,
                        (Field::OpenSize, Some(r)) => r.open_size = number(input)?,
                        (Field::Timestamp, Some(r)) => r.timestamp = number(input)?,
                        _ => match e.name().as_ref() {
                            "data" => records.extend(record.take()),
                            "repomd" => return Ok(Flow::Done),
                            _ => {}
                        },
                    }
                    field = Field::None;
                    text.clear();
                }
                Event::Eof => return Err(input.truncated("repomd")),
                _ => {}
            }
            Ok(Flow::More)
        })?;
        Ok(Repomd {
            path: path.to_path_buf(),
            revision,
            records,
            sha256,
        })
    }

    /// The first record of type `kind`, if any.
    pub fn record(&self, kind: &str) -> Option<&RepomdRecord> {
        self.records.iter().find(|r| r.kind == kind)
    }

    /// The path of `record`'s file in the repository rooted at `repo_dir`
    /// ([`RepomdRecord::path_in`]), or an error naming this repomd.xml and the `href`.
    pub fn file_path(
        &self,
        repo_dir: &Path,
        record: &RepomdRecord,
    ) -> Result<PathBuf, RepodataError> {
        record
            .path_in(repo_dir)
            .ok_or_else(|| RepodataError::UnsafeLocation {
                repomd: self.path.clone(),
                href: record.href.clone(),
            })
    }

    /// repomd.xml text for `revision` and `records` (what [`Repomd::parse`] reads back:
    /// type, checksums, location `href` and `xml:base`, sizes, timestamp).
    pub fn to_xml(revision: Option<&str>, records: &[RepomdRecord]) -> Vec<u8> {
        use std::fmt::Write as _;
        let e = |text: &str| quick_xml::escape::escape(text).into_owned();
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<repomd xmlns=\"http://linux.duke.edu/metadata/repo\">\n",
        );
        if let Some(revision) = revision {
            let _ = writeln!(out, "  <revision>{}</revision>", e(revision));
        }
        for r in records {
            let _ = writeln!(out, "  <data type=\"{}\">", e(&r.kind));
            for (tag, sum) in [
                ("checksum", &r.checksum),
                ("open-checksum", &r.open_checksum),
            ] {
                if let Some(sum) = sum {
                    let _ = writeln!(
                        out,
                        "    <{tag} type=\"{}\">{}</{tag}>",
                        e(&sum.kind),
                        e(&sum.hex)
                    );
                }
            }
            let base = r.base.as_deref().map(|b| format!(" xml:base=\"{}\"", e(b)));
            let _ = writeln!(
                out,
                "    <location{} href=\"{}\"/>",
                base.unwrap_or_default(),
                e(&r.href)
            );
            for (tag, value) in [
                ("timestamp", r.timestamp),
                ("size", r.size),
                ("open-size", r.open_size),
            ] {
                if let Some(value) = value {
                    let _ = writeln!(out, "    <{tag}>{value}</{tag}>");
                }
            }
            out.push_str("  </data>\n");
        }
        out.push_str("</repomd>\n");
        out.into_bytes()
    }
}

fn checksum(kind: &str, hex: &str) -> Checksum {
    Checksum {
        kind: kind.to_string(),
        hex: hex.to_string(),
    }
}

fn location(
    input: &XmlCursor<'_, '_>,
    e: &quick_xml::events::BytesStart<'_>,
    record: Option<&mut RepomdRecord>,
) -> Result<(), RepodataError> {
    let Some(r) = record else {
        return Ok(());
    };
    input.for_each_attr(e, |key, value| {
        match key {
            "href" => r.href = value.into_owned(),
            "xml:base" => r.base = Some(value.into_owned()),
            _ => {}
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">
  <revision>1471427460</revision>
  <tags><distro cpeid="cpe:/o:x">X</distro></tags>
  <data type="primary">
    <checksum type="sha256">abc</checksum>
    <open-checksum type="sha256">def</open-checksum>
    <location href="repodata/abc-primary.xml.gz"/>
    <timestamp>1471427454</timestamp>
    <size>1930225</size>
    <open-size>16410888</open-size>
  </data>
  <data type="filelists_db">
    <checksum type="sha">0123</checksum>
    <location xml:base="file:///srv/mirror" href="repodata/f.sqlite.bz2"></location>
    <database_version>10</database_version>
    <size>34</size>
  </data>
</repomd>
"#;

    #[test]
    fn parses_records() {
        let path = Path::new("/r/repodata/repomd.xml");
        let md = Repomd::parse(path, SAMPLE.as_bytes().to_vec()).unwrap();
        assert_eq!(md.revision.as_deref(), Some("1471427460"));
        assert_eq!(md.records.len(), 2);
        let p = md.record("primary").unwrap();
        assert_eq!(p.href, "repodata/abc-primary.xml.gz");
        assert_eq!(
            p.checksum,
            Some(Checksum {
                kind: "sha256".into(),
                hex: "abc".into()
            })
        );
        assert_eq!(p.open_checksum.as_ref().unwrap().hex, "def");
        assert_eq!(p.size, Some(1930225));
        assert_eq!(p.open_size, Some(16410888));
        assert_eq!(p.timestamp, Some(1471427454));
        assert_eq!(
            p.path_in(Path::new("/r")).unwrap(),
            Path::new("/r/repodata/abc-primary.xml.gz")
        );
        let f = md.record("filelists_db").unwrap();
        assert_eq!(f.checksum.as_ref().unwrap().kind, "sha");
        assert_eq!(f.base.as_deref(), Some("file:///srv/mirror"));
        // xml:base is never followed: the file is in the repository or nowhere.
        assert_eq!(
            f.path_in(Path::new("/r")).unwrap(),
            Path::new("/r/repodata/f.sqlite.bz2")
        );
        assert_eq!(md.sha256, sha256_hex(SAMPLE.as_bytes()));
        assert_eq!(
            f.checksum.as_ref().unwrap().digest().unwrap().to_string(),
            "sha1:0123"
        );
        assert!(md.record("other").is_none());
    }

    #[test]
    fn a_record_path_never_leaves_the_repository() {
        let record = |base: Option<&str>, href: &str| RepomdRecord {
            kind: "primary".into(),
            href: href.into(),
            base: base.map(Into::into),
            ..RepomdRecord::default()
        };
        let dir = Path::new("/r");
        assert_eq!(
            record(Some("/dev"), "zero").path_in(dir).unwrap(),
            Path::new("/r/zero")
        );
        assert_eq!(
            record(Some("file:///etc"), "./repodata/x")
                .path_in(dir)
                .unwrap(),
            Path::new("/r/repodata/x")
        );
        for bad in ["", "/dev/zero", "../x", "repodata/../../x", "a\\b", "a\0b"] {
            assert_eq!(record(None, bad).path_in(dir), None, "{bad:?}");
        }
        let md = Repomd::parse(
            Path::new("/r/repodata/repomd.xml"),
            SAMPLE.as_bytes().to_vec(),
        )
        .unwrap();
        let err = md.file_path(dir, &record(None, "/etc/passwd")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "/r/repodata/repomd.xml: refusing location \"/etc/passwd\": not a relative path inside the repository"
        );
    }

    #[test]
    fn to_xml_reads_back_as_the_same_records() {
        let path = Path::new("/r/repodata/repomd.xml");
        let md = Repomd::parse(path, SAMPLE.as_bytes().to_vec()).unwrap();
        let mut records = md.records.clone();
        records[0].kind = "a<b&\"c".into();
        let again = Repomd::parse(path, Repomd::to_xml(md.revision.as_deref(), &records)).unwrap();
        assert_eq!(again.records, records);
        assert_eq!(again.revision, md.revision);
    }

    #[test]
    fn checksum_digest() {
        let sum = |kind: &str, hex: &str| Checksum {
            kind: kind.into(),
            hex: hex.into(),
        };
        let d = sum("SHA256", " AB12 ").digest().unwrap();
        assert_eq!(d.kind, crate::ChecksumKind::Sha256);
        assert_eq!(d.hex, "ab12");
        assert_eq!(sum("crc", "1").digest(), None);
        assert_eq!(sum("sha256", "").digest(), None);
        assert_eq!(sum("", "ab").digest(), None);
        assert_eq!(sum("sha256", "ab/../x").digest(), None);
    }

    #[test]
    fn errors() {
        let path = Path::new("/r/repodata/repomd.xml");
        let err = Repomd::parse(path, SAMPLE.as_bytes()[..300].to_vec()).unwrap_err();
        assert!(matches!(err, RepodataError::Truncated { .. }), "{err}");
        let bad = SAMPLE.replace("<size>34</size>", "<size>x</size>");
        let err = Repomd::parse(path, bad.into_bytes()).unwrap_err();
        assert!(err.to_string().contains("bad number 'x'"), "{err}");
        assert!(err.to_string().contains("/r/repodata/repomd.xml"), "{err}");
        let err = Repomd::parse(path, b"<metadata/>".to_vec()).unwrap_err();
        assert!(err.to_string().contains("<repomd>"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let err = Repomd::read(dir.path()).unwrap_err();
        assert!(matches!(err, RepodataError::MissingRepomd { .. }));
        assert!(err.to_string().contains("repodata/repomd.xml"), "{err}");
    }
}

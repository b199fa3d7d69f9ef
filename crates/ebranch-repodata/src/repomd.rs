//! `repodata/repomd.xml`: the index of a repository's metadata files.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use quick_xml::events::Event;

use crate::checksum::{Digest, sha256_hex};
use crate::compression::Compression;
use crate::error::RepodataError;
use crate::xml::XmlInput;

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
    /// unknown or the value is empty.
    pub fn digest(&self) -> Option<Digest> {
        Digest::new(&self.kind, &self.hex).filter(|d| !d.hex.is_empty())
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
    /// Where the file is on disk for a repository rooted at `repo_dir`:
    /// `href` relative to `repo_dir`, or to `xml:base` when that is a local
    /// path or a `file://` URL (a remote base is ignored).
    pub fn local_path(&self, repo_dir: &Path) -> PathBuf {
        match self.base.as_deref() {
            Some(base) if base.starts_with("file://") => Path::new(&base[7..]).join(&self.href),
            Some(base) if base.starts_with('/') => Path::new(base).join(&self.href),
            _ => repo_dir.join(&self.href),
        }
    }
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
        let mut buf = Vec::new();
        let mut text = String::new();
        let mut field = Field::None;
        let mut kind_attr = String::new();
        let mut record: Option<RepomdRecord> = None;
        let mut records = Vec::new();
        let mut revision = None;
        let mut in_root = false;
        loop {
            buf.clear();
            match input.next(&mut buf)? {
                Event::Start(e) => {
                    let name = e.name();
                    let name = name.as_ref();
                    if !in_root {
                        if name != "repomd" {
                            return Err(input.malformed("expected root element <repomd>"));
                        }
                        in_root = true;
                        continue;
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
                            location(&input, &e, record.as_mut())?;
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
                        location(&input, &e, record.as_mut())?;
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
                    let number = |input: &XmlInput<'_>| {
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
                        (Field::Size, Some(r)) => r.size = number(&input)?,
                        (Field::OpenSize, Some(r)) => r.open_size = number(&input)?,
                        (Field::Timestamp, Some(r)) => r.timestamp = number(&input)?,
                        _ => match e.name().as_ref() {
                            "data" => records.extend(record.take()),
                            "repomd" => {
                                input.finish(&mut buf)?;
                                return Ok(Repomd {
                                    path: path.to_path_buf(),
                                    revision,
                                    records,
                                    sha256,
                                });
                            }
                            _ => {}
                        },
                    }
                    field = Field::None;
                    text.clear();
                }
                Event::Eof => return Err(input.truncated("repomd")),
                _ => {}
            }
        }
    }

    /// The first record of type `kind`, if any.
    pub fn record(&self, kind: &str) -> Option<&RepomdRecord> {
        self.records.iter().find(|r| r.kind == kind)
    }
}

fn checksum(kind: &str, hex: &str) -> Checksum {
    Checksum {
        kind: kind.to_string(),
        hex: hex.to_string(),
    }
}

fn location(
    input: &XmlInput<'_>,
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
            p.local_path(Path::new("/r")),
            Path::new("/r/repodata/abc-primary.xml.gz")
        );
        let f = md.record("filelists_db").unwrap();
        assert_eq!(f.checksum.as_ref().unwrap().kind, "sha");
        assert_eq!(f.base.as_deref(), Some("file:///srv/mirror"));
        assert_eq!(
            f.local_path(Path::new("/r")),
            Path::new("/srv/mirror/repodata/f.sqlite.bz2")
        );
        assert_eq!(md.sha256, sha256_hex(SAMPLE.as_bytes()));
        assert_eq!(
            f.checksum.as_ref().unwrap().digest().unwrap().to_string(),
            "sha1:0123"
        );
        assert!(md.record("other").is_none());
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

//! Reading repomd.xml: which metadata files a repo has, where, and their checksums.
//!
//! ebranch-repodata has its own repomd reader for local directories; this one
//! only needs locations, sizes and checksums, so the two can be merged later.

use crate::checksum::Checksum;
use crate::xml_tree;

/// One `<data type="…">` record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RepomdRecord {
    /// `primary`, `filelists`, `other`, …
    pub kind: String,
    /// `<location href>`, relative to the repo base.
    pub href: String,
    /// `<location xml:base>`, when the file lives elsewhere.
    pub base: Option<String>,
    /// `<checksum>` of the file as stored (compressed); `None` when missing
    /// or of an unknown type (the raw type name is in `checksum_type`).
    pub checksum: Option<Checksum>,
    /// The raw `type` attribute of `<checksum>`, for error messages.
    pub checksum_type: Option<String>,
    /// `<size>` of the file as stored.
    pub size: Option<u64>,
}

/// The parsed document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Repomd {
    /// `<data>` records in document order.
    pub records: Vec<RepomdRecord>,
}

impl Repomd {
    /// Parses repomd.xml text.
    pub fn parse(text: &str) -> Result<Repomd, String> {
        let root = xml_tree::parse(text)?;
        if root.name != "repomd" {
            return Err(format!("root element is <{}>, not <repomd>", root.name));
        }
        let mut records = Vec::new();
        for data in root.children_named("data") {
            let kind = data.attr("type").ok_or("<data> without type")?.to_string();
            let location = data
                .child("location")
                .ok_or_else(|| format!("<data type=\"{kind}\"> without <location>"))?;
            let href = location
                .attr("href")
                .ok_or_else(|| format!("<data type=\"{kind}\"> location without href"))?
                .to_string();
            let checksum_el = data.child("checksum");
            let checksum_type = checksum_el.and_then(|c| c.attr("type")).map(str::to_string);
            let checksum = checksum_el
                .and_then(|c| Checksum::new(c.attr("type")?, c.trimmed_text()))
                .filter(|c| !c.hex.is_empty());
            let size = data
                .child("size")
                .and_then(|s| s.trimmed_text().parse().ok());
            records.push(RepomdRecord {
                kind,
                href,
                base: location.attr("xml:base").map(str::to_string),
                checksum,
                checksum_type,
                size,
            });
        }
        Ok(Repomd { records })
    }

    /// The record of this type, if any.
    pub fn record(&self, kind: &str) -> Option<&RepomdRecord> {
        self.records.iter().find(|r| r.kind == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">
  <revision>1</revision>
  <data type="primary">
    <checksum type="sha256">AB12</checksum>
    <open-checksum type="sha256">ffff</open-checksum>
    <location href="repodata/ab12-primary.xml.zst"/>
    <size>42</size>
  </data>
  <data type="filelists">
    <checksum type="sha">cd34</checksum>
    <location xml:base="http://elsewhere/" href="repodata/cd34-filelists.xml.gz"/>
  </data>
  <data type="other"><checksum type="crc">1</checksum><location href="repodata/o"/></data>
</repomd>"#;

    #[test]
    fn parses_records() {
        let md = Repomd::parse(DOC).unwrap();
        let primary = md.record("primary").unwrap();
        assert_eq!(primary.href, "repodata/ab12-primary.xml.zst");
        assert_eq!(
            primary.checksum.as_ref().unwrap().to_string(),
            "sha256:ab12"
        );
        assert_eq!(primary.size, Some(42));
        let filelists = md.record("filelists").unwrap();
        assert_eq!(filelists.base.as_deref(), Some("http://elsewhere/"));
        assert_eq!(
            filelists.checksum.as_ref().unwrap().to_string(),
            "sha1:cd34"
        );
        let other = md.record("other").unwrap();
        assert_eq!(other.checksum, None);
        assert_eq!(other.checksum_type.as_deref(), Some("crc"));
        assert!(md.record("group").is_none());
    }

    #[test]
    fn rejects_other_documents() {
        assert!(Repomd::parse("<metalink/>").is_err());
        assert!(Repomd::parse("<repomd><data type='x'/></repomd>").is_err());
        assert!(Repomd::parse("not xml at all <").is_err());
    }
}

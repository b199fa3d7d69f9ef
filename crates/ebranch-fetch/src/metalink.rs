//! Reading MirrorManager metalinks (Metalink 3.0): mirrors ordered by
//! preference and the hashes repomd.xml must match.

use std::cmp::Reverse;

use ebranch_repodata::checksum::Digest;

use crate::mirrors::unique_in_order;
use crate::url;
use crate::xml_tree::{self, Element};

/// What a metalink says about one repo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Metalink {
    /// Repo base URLs (the resource URL minus `repodata/repomd.xml`),
    /// highest `preference` first, only those the HTTP policy allows (https;
    /// plain http to loopback hosts), without duplicates.
    pub mirrors: Vec<String>,
    /// Hashes of the current repomd.xml (one per algorithm).
    pub hashes: Vec<Digest>,
    /// Hash sets of older repomd.xml copies still acceptable from lagging mirrors.
    pub alternates: Vec<Vec<Digest>>,
}

/// How a repomd.xml relates to a metalink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RepomdMatch {
    /// It is the current repomd.xml.
    Current,
    /// It is an older copy the metalink still accepts.
    Alternate,
    /// The metalink does not know it.
    Unknown,
}

impl Metalink {
    /// Parses a metalink document.
    pub fn parse(text: &str) -> Result<Metalink, String> {
        let root = xml_tree::parse(text)?;
        if root.name != "metalink" {
            return Err(format!("root element is <{}>, not <metalink>", root.name));
        }
        let file = root
            .child("files")
            .into_iter()
            .flat_map(|files| files.children_named("file"))
            .find(|f| f.attr("name") == Some("repomd.xml"))
            .ok_or("no <file name=\"repomd.xml\">")?;
        let hashes = hashes_of(file);
        if hashes.is_empty() {
            return Err("no usable <hash> for repomd.xml".into());
        }
        let alternates = file
            .child("alternates")
            .into_iter()
            .flat_map(|a| a.children_named("alternate"))
            .map(hashes_of)
            .filter(|h| !h.is_empty())
            .collect();
        let mut ranked: Vec<(Reverse<i64>, usize, String)> = Vec::new();
        for (index, resource) in file
            .child("resources")
            .into_iter()
            .flat_map(|r| r.children_named("url"))
            .enumerate()
        {
            let target = resource.trimmed_text();
            if !ebranch_http::policy::is_allowed(target) {
                continue;
            }
            let Some(base) = url::strip_repomd_suffix(target) else {
                continue;
            };
            let preference = resource
                .attr("preference")
                .and_then(|p| p.trim().parse().ok())
                .unwrap_or(0);
            ranked.push((Reverse(preference), index, base));
        }
        ranked.sort();
        let mirrors = unique_in_order(ranked.into_iter().map(|(_, _, base)| base));
        Ok(Metalink {
            mirrors,
            hashes,
            alternates,
        })
    }

    /// Checks a downloaded or cached repomd.xml against the metalink.
    pub fn check(&self, repomd: &[u8]) -> RepomdMatch {
        if set_matches(&self.hashes, repomd) {
            RepomdMatch::Current
        } else if self.alternates.iter().any(|set| set_matches(set, repomd)) {
            RepomdMatch::Alternate
        } else {
            RepomdMatch::Unknown
        }
    }

    /// The strongest current hash, for error messages.
    pub fn best_hash(&self) -> &Digest {
        strongest(&self.hashes).expect("parse guarantees at least one hash")
    }
}

fn hashes_of(element: &Element) -> Vec<Digest> {
    element
        .child("verification")
        .into_iter()
        .flat_map(|v| v.children_named("hash"))
        .filter_map(|h| Digest::new(h.attr("type")?, h.trimmed_text()))
        .filter(|c| !c.hex.is_empty())
        .collect()
}

fn strongest(set: &[Digest]) -> Option<&Digest> {
    set.iter().max_by_key(|c| c.kind)
}

/// A set matches when the strongest algorithm in it matches.
fn set_matches(set: &[Digest], data: &[u8]) -> bool {
    strongest(set).is_some_and(|c| c.matches(data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ebranch_repodata::checksum::sha256_hex;

    fn doc(sha: &str, alt: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<metalink version="3.0" xmlns="http://www.metalinker.org/" type="dynamic" generator="mirrormanager" xmlns:mm0="http://fedorahosted.org/mirrormanager">
 <files>
  <file name="repomd.xml">
   <mm0:timestamp>1</mm0:timestamp>
   <size>5</size>
   <verification>
    <hash type="md5">00000000000000000000000000000000</hash>
    <hash type="sha256">{sha}</hash>
   </verification>
   <mm0:alternates>
    <mm0:alternate><mm0:timestamp>0</mm0:timestamp><verification><hash type="sha256">{alt}</hash></verification></mm0:alternate>
   </mm0:alternates>
   <resources maxconnections="1">
    <url protocol="rsync" type="rsync" location="US" preference="100">rsync://r/os/repodata/repomd.xml</url>
    <url protocol="https" type="https" location="US" preference="90">https://b/os/repodata/repomd.xml</url>
    <url protocol="https" type="https" location="DE" preference="99">https://a/os/repodata/repomd.xml</url>
    <url protocol="http" type="http" location="DE" preference="99">https://a/os/repodata/repomd.xml</url>
    <url protocol="https" type="https" location="FR" preference="95">https://c/os/other.xml</url>
   </resources>
  </file>
 </files>
</metalink>"#
        )
    }

    #[test]
    fn mirrors_by_preference_and_hashes() {
        let ml = Metalink::parse(&doc(&sha256_hex(b"new"), &sha256_hex(b"old"))).unwrap();
        assert_eq!(ml.mirrors, ["https://a/os/", "https://b/os/"]);
        assert_eq!(ml.best_hash().kind, ebranch_repodata::ChecksumKind::Sha256);
        assert_eq!(ml.check(b"new"), RepomdMatch::Current);
        assert_eq!(ml.check(b"old"), RepomdMatch::Alternate);
        assert_eq!(ml.check(b"other"), RepomdMatch::Unknown);
    }

    #[test]
    fn a_metalink_of_160000_urls_keeps_each_mirror_once_by_preference() {
        let urls: String = (0..160_000)
            .map(|i| {
                format!(
                    "<url protocol=\"https\" preference=\"{}\">https://m{}.example/os/repodata/repomd.xml</url>\n",
                    i % 100,
                    i % 40_000
                )
            })
            .collect();
        let text = doc(&sha256_hex(b"new"), &sha256_hex(b"old")).replace(
            "<resources maxconnections=\"1\">",
            &format!("<resources maxconnections=\"1\">\n{urls}"),
        );
        let ml = Metalink::parse(&text).unwrap();
        assert_eq!(ml.mirrors.len(), 40_000 + 2);
        // The first url of the highest preference (99) is m99's.
        assert_eq!(ml.mirrors[0], "https://m99.example/os/");
        assert!(ml.mirrors.contains(&"https://a/os/".to_string()));
    }

    #[test]
    fn extreme_preferences_rank_without_overflow() {
        let text = doc(&sha256_hex(b"new"), &sha256_hex(b"old"))
            .replace("preference=\"90\"", "preference=\"-9223372036854775808\"")
            .replace("preference=\"99\"", "preference=\"9223372036854775807\"");
        let ml = Metalink::parse(&text).unwrap();
        assert_eq!(ml.mirrors, ["https://a/os/", "https://b/os/"]);
    }

    #[test]
    fn rejects_documents_without_hashes_or_file() {
        assert!(Metalink::parse("<metalink><files/></metalink>").is_err());
        assert!(
            Metalink::parse(
                r#"<metalink><files><file name="repomd.xml"><resources/></file></files></metalink>"#
            )
            .is_err()
        );
        assert!(Metalink::parse("<html>404</html>").is_err());
    }

    #[test]
    fn metalink_nested_fifty_thousand_deep_is_an_error_not_a_stack_overflow() {
        let deep = format!(
            "<metalink>{}{}</metalink>",
            "<files>".repeat(50_000),
            "</files>".repeat(50_000)
        );
        let err = Metalink::parse(&deep).unwrap_err();
        assert!(err.contains("nested deeper than"), "{err}");
    }
}

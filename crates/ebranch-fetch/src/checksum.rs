//! Checksums as written in repomd.xml and metalinks, and a streaming hasher.

use std::fmt;

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};

/// A digest algorithm named by a `type="…"` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChecksumKind {
    /// MD5 (old repos and metalink extras only).
    Md5,
    /// SHA-1, spelled `sha` or `sha1`.
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256, the createrepo_c default.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl ChecksumKind {
    /// Parses a `type` attribute value; `None` for unknown names.
    pub fn parse(name: &str) -> Option<ChecksumKind> {
        match name.trim().to_ascii_lowercase().as_str() {
            "md5" => Some(ChecksumKind::Md5),
            "sha" | "sha1" | "sha-1" => Some(ChecksumKind::Sha1),
            "sha224" | "sha-224" => Some(ChecksumKind::Sha224),
            "sha256" | "sha-256" => Some(ChecksumKind::Sha256),
            "sha384" | "sha-384" => Some(ChecksumKind::Sha384),
            "sha512" | "sha-512" => Some(ChecksumKind::Sha512),
            _ => None,
        }
    }

    /// The canonical lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            ChecksumKind::Md5 => "md5",
            ChecksumKind::Sha1 => "sha1",
            ChecksumKind::Sha224 => "sha224",
            ChecksumKind::Sha256 => "sha256",
            ChecksumKind::Sha384 => "sha384",
            ChecksumKind::Sha512 => "sha512",
        }
    }
}

/// An expected digest: algorithm plus lower-case hex value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Checksum {
    /// The algorithm.
    pub kind: ChecksumKind,
    /// Lower-case hex digest.
    pub hex: String,
}

impl Checksum {
    /// Builds a checksum from a `type` name and a hex value; `None` for unknown types.
    pub fn new(kind: &str, hex: &str) -> Option<Checksum> {
        Some(Checksum {
            kind: ChecksumKind::parse(kind)?,
            hex: hex.trim().to_ascii_lowercase(),
        })
    }

    /// Digest of `data` with algorithm `kind`.
    pub fn compute(kind: ChecksumKind, data: &[u8]) -> Checksum {
        let mut hasher = Hasher::new(kind);
        hasher.update(data);
        hasher.finish()
    }

    /// Digest of `data` with the same algorithm as `self`.
    pub fn of_same_kind(&self, data: &[u8]) -> Checksum {
        Checksum::compute(self.kind, data)
    }

    /// True when `data` hashes to this checksum.
    pub fn matches(&self, data: &[u8]) -> bool {
        self.of_same_kind(data).hex == self.hex
    }
}

impl fmt::Display for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.name(), self.hex)
    }
}

/// Incremental hasher for any [`ChecksumKind`].
pub struct Hasher {
    kind: ChecksumKind,
    state: State,
}

enum State {
    Md5(Md5),
    Sha1(Sha1),
    Sha224(Sha224),
    Sha256(Sha256),
    Sha384(Sha384),
    Sha512(Sha512),
}

impl Hasher {
    /// A fresh hasher for `kind`.
    pub fn new(kind: ChecksumKind) -> Hasher {
        let state = match kind {
            ChecksumKind::Md5 => State::Md5(Md5::new()),
            ChecksumKind::Sha1 => State::Sha1(Sha1::new()),
            ChecksumKind::Sha224 => State::Sha224(Sha224::new()),
            ChecksumKind::Sha256 => State::Sha256(Sha256::new()),
            ChecksumKind::Sha384 => State::Sha384(Sha384::new()),
            ChecksumKind::Sha512 => State::Sha512(Sha512::new()),
        };
        Hasher { kind, state }
    }

    /// Feeds bytes.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.state {
            State::Md5(h) => h.update(data),
            State::Sha1(h) => h.update(data),
            State::Sha224(h) => h.update(data),
            State::Sha256(h) => h.update(data),
            State::Sha384(h) => h.update(data),
            State::Sha512(h) => h.update(data),
        }
    }

    /// The digest of everything fed so far.
    pub fn finish(self) -> Checksum {
        let hex = match self.state {
            State::Md5(h) => hex::encode(h.finalize()),
            State::Sha1(h) => hex::encode(h.finalize()),
            State::Sha224(h) => hex::encode(h.finalize()),
            State::Sha256(h) => hex::encode(h.finalize()),
            State::Sha384(h) => hex::encode(h.finalize()),
            State::Sha512(h) => hex::encode(h.finalize()),
        };
        Checksum {
            kind: self.kind,
            hex,
        }
    }
}

/// Lower-case hex SHA-256 of `data` (cache keys, request bodies in tests).
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        let sha = Checksum::new("sha256", "").unwrap().of_same_kind(b"abc");
        assert_eq!(
            sha.hex,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let md5 = Checksum::new("MD5", "900150983cd24fb0d6963f7d28e17f72").unwrap();
        assert!(md5.matches(b"abc"));
        let sha1 = Checksum::new("sha", "a9993e364706816aba3e25717850c26c9cd0d89d").unwrap();
        assert!(sha1.matches(b"abc"));
        assert_eq!(
            sha1.to_string(),
            "sha1:a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert!(Checksum::new("crc32", "00").is_none());
    }
}

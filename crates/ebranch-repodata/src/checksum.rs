//! File checksums as written in `repomd.xml`.

use std::fmt;
use std::io::Read;
use std::path::Path;

use sha2::Digest as _;

use crate::error::RepodataError;

/// Read size when hashing a file.
const CHUNK: usize = 256 * 1024;

/// A checksum algorithm that repomd.xml or a metalink may name. Variants
/// are ordered from weakest to strongest, so `max` picks the strongest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChecksumKind {
    /// MD5 (`md5`).
    Md5,
    /// SHA-1 (`sha1`, or the old name `sha`).
    Sha1,
    /// SHA-224 (`sha224`).
    Sha224,
    /// SHA-256 (`sha256`).
    Sha256,
    /// SHA-384 (`sha384`).
    Sha384,
    /// SHA-512 (`sha512`).
    Sha512,
}

impl ChecksumKind {
    /// Parses an algorithm name as written in a `type` attribute
    /// (case-insensitive, surrounding whitespace ignored, metalink spellings
    /// such as `sha-256` accepted); `None` when unknown.
    pub fn from_name(name: &str) -> Option<ChecksumKind> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "md5" => ChecksumKind::Md5,
            "sha" | "sha1" | "sha-1" => ChecksumKind::Sha1,
            "sha224" | "sha-224" => ChecksumKind::Sha224,
            "sha256" | "sha-256" => ChecksumKind::Sha256,
            "sha384" | "sha-384" => ChecksumKind::Sha384,
            "sha512" | "sha-512" => ChecksumKind::Sha512,
            _ => return None,
        })
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

impl fmt::Display for ChecksumKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An expected or computed digest: algorithm plus lower-case hex value.
/// Displays as `algo:hex`, e.g. `sha256:ba78…`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Digest {
    /// The algorithm.
    pub kind: ChecksumKind,
    /// Lower-case hex digest.
    pub hex: String,
}

impl Digest {
    /// Builds a digest from a `type` name and a hex value (trimmed and
    /// lower-cased); `None` for unknown algorithm names.
    pub fn new(kind_name: &str, hex: &str) -> Option<Digest> {
        Some(Digest {
            kind: ChecksumKind::from_name(kind_name)?,
            hex: hex.trim().to_ascii_lowercase(),
        })
    }

    /// The digest of `data` with algorithm `kind`.
    pub fn compute(kind: ChecksumKind, data: &[u8]) -> Digest {
        let mut hasher = Hasher::new(kind);
        hasher.update(data);
        hasher.finish()
    }

    /// The digest of `data` with the same algorithm as `self`.
    pub fn of_same_kind(&self, data: &[u8]) -> Digest {
        Digest::compute(self.kind, data)
    }

    /// True when `data` hashes to this digest.
    pub fn matches(&self, data: &[u8]) -> bool {
        self.of_same_kind(data).hex == self.hex
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind.name(), self.hex)
    }
}

/// An incremental hasher for any [`ChecksumKind`].
#[derive(Clone, Debug)]
pub enum Hasher {
    /// MD5 state.
    Md5(md5::Md5),
    /// SHA-1 state.
    Sha1(sha1::Sha1),
    /// SHA-224 state.
    Sha224(sha2::Sha224),
    /// SHA-256 state.
    Sha256(sha2::Sha256),
    /// SHA-384 state.
    Sha384(sha2::Sha384),
    /// SHA-512 state.
    Sha512(sha2::Sha512),
}

impl Hasher {
    /// A fresh hasher for `kind`.
    pub fn new(kind: ChecksumKind) -> Hasher {
        match kind {
            ChecksumKind::Md5 => Hasher::Md5(md5::Md5::new()),
            ChecksumKind::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            ChecksumKind::Sha224 => Hasher::Sha224(sha2::Sha224::new()),
            ChecksumKind::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            ChecksumKind::Sha384 => Hasher::Sha384(sha2::Sha384::new()),
            ChecksumKind::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
        }
    }

    /// Feeds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Md5(h) => h.update(bytes),
            Hasher::Sha1(h) => h.update(bytes),
            Hasher::Sha224(h) => h.update(bytes),
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha384(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
    }

    /// The algorithm this hasher computes.
    pub fn kind(&self) -> ChecksumKind {
        match self {
            Hasher::Md5(_) => ChecksumKind::Md5,
            Hasher::Sha1(_) => ChecksumKind::Sha1,
            Hasher::Sha224(_) => ChecksumKind::Sha224,
            Hasher::Sha256(_) => ChecksumKind::Sha256,
            Hasher::Sha384(_) => ChecksumKind::Sha384,
            Hasher::Sha512(_) => ChecksumKind::Sha512,
        }
    }

    /// The digest of everything fed so far, with its algorithm.
    pub fn finish(self) -> Digest {
        Digest {
            kind: self.kind(),
            hex: self.finish_hex(),
        }
    }

    /// The lower-case hex digest.
    pub fn finish_hex(self) -> String {
        match self {
            Hasher::Md5(h) => hex::encode(h.finalize()),
            Hasher::Sha1(h) => hex::encode(h.finalize()),
            Hasher::Sha224(h) => hex::encode(h.finalize()),
            Hasher::Sha256(h) => hex::encode(h.finalize()),
            Hasher::Sha384(h) => hex::encode(h.finalize()),
            Hasher::Sha512(h) => hex::encode(h.finalize()),
        }
    }
}

/// The lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Hashes the whole file at `path` (streamed, one pass) and returns the
/// lower-case hex digest.
pub fn hash_file(path: &Path, kind: ChecksumKind) -> Result<String, RepodataError> {
    let mut file = ebranch_fs::open_regular(path).map_err(|e| RepodataError::io(path, e))?;
    let mut hasher = Hasher::new(kind);
    let mut buf = vec![0u8; CHUNK];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(RepodataError::io(path, e)),
        }
    }
    Ok(hasher.finish_hex())
}

/// Checks that the file at `path` has the hex digest `expected` under the
/// algorithm named `kind_name` (as written in repomd.xml).
pub fn verify_file(path: &Path, kind_name: &str, expected: &str) -> Result<(), RepodataError> {
    let Some(kind) = ChecksumKind::from_name(kind_name) else {
        return Err(RepodataError::UnsupportedChecksum {
            path: path.to_path_buf(),
            kind: kind_name.to_string(),
        });
    };
    let actual = hash_file(path, kind)?;
    if actual.eq_ignore_ascii_case(expected.trim()) {
        Ok(())
    } else {
        Err(RepodataError::ChecksumMismatch {
            path: path.to_path_buf(),
            kind: kind.name().to_string(),
            expected: expected.trim().to_string(),
            actual,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse() {
        assert_eq!(ChecksumKind::from_name("sha"), Some(ChecksumKind::Sha1));
        assert_eq!(
            ChecksumKind::from_name("SHA256"),
            Some(ChecksumKind::Sha256)
        );
        assert_eq!(ChecksumKind::from_name("crc32"), None);
    }

    #[test]
    fn metalink_spellings_and_strength_order() {
        assert_eq!(
            ChecksumKind::from_name(" sha-256 "),
            Some(ChecksumKind::Sha256)
        );
        assert_eq!(ChecksumKind::from_name("SHA-1"), Some(ChecksumKind::Sha1));
        assert!(ChecksumKind::Md5 < ChecksumKind::Sha1);
        assert!(ChecksumKind::Sha256 < ChecksumKind::Sha512);
    }

    #[test]
    fn digest_values() {
        let sha = Digest::new("sha256", "").unwrap().of_same_kind(b"abc");
        assert_eq!(
            sha.hex,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(sha, Digest::compute(ChecksumKind::Sha256, b"abc"));
        let md5 = Digest::new("MD5", " 900150983CD24FB0D6963F7D28E17F72\n").unwrap();
        assert!(md5.matches(b"abc"));
        assert!(!md5.matches(b"abd"));
        let sha1 = Digest::new("sha", "a9993e364706816aba3e25717850c26c9cd0d89d").unwrap();
        assert!(sha1.matches(b"abc"));
        assert_eq!(
            sha1.to_string(),
            "sha1:a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert!(Digest::new("crc32", "00").is_none());
        let mut hasher = Hasher::new(ChecksumKind::Sha512);
        hasher.update(b"a");
        hasher.update(b"bc");
        assert_eq!(hasher.kind(), ChecksumKind::Sha512);
        assert_eq!(
            hasher.finish(),
            Digest::compute(ChecksumKind::Sha512, b"abc")
        );
    }

    #[test]
    fn known_digests() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("abc");
        std::fs::write(&path, b"abc").unwrap();
        let cases = [
            (ChecksumKind::Md5, "900150983cd24fb0d6963f7d28e17f72"),
            (
                ChecksumKind::Sha1,
                "a9993e364706816aba3e25717850c26c9cd0d89d",
            ),
            (
                ChecksumKind::Sha256,
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
        ];
        for (kind, hex) in cases {
            assert_eq!(hash_file(&path, kind).unwrap(), hex);
            verify_file(&path, kind.name(), hex).unwrap();
        }
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        for kind in ["sha224", "sha384", "sha512"] {
            let k = ChecksumKind::from_name(kind).unwrap();
            let h = hash_file(&path, k).unwrap();
            verify_file(&path, kind, &h).unwrap();
        }
    }

    #[test]
    fn mismatch_names_file_expected_and_actual() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("abc");
        std::fs::write(&path, b"abc").unwrap();
        let err = verify_file(&path, "md5", "00").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("abc"), "{msg}");
        assert!(msg.contains("expected md5 00"), "{msg}");
        assert!(msg.contains("900150983cd24fb0d6963f7d28e17f72"), "{msg}");
        let err = verify_file(&path, "crc32", "00").unwrap_err();
        assert!(matches!(err, RepodataError::UnsupportedChecksum { .. }));
    }
}

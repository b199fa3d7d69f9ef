//! The error type of this crate.

use std::io;
use std::path::PathBuf;

use crate::compression::Compression;

/// Everything that can go wrong while reading repository metadata or its
/// cache. Each message is one line and names the file involved.
#[derive(Debug, thiserror::Error)]
pub enum RepodataError {
    /// `repodata/repomd.xml` does not exist in the repository directory.
    #[error("missing repository index {}: no such file", .path.display())]
    MissingRepomd {
        /// The path that was looked for.
        path: PathBuf,
    },

    /// `repomd.xml` has no record of a type that is required.
    #[error("{} has no '{record}' record", .repomd.display())]
    MissingRecord {
        /// The repomd.xml file.
        repomd: PathBuf,
        /// The record type, e.g. `primary`.
        record: String,
    },

    /// A record's `location href` would leave the repository directory.
    #[error("{}: refusing location {href:?}: not a relative path inside the repository", .repomd.display())]
    UnsafeLocation {
        /// The repomd.xml that lists it.
        repomd: PathBuf,
        /// The `href`.
        href: String,
    },

    /// A record listed in `repomd.xml` points to a file that does not exist.
    #[error("'{record}' file listed in {} is missing: {}", .repomd.display(), .path.display())]
    MissingRecordFile {
        /// The record type, e.g. `primary` or `filelists`.
        record: String,
        /// The file that was expected.
        path: PathBuf,
        /// The repomd.xml that lists it.
        repomd: PathBuf,
    },

    /// The checksum of a file does not match the one in `repomd.xml`.
    #[error("checksum mismatch for {}: expected {kind} {expected}, got {actual}", .path.display())]
    ChecksumMismatch {
        /// The file whose content was hashed.
        path: PathBuf,
        /// The checksum algorithm name as written in repomd.xml.
        kind: String,
        /// The expected hex digest.
        expected: String,
        /// The hex digest of the file as read.
        actual: String,
    },

    /// `repomd.xml` names a checksum algorithm this crate does not know.
    #[error("unsupported checksum type '{kind}' for {}", .path.display())]
    UnsupportedChecksum {
        /// The file the checksum belongs to.
        path: PathBuf,
        /// The algorithm name.
        kind: String,
    },

    /// The file starts with bytes that are neither a known compression
    /// format nor XML.
    #[error("unknown compression in {}: file starts with {magic}", .path.display())]
    UnknownCompression {
        /// The file.
        path: PathBuf,
        /// A hex dump of the first bytes (or a note that the file is empty).
        magic: String,
    },

    /// The compressed stream is corrupt or truncated.
    #[error("corrupt or truncated {format} data in {}: {message}", .path.display())]
    Decompress {
        /// The compressed file.
        path: PathBuf,
        /// The detected compression format.
        format: Compression,
        /// What the decompressor reported.
        message: String,
    },

    /// The (decompressed) XML is malformed or does not have the expected
    /// rpm-md shape. `position` is a byte offset in the decompressed XML.
    #[error("malformed XML in {} at byte {position}: {message}", .path.display())]
    MalformedXml {
        /// The metadata file.
        path: PathBuf,
        /// Byte offset in the decompressed document.
        position: u64,
        /// What is wrong.
        message: String,
    },

    /// The (decompressed) document is larger than allowed, as a whole or in one tag, text
    /// or comment: a decompression bomb or a damaged file. `position` is a byte offset in
    /// the decompressed document.
    #[error("oversized metadata in {} at byte {position}: {message}", .path.display())]
    Oversized {
        /// The metadata file.
        path: PathBuf,
        /// Byte offset in the decompressed document.
        position: u64,
        /// What is too large.
        message: String,
    },

    /// The document ended before its root element was closed: the file was
    /// truncated.
    #[error("truncated metadata in {}: document ends at byte {position} {detail}", .path.display())]
    Truncated {
        /// The metadata file.
        path: PathBuf,
        /// Byte offset in the decompressed document where it ended.
        position: u64,
        /// Where it ended, e.g. `before </metadata>`.
        detail: String,
    },

    /// The number of packages read differs from the root's `packages="N"`.
    #[error("package count mismatch in {}: root element declares {declared} packages, found {found}", .path.display())]
    PackageCount {
        /// The metadata file.
        path: PathBuf,
        /// The count in the root element.
        declared: u64,
        /// The number of `<package>` elements read.
        found: u64,
    },

    /// A file could not be opened or read.
    #[error("cannot read {}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },

    /// The cache file could not be written.
    #[error("cannot write cache {}: {source}", .path.display())]
    CacheWrite {
        /// The cache file (or its directory).
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },

    /// `modules.yaml` is not YAML, or exceeds a limit (size, nesting, entries).
    #[error("{}: {}{message}", .path.display(), if *.line > 0 { format!("line {line}: ") } else { String::new() })]
    Modules {
        /// The modules file.
        path: PathBuf,
        /// The line (1-based; 0 when not known).
        line: usize,
        /// What is wrong.
        message: String,
    },

    /// The repository is too large for the compact in-memory form (more
    /// than 4 GiB of strings or 2^32 records).
    #[error("repository {} is too large: {what} exceeds 2^32", .path.display())]
    TooLarge {
        /// The metadata file being read.
        path: PathBuf,
        /// What overflowed.
        what: &'static str,
    },
}

impl RepodataError {
    /// Builds an [`RepodataError::Io`] for `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        RepodataError::Io {
            path: path.into(),
            source,
        }
    }
}

/// Collapses a message to one line, so that every error stays one line.
pub(crate) fn one_line(message: impl std::fmt::Display) -> String {
    let text = message.to_string();
    if text.contains(['\n', '\r']) {
        text.split(['\n', '\r'])
            .filter(|part| !part.trim().is_empty())
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        text
    }
}

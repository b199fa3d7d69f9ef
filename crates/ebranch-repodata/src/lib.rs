//! Reading rpm-md repository metadata (repomd.xml, primary, filelists) from
//! a local directory into a compact in-memory form, [`RepoData`], plus a
//! binary cache of that form.
//!
//! Modules, one job each:
//! - [`compression`]: open a file, decompressing by magic bytes;
//! - [`checksum`]: verify files against repomd.xml checksums;
//! - [`repomd`]: parse `repodata/repomd.xml`;
//! - `primary` / `filelists`: streaming parsers of the metadata XML;
//! - [`strings`]: the string interner;
//! - [`repo`]: the [`RepoData`] model;
//! - `read`: [`read_repo`], putting the above together;
//! - [`cache`]: the binary cache and [`load_repo`].

pub mod cache;
pub mod checksum;
pub mod compression;
mod error;
mod fasthash;
mod filelists;
mod primary;
mod read;
pub mod repo;
pub mod repomd;
pub mod strings;
mod xml;

pub use cache::{CacheInvalid, CacheOutcome, cache_path, load_repo, read_cache, write_cache};
pub use checksum::ChecksumKind;
pub use compression::Compression;
pub use error::RepodataError;
pub use read::{read_repo, read_repo_with};
pub use repo::{
    DepKind, DepRecord, FLAG_EQ, FLAG_GT, FLAG_LT, FileKind, FileRecord, PackageRecord,
    ReadOptions, RepoData,
};
pub use repomd::{Checksum, Repomd, RepomdRecord};
pub use strings::{StrId, StringTable};

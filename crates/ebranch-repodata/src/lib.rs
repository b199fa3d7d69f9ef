//! Reading rpm-md repository metadata (repomd.xml, primary, filelists) from
//! a local directory into a compact in-memory form, [`RepoData`], plus a
//! binary cache of that form.
//!
//! What is read, and how it is normalised:
//! - files are decompressed by their magic bytes (gzip, xz, zstd, bzip2 or
//!   plain XML) on a second thread, and verified against the checksums in
//!   repomd.xml; record types other than primary and filelists(-ext) are
//!   ignored, so their files may be absent;
//! - every string is interned once per repository ([`StringTable`]);
//! - EVRs are text `E:V-R`, the epoch left out when empty or `0` and the
//!   release when empty; unversioned dependencies have `evr = StrId(0)`;
//! - requires on `rpmlib(...)` are dropped; rich dependencies (`(a or b)`)
//!   are kept verbatim as the dependency name;
//! - a package's files are those of filelists when filelists lists it,
//!   otherwise primary's `<file>`s; directories and ghosts are kept;
//! - a truncated or corrupt file is an error, never a short repository.
//!
//! Modules, one job each:
//! - [`compression`]: open a file, decompressing by magic bytes;
//! - [`checksum`]: verify files against repomd.xml checksums;
//! - [`repomd`]: parse `repodata/repomd.xml`;
//! - `primary` / `filelists`: streaming parsers of the metadata XML; `batch`: primary's
//!   packages are interned on a second thread, batch by batch;
//! - [`strings`]: the string interner;
//! - [`repo`]: the [`RepoData`] model;
//! - `read`: [`read_repo`], putting the above together;
//! - [`cache`]: the binary cache and [`load_repo`].

mod batch;
pub mod cache;
pub mod checksum;
pub mod compression;
mod error;
pub mod fasthash;
mod filelists;
pub mod guard;
pub mod modulemd;
mod primary;
mod read;
pub mod repo;
pub mod repomd;
pub mod strings;
mod tokens;
mod xml;

pub use cache::{
    CacheInvalid, CacheOutcome, FORMAT_ID, cache_path, load_repo, read_cache, write_atomically,
    write_cache,
};
pub use checksum::ChecksumKind;
pub use compression::Compression;
pub use error::RepodataError;
pub use modulemd::{ModuleDefaults, ModuleMetadata, ModuleStream, read_modules};
pub use read::{read_repo, read_repo_with};
pub use repo::{
    DepKind, DepRecord, FLAG_EQ, FLAG_GT, FLAG_LT, FileKind, FileRecord, PackageRecord,
    ReadOptions, RepoData,
};
pub use repomd::{Checksum, Repomd, RepomdRecord, safe_relative_path};
pub use strings::{StrId, StringTable};

/// Whether work is worth handing to a second thread (decompression, interning): when the
/// machine has more than one core.
pub(crate) fn has_second_core() -> bool {
    std::thread::available_parallelism().is_ok_and(|n| n.get() > 1)
}

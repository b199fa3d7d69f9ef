//! The package index: every loaded repository in one pool.
//!
//! A [`Pool`] is built from the [`RepoData`](ebranch_repodata::RepoData) of each repository
//! (as read by `ebranch-repodata`). Strings of all repositories are interned into one global
//! table, so a dependency name from any repository is a [`NameId`] that can be looked up in
//! the provides index directly; every distinct dependency is stored once ([`DepId`]).
//!
//! [`Pool::whatprovides`] answers exactly like libsolv's `pool_whatprovides` with rpm
//! semantics: provides by name with rpm's range overlap, an implicit `name = evr`
//! self-provide for every binary package, file dependencies from `<file>` entries and
//! filelists (ghost and directory entries count), rich dependencies evaluated over provider
//! sets. Source packages (`arch=src`) and packages of arches outside the [`ArchSet`] are
//! never providers.

mod arch;
mod build;
mod error;
mod ids;
mod image;
mod package;
mod pool;
mod provides;
mod rich;
mod strings;
mod whatrequires;

pub use arch::ArchSet;
pub use error::IndexError;
pub use ids::{DepId, NameId, PkgId, RepoId};
pub use image::{POOL_FORMAT_ID, PoolKey, evict_images, touch_image};
pub use package::{DepRef, PackageRef, source_name_of_rpm};
pub use pool::{Pool, RepoInput};
pub use rich::RichTable;

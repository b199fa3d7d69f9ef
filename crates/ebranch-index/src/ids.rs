//! Integer ids of the pool.

/// A string of the pool's global string table (names, EVRs, paths).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NameId(pub u32);

/// A package of the pool (global over all repositories).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PkgId(pub u32);

/// A distinct dependency of the pool (name, flags, EVR and the `pre` mark): every
/// package that carries the same dependency shares its id, so answers can be memoised
/// per id in a dense table (see [`crate::Pool::dep_count`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DepId(pub u32);

impl DepId {
    /// Index into dense per-dependency tables.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A repository of the pool, in the order they were given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RepoId(pub u32);

impl NameId {
    /// The empty string (an unversioned dependency's EVR, an empty `sourcerpm`).
    pub const EMPTY: NameId = NameId(0);

    /// Index into dense per-name tables.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl PkgId {
    /// Index into dense per-package tables.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl RepoId {
    /// Index into per-repository tables.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

//! The compact in-memory form of one repository: [`RepoData`].

use crate::strings::{StrId, StringTable};

/// A kind of dependency. The discriminant is the index used in
/// [`PackageRecord`] offsets; [`DepKind::ALL`] lists them in that order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DepKind {
    /// `rpm:provides`.
    Provides = 0,
    /// `rpm:requires` (BuildRequires for source packages).
    Requires = 1,
    /// `rpm:conflicts`.
    Conflicts = 2,
    /// `rpm:obsoletes`.
    Obsoletes = 3,
    /// `rpm:recommends`.
    Recommends = 4,
    /// `rpm:suggests`.
    Suggests = 5,
    /// `rpm:supplements`.
    Supplements = 6,
    /// `rpm:enhances`.
    Enhances = 7,
}

impl DepKind {
    /// Every kind, in index order.
    pub const ALL: [DepKind; 8] = [
        DepKind::Provides,
        DepKind::Requires,
        DepKind::Conflicts,
        DepKind::Obsoletes,
        DepKind::Recommends,
        DepKind::Suggests,
        DepKind::Supplements,
        DepKind::Enhances,
    ];

    /// The kind's index, 0 to 7.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The kind for a primary.xml element name such as `rpm:requires`.
    pub fn from_element(qname: &str) -> Option<DepKind> {
        Some(match qname {
            "rpm:provides" => DepKind::Provides,
            "rpm:requires" => DepKind::Requires,
            "rpm:conflicts" => DepKind::Conflicts,
            "rpm:obsoletes" => DepKind::Obsoletes,
            "rpm:recommends" => DepKind::Recommends,
            "rpm:suggests" => DepKind::Suggests,
            "rpm:supplements" => DepKind::Supplements,
            "rpm:enhances" => DepKind::Enhances,
            _ => return None,
        })
    }

    /// The lower-case name, e.g. `requires`.
    pub fn name(self) -> &'static str {
        match self {
            DepKind::Provides => "provides",
            DepKind::Requires => "requires",
            DepKind::Conflicts => "conflicts",
            DepKind::Obsoletes => "obsoletes",
            DepKind::Recommends => "recommends",
            DepKind::Suggests => "suggests",
            DepKind::Supplements => "supplements",
            DepKind::Enhances => "enhances",
        }
    }
}

/// rpm sense bit: less than.
pub const FLAG_LT: u8 = 2;
/// rpm sense bit: greater than.
pub const FLAG_GT: u8 = 4;
/// rpm sense bit: equal.
pub const FLAG_EQ: u8 = 8;

/// One dependency entry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DepRecord {
    /// The dependency name; a rich dependency (`(a or b)`) is stored verbatim.
    pub name: StrId,
    /// The `E:V-R` text, or `StrId(0)` when unversioned.
    pub evr: StrId,
    /// rpm sense bits: [`FLAG_LT`], [`FLAG_GT`], [`FLAG_EQ`]; 0 when unversioned.
    pub flags: u8,
    /// `pre="1"`: needed by a scriptlet.
    pub pre: bool,
}

/// What a file list entry is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum FileKind {
    /// A regular file (no `type` attribute).
    #[default]
    File = 0,
    /// `type="dir"`.
    Dir = 1,
    /// `type="ghost"`.
    Ghost = 2,
}

impl FileKind {
    /// The kind for a `<file type="…">` attribute value (`None` = no attribute).
    pub fn from_attr(value: Option<&str>) -> Option<FileKind> {
        match value {
            None | Some("" | "file") => Some(FileKind::File),
            Some("dir") => Some(FileKind::Dir),
            Some("ghost") => Some(FileKind::Ghost),
            Some(_) => None,
        }
    }

    /// The kind for its `u8` code.
    pub fn from_u8(code: u8) -> Option<FileKind> {
        match code {
            0 => Some(FileKind::File),
            1 => Some(FileKind::Dir),
            2 => Some(FileKind::Ghost),
            _ => None,
        }
    }
}

/// One file list entry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FileRecord {
    /// The full path.
    pub path: StrId,
    /// File, directory or ghost.
    pub kind: FileKind,
}

/// One package. Its dependencies and files live in [`RepoData::deps`] and
/// [`RepoData::files`]; read them with [`RepoData::deps`] and [`RepoData::files`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PackageRecord {
    /// Package name.
    pub name: StrId,
    /// Architecture (`x86_64`, `noarch`, `src`, …).
    pub arch: StrId,
    /// `E:V-R` text (epoch omitted when 0, release omitted when empty).
    pub evr: StrId,
    /// `rpm:sourcerpm`, empty for source packages.
    pub sourcerpm: StrId,
    /// `location href` relative to the repository root.
    pub location: StrId,
    /// The package checksum (`checksum pkgid="YES"`), kept only when a filelists document
    /// was joined by it (else empty).
    pub pkgid: StrId,
    pub(crate) deps: [u32; 9],
    pub(crate) files: (u32, u32),
}

impl PackageRecord {
    /// The range of this package's dependencies of `kind` in [`RepoData::deps`].
    pub fn dep_range(&self, kind: DepKind) -> std::ops::Range<usize> {
        let k = kind.index();
        self.deps[k] as usize..self.deps[k + 1] as usize
    }

    /// The range of all this package's dependencies in [`RepoData::deps`].
    pub fn all_deps_range(&self) -> std::ops::Range<usize> {
        self.deps[0] as usize..self.deps[8] as usize
    }

    /// The range of this package's files in [`RepoData::files`].
    pub fn file_range(&self) -> std::ops::Range<usize> {
        self.files.0 as usize..self.files.1 as usize
    }
}

/// Options for reading a repository.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadOptions {
    /// Read `filelists` (or `filelists-ext`) when repomd.xml lists it.
    pub filelists: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { filelists: true }
    }
}

impl ReadOptions {
    /// A small number identifying the options that change what is read,
    /// stored in caches so that a cache made with other options is not used.
    pub fn fingerprint(&self) -> u32 {
        u32::from(self.filelists)
    }
}

/// One repository's packages, dependencies and files in compact form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RepoData {
    /// Every string of the repository.
    pub strings: StringTable,
    /// The packages, in metadata order.
    pub packages: Vec<PackageRecord>,
    /// All dependency entries, grouped by package and then by kind.
    pub deps: Vec<DepRecord>,
    /// All file entries, grouped by package.
    pub files: Vec<FileRecord>,
    /// Hex SHA-256 of the repomd.xml this data was read from.
    pub repomd_checksum: String,
    /// Whether file lists came from filelists(-ext) (else only primary's).
    pub has_filelists: bool,
}

impl RepoData {
    /// The dependencies of kind `kind` of package number `pkg`.
    pub fn deps(&self, pkg: usize, kind: DepKind) -> &[DepRecord] {
        &self.deps[self.packages[pkg].dep_range(kind)]
    }

    /// All dependencies of package number `pkg`, ordered by kind.
    pub fn all_deps(&self, pkg: usize) -> &[DepRecord] {
        &self.deps[self.packages[pkg].all_deps_range()]
    }

    /// The files of package number `pkg`.
    pub fn files(&self, pkg: usize) -> &[FileRecord] {
        &self.files[self.packages[pkg].file_range()]
    }

    /// The string for `id`.
    pub fn str(&self, id: StrId) -> &str {
        self.strings.get(id)
    }

    /// Number of packages.
    pub fn len(&self) -> usize {
        self.packages.len()
    }

    /// Whether there are no packages.
    pub fn is_empty(&self) -> bool {
        self.packages.is_empty()
    }

    /// `name-evr.arch` of package number `pkg`, for messages.
    pub fn nevra(&self, pkg: usize) -> String {
        let p = &self.packages[pkg];
        format!(
            "{}-{}.{}",
            self.str(p.name),
            self.str(p.evr),
            self.str(p.arch)
        )
    }

    /// Approximate heap bytes used.
    pub fn heap_bytes(&self) -> usize {
        self.strings.heap_bytes()
            + self.packages.capacity() * std::mem::size_of::<PackageRecord>()
            + self.deps.capacity() * std::mem::size_of::<DepRecord>()
            + self.files.capacity() * std::mem::size_of::<FileRecord>()
    }
}

/// Appends the rpm EVR text `E:V-R` for the given parts to `out`: the epoch
/// is left out when empty or `0`, the release when empty.
pub fn push_evr(out: &mut String, epoch: &str, ver: &str, rel: &str) {
    if !epoch.is_empty() && epoch != "0" {
        out.push_str(epoch);
        out.push(':');
    }
    out.push_str(ver);
    if !rel.is_empty() {
        out.push('-');
        out.push_str(rel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evr_text() {
        let evr = |e, v, r| {
            let mut s = String::new();
            push_evr(&mut s, e, v, r);
            s
        };
        assert_eq!(evr("0", "1.2", "3.fc45"), "1.2-3.fc45");
        assert_eq!(evr("", "1.2", "3"), "1.2-3");
        assert_eq!(evr("2", "1.2", ""), "2:1.2");
        assert_eq!(evr("1", "1.2.3", "4~"), "1:1.2.3-4~");
    }

    #[test]
    fn dep_kinds_index_in_order() {
        for (i, k) in DepKind::ALL.iter().enumerate() {
            assert_eq!(k.index(), i);
            let tag = format!("rpm:{}", k.name());
            assert_eq!(DepKind::from_element(&tag), Some(*k));
        }
        assert_eq!(DepKind::from_element("rpm:entry"), None);
    }

    #[test]
    fn file_kinds() {
        assert_eq!(FileKind::from_attr(None), Some(FileKind::File));
        assert_eq!(FileKind::from_attr(Some("dir")), Some(FileKind::Dir));
        assert_eq!(FileKind::from_attr(Some("ghost")), Some(FileKind::Ghost));
        assert_eq!(FileKind::from_attr(Some("weird")), None);
        for k in [FileKind::File, FileKind::Dir, FileKind::Ghost] {
            assert_eq!(FileKind::from_u8(k as u8), Some(k));
        }
        assert_eq!(FileKind::from_u8(3), None);
    }
}

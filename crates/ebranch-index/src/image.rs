//! Pool images: a built pool written to one file, so that a later run over the same
//! repositories reads it back instead of interning and indexing again.
//!
//! An image is found by its [`PoolKey`] (the repositories' repomd.xml checksums and read
//! options, in order, and the arch set) and belongs to one build of ebranch
//! ([`POOL_FORMAT_ID`]). It is read into the pool's own arrays section by section, checked
//! against a checksum of every byte and then for structure (every id in range, every
//! offset ordered), so a damaged, truncated, foreign or stale file is refused with a
//! [`CacheInvalid`] reason and rebuilt, never trusted and never a panic.
//!
//! Layout (integers little-endian):
//!
//! | offset | content |
//! |---|---|
//! | 0 | magic `EBRPOOL1` |
//! | 8 | format version (u32) |
//! | 12 | checksum (u64) of every byte from offset 20 to the end |
//! | 20 | [`POOL_FORMAT_ID`] (u64) |
//! | 28 | key length (u32), key bytes |
//! | … | sections, each a byte length (u64) and its bytes: repositories, string arena, string offsets, string index, packages, dependency starts, occurrences, distinct dependencies, file starts, file paths, then offsets and entries of the provides, file, name and source indexes, and the rich dependency ids |
//!
//! No `unsafe` and no memory map: each section is read in chunks into its final array
//! (the decoding loop compiles to a copy). A map would save that copy, but it would need
//! `unsafe`, and a file truncated by someone else while mapped kills the process.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use ebranch_repodata::fasthash::{FNV_OFFSET, FastHasher, const_fnv1a};
use ebranch_repodata::{CacheInvalid, RepodataError, write_atomically};

use crate::arch::ArchSet;
use crate::ids::PkgId;
use crate::pool::{Csr, DEP_MASK, DepRow, PkgRow, Pool, Provide, RepoSlot};
use crate::rich::RichTable;
use crate::strings::Strings;

const MAGIC: &[u8; 8] = b"EBRPOOL1";
/// Bump when the layout or the meaning of an image changes.
const FORMAT_VERSION: u32 = 1;
/// Offset of the first checksummed byte.
const HASHED_FROM: usize = 20;
/// Longest accepted key.
const MAX_KEY: u32 = 1 << 20;
/// Bytes read and checksummed at a time.
const CHUNK: usize = 256 * 1024;

/// Identifies the code that defines an image: the parsed data's format
/// ([`ebranch_repodata::FORMAT_ID`]), this crate's version, [`FORMAT_VERSION`] and the
/// text of the modules that build and lay out a pool.
pub const POOL_FORMAT_ID: u64 = {
    let mut h = const_fnv1a(FNV_OFFSET, &ebranch_repodata::FORMAT_ID.to_le_bytes());
    h = const_fnv1a(h, env!("CARGO_PKG_VERSION").as_bytes());
    h = const_fnv1a(h, &FORMAT_VERSION.to_le_bytes());
    h = const_fnv1a(h, include_bytes!("image.rs"));
    h = const_fnv1a(h, include_bytes!("build.rs"));
    h = const_fnv1a(h, include_bytes!("pool.rs"));
    h = const_fnv1a(h, include_bytes!("strings.rs"));
    h = const_fnv1a(h, include_bytes!("arch.rs"));
    const_fnv1a(h, include_bytes!("package.rs"))
};

/// What a pool image is built from: each repository's repomd.xml checksum and read-options
/// fingerprint, in pool order, and the accepted arches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolKey {
    text: String,
}

impl PoolKey {
    /// The key of a pool over repositories given as (repomd.xml SHA-256, options
    /// fingerprint), in order, with `arches`.
    pub fn new<'a>(repos: impl IntoIterator<Item = (&'a str, u32)>, arches: &ArchSet) -> Self {
        let mut text = String::new();
        for (checksum, options) in repos {
            text.push_str(&format!("repo {checksum} o{options}\n"));
        }
        text.push_str(&format!("arches {}\n", arches.arches().join(" ")));
        PoolKey { text }
    }

    /// The image's file name: `pool-<hash of the key>.idx`.
    pub fn file_name(&self) -> String {
        format!(
            "pool-{:016x}.idx",
            ebranch_repodata::fasthash::hash(self.text.as_bytes())
        )
    }
}

/// A value stored in an image as little-endian `u32` words.
trait Words: Sized {
    const WORDS: usize;
    fn put(&self, out: &mut Vec<u8>);
    fn take(bytes: &[u8]) -> Self;
}

#[inline(always)]
fn word(bytes: &[u8], i: usize) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&bytes[4 * i..4 * i + 4]);
    u32::from_le_bytes(w)
}

fn put_words(out: &mut Vec<u8>, words: &[u32]) {
    for w in words {
        out.extend_from_slice(&w.to_le_bytes());
    }
}

impl Words for u32 {
    const WORDS: usize = 1;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    #[inline(always)]
    fn take(b: &[u8]) -> Self {
        word(b, 0)
    }
}

impl Words for PkgId {
    const WORDS: usize = 1;
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.0.to_le_bytes());
    }
    #[inline(always)]
    fn take(b: &[u8]) -> Self {
        PkgId(word(b, 0))
    }
}

impl Words for Provide {
    const WORDS: usize = 2;
    fn put(&self, out: &mut Vec<u8>) {
        put_words(out, &[self.pkg, self.dep]);
    }
    #[inline(always)]
    fn take(b: &[u8]) -> Self {
        Provide {
            pkg: word(b, 0),
            dep: word(b, 1),
        }
    }
}

impl Words for DepRow {
    const WORDS: usize = 3;
    fn put(&self, out: &mut Vec<u8>) {
        put_words(out, &[self.name, self.evr, self.flags]);
    }
    #[inline(always)]
    fn take(b: &[u8]) -> Self {
        DepRow {
            name: word(b, 0),
            evr: word(b, 1),
            flags: word(b, 2),
        }
    }
}

impl Words for PkgRow {
    const WORDS: usize = 7;
    fn put(&self, out: &mut Vec<u8>) {
        let r = self;
        put_words(
            out,
            &[
                r.name,
                r.arch,
                r.evr,
                r.sourcerpm,
                r.location,
                r.source,
                r.flags,
            ],
        );
    }
    #[inline(always)]
    fn take(b: &[u8]) -> Self {
        PkgRow {
            name: word(b, 0),
            arch: word(b, 1),
            evr: word(b, 2),
            sourcerpm: word(b, 3),
            location: word(b, 4),
            source: word(b, 5),
            flags: word(b, 6),
        }
    }
}

/// Writes sections, checksumming every byte.
struct Writer<W: Write> {
    out: W,
    hasher: FastHasher,
    scratch: Vec<u8>,
}

impl<W: Write> Writer<W> {
    fn raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.hasher.update(bytes);
        self.out.write_all(bytes)
    }

    fn bytes(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.raw(&(bytes.len() as u64).to_le_bytes())?;
        for chunk in bytes.chunks(CHUNK) {
            self.raw(chunk)?;
        }
        Ok(())
    }

    fn rows<T: Words>(&mut self, rows: &[T]) -> io::Result<()> {
        self.raw(&((rows.len() * T::WORDS * 4) as u64).to_le_bytes())?;
        let per_chunk = (CHUNK / (T::WORDS * 4)).max(1);
        for chunk in rows.chunks(per_chunk) {
            let mut scratch = std::mem::take(&mut self.scratch);
            scratch.clear();
            for r in chunk {
                r.put(&mut scratch);
            }
            self.raw(&scratch)?;
            self.scratch = scratch;
        }
        Ok(())
    }

    fn csr<T: Words>(&mut self, csr: &Csr<T>) -> io::Result<()> {
        self.rows(&csr.offsets)?;
        self.rows(&csr.entries)
    }
}

impl Pool {
    /// Writes the pool to `path` as an image for `key` (atomically: a temporary file renamed
    /// over `path`).
    pub fn write_image(&self, key: &PoolKey, path: &Path) -> Result<(), RepodataError> {
        write_atomically(path, |file| {
            let checksum = {
                let mut w = Writer {
                    out: BufWriter::with_capacity(CHUNK, &mut *file),
                    hasher: FastHasher::new(),
                    scratch: Vec::with_capacity(CHUNK + 64),
                };
                w.out.write_all(MAGIC)?;
                w.out.write_all(&FORMAT_VERSION.to_le_bytes())?;
                w.out.write_all(&0u64.to_le_bytes())?;
                w.raw(&POOL_FORMAT_ID.to_le_bytes())?;
                w.raw(&(key.text.len() as u32).to_le_bytes())?;
                w.raw(key.text.as_bytes())?;
                self.write_sections(&mut w)?;
                w.out.flush()?;
                w.hasher.finish()
            };
            file.seek(SeekFrom::Start(12))?;
            file.write_all(&checksum.to_le_bytes())
        })
    }

    fn write_sections<W: Write>(&self, w: &mut Writer<W>) -> io::Result<()> {
        let repos: Vec<u32> = self
            .repos
            .iter()
            .flat_map(|r| [r.first_pkg, r.len])
            .collect();
        w.rows(&repos)?;
        w.bytes(self.strings.arena.as_bytes())?;
        w.rows(&self.strings.offsets)?;
        w.rows(&self.strings.slots)?;
        w.rows(&self.pkgs)?;
        w.rows(&self.dep_start)?;
        w.rows(&self.dep_occ)?;
        w.rows(&self.deps)?;
        w.rows(&self.file_start)?;
        w.rows(&self.file_paths)?;
        w.csr(&self.provides)?;
        w.csr(&self.files)?;
        w.csr(&self.by_name)?;
        w.csr(&self.by_source)?;
        w.rows(&self.rich_table.ids)
    }

    /// Reads the image at `path` if it was written for `key` by this build and is intact;
    /// `labels` name the repositories (one per repository of the key) and `arches` must be
    /// the key's. Otherwise says why it is not usable.
    pub fn read_image(
        path: &Path,
        key: &PoolKey,
        labels: Vec<String>,
        arches: ArchSet,
    ) -> Result<Pool, CacheInvalid> {
        let mut r = Reader::open(path)?;
        r.header(key)?;
        let repos = r.rows::<u32>()?;
        let arena = r.bytes()?;
        let offsets = r.rows()?;
        let slots = r.rows()?;
        let pkgs = r.rows()?;
        let dep_start = r.rows()?;
        let dep_occ = r.rows()?;
        let deps = r.rows()?;
        let file_start = r.rows()?;
        let file_paths = r.rows()?;
        let provides = r.csr()?;
        let files = r.csr()?;
        let by_name = r.csr()?;
        let by_source = r.csr()?;
        let rich_ids = r.rows()?;
        r.finish()?;
        let arena = String::from_utf8(arena).map_err(|_| CacheInvalid::Corrupt("string arena"))?;
        let pool = Pool {
            strings: Strings {
                arena,
                offsets,
                slots,
            },
            repos: repo_slots(&repos, labels)?,
            arches,
            pkgs,
            dep_start,
            dep_occ,
            deps,
            file_start,
            file_paths,
            provides,
            files,
            by_name,
            by_source,
            rich_table: RichTable::unparsed(rich_ids),
        };
        pool.validate().map_err(CacheInvalid::Corrupt)?;
        Ok(pool)
    }

    /// Checks every id and offset of a pool read from an image.
    fn validate(&self) -> Result<(), &'static str> {
        self.strings.validate()?;
        let strings = self.strings.len() as u32;
        let pkgs = self.pkgs.len() as u32;
        let deps = self.deps.len() as u32;
        if self.repos.last().map_or(0, |r| r.first_pkg + r.len) != pkgs {
            return Err("repository package counts");
        }
        let bad_pkg = self.pkgs.iter().fold(false, |bad, p| {
            let max = p.name.max(p.arch).max(p.evr).max(p.sourcerpm);
            bad | (max.max(p.location).max(p.source) >= strings) | (p.flags > 3)
        });
        if bad_pkg {
            return Err("package");
        }
        check_starts(&self.dep_start, self.pkgs.len() + 1, self.dep_occ.len())
            .ok_or("dependency starts")?;
        if !all_below(self.dep_occ.iter().map(|o| o & DEP_MASK), deps) {
            return Err("dependency occurrence");
        }
        if !all_below(self.deps.iter().map(|d| d.name.max(d.evr)), strings) {
            return Err("dependency");
        }
        check_starts(&self.file_start, self.pkgs.len() + 1, self.file_paths.len())
            .ok_or("file starts")?;
        if !all_below(self.file_paths.iter().copied(), strings) {
            return Err("file path");
        }
        check_csr(&self.provides, strings).ok_or("provides index")?;
        let bad_provide = self
            .provides
            .entries
            .iter()
            .fold(false, |bad, e| bad | (e.pkg >= pkgs) | (e.dep >= deps));
        if bad_provide {
            return Err("provides entry");
        }
        for csr in [&self.files, &self.by_name, &self.by_source] {
            check_csr(csr, strings).ok_or("package index")?;
            if !all_below(csr.entries.iter().map(|p| p.0), pkgs) {
                return Err("package index entry");
            }
        }
        if !all_below(self.rich_table.ids.iter().copied(), strings) {
            return Err("rich dependency");
        }
        Ok(())
    }
}

/// Whether every value is below `bound`. One pass with no early exit, which the compiler
/// turns into vector code: an image is checked whole, and a damaged one is rare.
pub(crate) fn all_below(values: impl Iterator<Item = u32>, bound: u32) -> bool {
    !values.fold(false, |bad, v| bad | (v >= bound))
}

/// Whether `values` never decrease (one pass, no early exit, as [`all_below`]).
pub(crate) fn never_decreasing(values: &[u32]) -> bool {
    let next = values.iter().skip(1);
    !values
        .iter()
        .zip(next)
        .fold(false, |bad, (a, b)| bad | (a > b))
}

/// Offsets that start at 0, never decrease and end at `end`, `len` of them.
fn check_starts(starts: &[u32], len: usize, end: usize) -> Option<()> {
    let ok = starts.len() == len
        && starts.first() == Some(&0)
        && never_decreasing(starts)
        && starts.last().map(|&e| e as usize) == Some(end);
    ok.then_some(())
}

/// A name index keyed by string ids, with consistent offsets.
fn check_csr<T>(csr: &Csr<T>, strings: u32) -> Option<()> {
    let keys = csr.offsets.len().checked_sub(1)?;
    (keys <= strings as usize).then_some(())?;
    check_starts(&csr.offsets, keys + 1, csr.entries.len())
}

/// The repositories of an image (`[first package, count]` pairs), one per label.
fn repo_slots(pairs: &[u32], labels: Vec<String>) -> Result<Vec<RepoSlot>, CacheInvalid> {
    if pairs.len() != 2 * labels.len() {
        return Err(CacheInvalid::Corrupt("repository count"));
    }
    let mut next = 0u32;
    let mut slots = Vec::with_capacity(labels.len());
    for (pair, label) in pairs.chunks_exact(2).zip(labels) {
        if pair[0] != next {
            return Err(CacheInvalid::Corrupt("repository package ranges"));
        }
        next = pair[0]
            .checked_add(pair[1])
            .ok_or(CacheInvalid::Corrupt("repository package ranges"))?;
        slots.push(RepoSlot {
            label,
            first_pkg: pair[0],
            len: pair[1],
        });
    }
    Ok(slots)
}

/// Reads sections, checksumming every byte and never reading past the file's size.
struct Reader {
    file: File,
    hasher: FastHasher,
    checksum: u64,
    /// Bytes of the file not read yet.
    left: u64,
    buf: Vec<u8>,
}

fn read_error(e: io::Error) -> CacheInvalid {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        CacheInvalid::Truncated
    } else {
        CacheInvalid::Unreadable(e.to_string())
    }
}

impl Reader {
    fn open(path: &Path) -> Result<Reader, CacheInvalid> {
        // Never a FIFO or a device in place of the image: they would hang the run.
        let mut file = match ebranch_fs::open_regular(path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(CacheInvalid::Missing),
            Err(e) => return Err(CacheInvalid::Unreadable(e.to_string())),
        };
        let len = file
            .metadata()
            .map_err(|e| CacheInvalid::Unreadable(e.to_string()))?
            .len();
        let mut head = [0u8; HASHED_FROM];
        file.read_exact(&mut head)
            .map_err(|e| match read_error(e) {
                CacheInvalid::Truncated => CacheInvalid::BadMagic,
                other => other,
            })?;
        if &head[..8] != MAGIC {
            return Err(CacheInvalid::BadMagic);
        }
        let version = word(&head, 2);
        if version != FORMAT_VERSION {
            return Err(CacheInvalid::Version(version));
        }
        let mut checksum = [0u8; 8];
        checksum.copy_from_slice(&head[12..20]);
        Ok(Reader {
            file,
            hasher: FastHasher::new(),
            checksum: u64::from_le_bytes(checksum),
            left: len - HASHED_FROM as u64,
            buf: Vec::with_capacity(CHUNK),
        })
    }

    /// Reads exactly `out.len()` bytes into `out`, checksummed.
    fn exact(&mut self, out: &mut [u8]) -> Result<(), CacheInvalid> {
        if out.len() as u64 > self.left {
            return Err(CacheInvalid::Truncated);
        }
        self.file.read_exact(out).map_err(read_error)?;
        self.left -= out.len() as u64;
        self.hasher.update(out);
        Ok(())
    }

    fn u32(&mut self) -> Result<u32, CacheInvalid> {
        let mut b = [0u8; 4];
        self.exact(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn u64(&mut self) -> Result<u64, CacheInvalid> {
        let mut b = [0u8; 8];
        self.exact(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn header(&mut self, key: &PoolKey) -> Result<(), CacheInvalid> {
        if self.u64()? != POOL_FORMAT_ID {
            return Err(CacheInvalid::OtherBuild);
        }
        let len = self.u32()?;
        if len > MAX_KEY {
            return Err(CacheInvalid::Corrupt("key length"));
        }
        let mut text = vec![0u8; len as usize];
        self.exact(&mut text)?;
        if text != key.text.as_bytes() {
            return Err(CacheInvalid::StaleKey);
        }
        Ok(())
    }

    /// The length of the next section, which must fit in what is left of the file.
    fn section_len(&mut self) -> Result<usize, CacheInvalid> {
        let len = self.u64()?;
        if len > self.left {
            return Err(CacheInvalid::Truncated);
        }
        Ok(len as usize)
    }

    fn bytes(&mut self) -> Result<Vec<u8>, CacheInvalid> {
        let len = self.section_len()?;
        let mut out = vec![0u8; len];
        for chunk in out.chunks_mut(CHUNK) {
            self.exact(chunk)?;
        }
        Ok(out)
    }

    fn rows<T: Words>(&mut self) -> Result<Vec<T>, CacheInvalid> {
        let len = self.section_len()?;
        let size = T::WORDS * 4;
        if len % size != 0 {
            return Err(CacheInvalid::Corrupt("section length"));
        }
        let mut out = Vec::with_capacity(len / size);
        let per_chunk = (CHUNK / size).max(1) * size;
        let mut buf = std::mem::take(&mut self.buf);
        let mut left = len;
        while left > 0 {
            let n = left.min(per_chunk);
            buf.resize(n, 0);
            self.exact(&mut buf)?;
            out.extend(buf.chunks_exact(size).map(T::take));
            left -= n;
        }
        self.buf = buf;
        Ok(out)
    }

    fn csr<T: Words>(&mut self) -> Result<Csr<T>, CacheInvalid> {
        Ok(Csr {
            offsets: self.rows()?,
            entries: self.rows()?,
        })
    }

    /// Checks that the whole file was read and that its checksum matches.
    fn finish(self) -> Result<(), CacheInvalid> {
        if self.left != 0 {
            return Err(CacheInvalid::Truncated);
        }
        if self.hasher.finish() != self.checksum {
            return Err(CacheInvalid::Checksum);
        }
        Ok(())
    }
}

/// Keeps the `keep` most recently used pool images in `dir` and deletes the others.
pub fn evict_images(dir: &Path, keep: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut images: Vec<(std::time::SystemTime, std::path::PathBuf)> = entries
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("pool-") && name.ends_with(".idx")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    images.sort_by_key(|image| std::cmp::Reverse(image.0));
    for (_, path) in images.into_iter().skip(keep) {
        let _ = std::fs::remove_file(path);
    }
}

/// Marks the image at `path` as just used (for [`evict_images`]); best effort.
pub fn touch_image(path: &Path) {
    if let Ok(file) = ebranch_fs::open_regular(path) {
        let _ = file.set_modified(std::time::SystemTime::now());
    }
}

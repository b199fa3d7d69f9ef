//! Pool images: a built pool written to one file, so that a later run over the same
//! repositories reads it back instead of interning and indexing again.
//!
//! An image is found by its [`PoolKey`] (the repositories' repomd.xml checksums and read
//! options, in order, and the arch set) and belongs to one build of ebranch
//! ([`POOL_FORMAT_ID`]). Its header ends with a table of the sections (length and
//! checksum of each), so the sections are read, checked against their checksums, decoded
//! into the pool's own arrays and checked for structure (every id in range, every offset
//! ordered) in two threads at once. A damaged, truncated, foreign or stale file is
//! refused with a [`CacheInvalid`] reason and rebuilt, never trusted and never a panic.
//!
//! Layout (integers little-endian):
//!
//! | offset | content |
//! |---|---|
//! | 0 | magic `EBRPOOL1` |
//! | 8 | format version (u32) |
//! | 12 | checksum (u64) of the rest of the header: from offset 20 to the end of the section table |
//! | 20 | [`POOL_FORMAT_ID`] (u64) |
//! | 28 | key length (u32), key bytes |
//! | … | section count (u32), then per section its byte length (u64) and the checksum (u64) of its bytes |
//! | … | the sections' bytes, back to back in table order (see [`sec`]) |
//!
//! No `unsafe` and no memory map: each section is read in chunks into its final array
//! (the decoding loop compiles to a copy). A map would save that copy, but it would need
//! `unsafe`, and a file truncated by someone else while mapped kills the process.

use std::cmp::Reverse;
use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use ebranch_repodata::fasthash::{FNV_OFFSET, FastHasher, const_fnv1a};
use ebranch_repodata::{CacheInvalid, RepodataError, write_atomically};

use crate::arch::ArchSet;
use crate::ids::PkgId;
use crate::pool::{Csr, DEP_MASK, DepRow, PkgRow, Pool, Provide, RepoSlot};
use crate::rich::RichTable;
use crate::strings::{self, Strings};

const MAGIC: &[u8; 8] = b"EBRPOOL1";
/// Bump when the layout or the meaning of an image changes.
const FORMAT_VERSION: u32 = 2;
/// Offset of the first checksummed byte of the header.
const HASHED_FROM: usize = 20;
/// Offset of the key (after its length).
const KEY_AT: usize = 32;
/// Longest accepted key.
const MAX_KEY: u32 = 1 << 20;
/// Bytes read and checksummed at a time.
const CHUNK: usize = 256 * 1024;
/// Bytes of one section table entry: length and checksum.
const ENTRY_BYTES: usize = 16;

/// The sections of an image, in file order: their indexes in the section table.
mod sec {
    pub const REPOS: usize = 0;
    pub const ARENA: usize = 1;
    pub const STR_OFFSETS: usize = 2;
    pub const STR_SLOTS: usize = 3;
    pub const PKGS: usize = 4;
    pub const DEP_START: usize = 5;
    pub const DEP_OCC: usize = 6;
    pub const DEPS: usize = 7;
    pub const FILE_START: usize = 8;
    pub const FILE_PATHS: usize = 9;
    pub const PROVIDES_OFFSETS: usize = 10;
    pub const PROVIDES: usize = 11;
    pub const FILES_OFFSETS: usize = 12;
    pub const FILES: usize = 13;
    pub const BY_NAME_OFFSETS: usize = 14;
    pub const BY_NAME: usize = 15;
    pub const BY_SOURCE_OFFSETS: usize = 16;
    pub const BY_SOURCE: usize = 17;
    pub const RICH: usize = 18;
    /// Number of sections.
    pub const COUNT: usize = 19;
}

/// Bytes per row of each section (as its [`Words`] type stores it; the arena is bytes).
const ROW_BYTES: [u64; sec::COUNT] = [4, 1, 4, 4, 28, 4, 4, 12, 4, 4, 4, 8, 4, 4, 4, 4, 4, 4, 4];

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
    /// The section decoded into rows of this type.
    fn wrap(rows: Vec<Self>) -> Decoded;
    /// The rows of a section decoded as this type.
    fn unwrap(section: Decoded) -> Option<Vec<Self>>;
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
    fn wrap(rows: Vec<Self>) -> Decoded {
        Decoded::Words(rows)
    }
    fn unwrap(section: Decoded) -> Option<Vec<Self>> {
        match section {
            Decoded::Words(rows) => Some(rows),
            _ => None,
        }
    }
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
    fn wrap(rows: Vec<Self>) -> Decoded {
        Decoded::PkgIds(rows)
    }
    fn unwrap(section: Decoded) -> Option<Vec<Self>> {
        match section {
            Decoded::PkgIds(rows) => Some(rows),
            _ => None,
        }
    }
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
    fn wrap(rows: Vec<Self>) -> Decoded {
        Decoded::Provides(rows)
    }
    fn unwrap(section: Decoded) -> Option<Vec<Self>> {
        match section {
            Decoded::Provides(rows) => Some(rows),
            _ => None,
        }
    }
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
    fn wrap(rows: Vec<Self>) -> Decoded {
        Decoded::Deps(rows)
    }
    fn unwrap(section: Decoded) -> Option<Vec<Self>> {
        match section {
            Decoded::Deps(rows) => Some(rows),
            _ => None,
        }
    }
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
    fn wrap(rows: Vec<Self>) -> Decoded {
        Decoded::Pkgs(rows)
    }
    fn unwrap(section: Decoded) -> Option<Vec<Self>> {
        match section {
            Decoded::Pkgs(rows) => Some(rows),
            _ => None,
        }
    }
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

/// A section read back: the string arena as text, every other section as rows.
enum Decoded {
    Text(String),
    Words(Vec<u32>),
    PkgIds(Vec<PkgId>),
    Provides(Vec<Provide>),
    Deps(Vec<DepRow>),
    Pkgs(Vec<PkgRow>),
}

/// Writes sections, each checksummed on its own, and records each one's length and
/// checksum for the section table.
struct Writer<W: Write> {
    out: W,
    hasher: FastHasher,
    len: u64,
    table: Vec<(u64, u64)>,
    scratch: Vec<u8>,
}

impl<W: Write> Writer<W> {
    fn raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.hasher.update(bytes);
        self.len += bytes.len() as u64;
        self.out.write_all(bytes)
    }

    /// Ends the current section.
    fn end(&mut self) {
        let hasher = std::mem::take(&mut self.hasher);
        self.table
            .push((std::mem::take(&mut self.len), hasher.finish()));
    }

    fn bytes(&mut self, bytes: &[u8]) -> io::Result<()> {
        for chunk in bytes.chunks(CHUNK) {
            self.raw(chunk)?;
        }
        self.end();
        Ok(())
    }

    fn rows<T: Words>(&mut self, rows: &[T]) -> io::Result<()> {
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
        self.end();
        Ok(())
    }

    /// Writes an index without the offsets of its trailing keys that have no entries (a
    /// key past the offsets has none: [`Csr::get`]), so that an empty index (the file
    /// index when no repository's file lists were read) costs one offset, not one per
    /// string.
    fn csr<T: Words>(&mut self, csr: &Csr<T>) -> io::Result<()> {
        let end = csr.entries.len() as u32;
        let keys = csr
            .offsets
            .iter()
            .rposition(|&o| o != end)
            .map_or(0, |k| k + 1);
        self.rows(&csr.offsets[..(keys + 1).min(csr.offsets.len())])?;
        self.rows(&csr.entries)
    }
}

/// The header from offset [`HASHED_FROM`] on: format id, key and section table.
fn header_bytes(key: &PoolKey, table: &[(u64, u64)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(KEY_AT + key.text.len() + 4 + ENTRY_BYTES * table.len());
    out.extend_from_slice(&POOL_FORMAT_ID.to_le_bytes());
    out.extend_from_slice(&(key.text.len() as u32).to_le_bytes());
    out.extend_from_slice(key.text.as_bytes());
    out.extend_from_slice(&(table.len() as u32).to_le_bytes());
    for (len, checksum) in table {
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&checksum.to_le_bytes());
    }
    out
}

impl Pool {
    /// Writes the pool to `path` as an image for `key` (atomically: a temporary file renamed
    /// over `path`). The header goes last, once the sections' lengths and checksums are known.
    pub fn write_image(&self, key: &PoolKey, path: &Path) -> Result<(), RepodataError> {
        write_atomically(path, |file| {
            let placeholder = header_bytes(key, &[(0, 0); sec::COUNT]);
            let table = {
                let mut w = Writer {
                    out: BufWriter::with_capacity(CHUNK, &mut *file),
                    hasher: FastHasher::new(),
                    len: 0,
                    table: Vec::with_capacity(sec::COUNT),
                    scratch: Vec::with_capacity(CHUNK + 64),
                };
                w.out.write_all(&[0u8; HASHED_FROM])?;
                w.out.write_all(&placeholder)?;
                self.write_sections(&mut w)?;
                w.out.flush()?;
                w.table
            };
            debug_assert_eq!(table.len(), sec::COUNT);
            let header = header_bytes(key, &table);
            file.seek(SeekFrom::Start(0))?;
            file.write_all(MAGIC)?;
            file.write_all(&FORMAT_VERSION.to_le_bytes())?;
            file.write_all(&ebranch_repodata::fasthash::hash(&header).to_le_bytes())?;
            file.write_all(&header)
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
        let (file, len) = ebranch_repodata::cache::open_cache_file(path)?;
        let table = read_header(&file, len, key)?;
        let counts = Counts::of(&table);
        let mut sections = load_all(&file, &table, &counts)?.into_iter();
        let repos: Vec<u32> = next(&mut sections)?;
        let Some(Decoded::Text(arena)) = sections.next() else {
            return Err(CacheInvalid::Corrupt("section"));
        };
        let strings = Strings {
            arena,
            offsets: next(&mut sections)?,
            slots: next(&mut sections)?,
        };
        strings.check_boundaries().map_err(CacheInvalid::Corrupt)?;
        let s = &mut sections;
        Ok(Pool {
            strings,
            repos: repo_slots(&repos, labels, counts.pkgs())?,
            arches,
            pkgs: next(s)?,
            dep_start: next(s)?,
            dep_occ: next(s)?,
            deps: next(s)?,
            file_start: next(s)?,
            file_paths: next(s)?,
            provides: next_csr(s)?,
            files: next_csr(s)?,
            by_name: next_csr(s)?,
            by_source: next_csr(s)?,
            rich_table: RichTable::unparsed(next(s)?),
        })
    }
}

/// The next decoded section, as rows of `T`.
fn next<T: Words>(sections: &mut impl Iterator<Item = Decoded>) -> Result<Vec<T>, CacheInvalid> {
    sections
        .next()
        .and_then(T::unwrap)
        .ok_or(CacheInvalid::Corrupt("section"))
}

/// The next two decoded sections, as an index's offsets and entries.
fn next_csr<T: Words>(
    sections: &mut impl Iterator<Item = Decoded>,
) -> Result<Csr<T>, CacheInvalid> {
    Ok(Csr {
        offsets: next(sections)?,
        entries: next(sections)?,
    })
}

/// One section as the table gives it: where it starts, its length and its checksum.
#[derive(Clone, Copy, Debug)]
struct Section {
    at: u64,
    len: u64,
    checksum: u64,
}

/// The row count of every section, from the section table: what the check of one section
/// needs to know of the others.
struct Counts {
    rows: [u64; sec::COUNT],
}

/// `n` as a `u32` bound (a count past `u32::MAX` bounds nothing).
fn bound(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Counts {
    fn of(table: &[Section]) -> Counts {
        let mut rows = [0; sec::COUNT];
        for (i, s) in table.iter().enumerate() {
            rows[i] = s.len / ROW_BYTES[i];
        }
        Counts { rows }
    }

    fn rows(&self, section: usize) -> usize {
        self.rows[section] as usize
    }

    fn strings(&self) -> u32 {
        bound(self.rows[sec::STR_OFFSETS].saturating_sub(1))
    }

    fn pkgs(&self) -> u32 {
        bound(self.rows[sec::PKGS])
    }

    fn deps(&self) -> u32 {
        bound(self.rows[sec::DEPS])
    }
}

fn read_error(e: io::Error) -> CacheInvalid {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        CacheInvalid::Truncated
    } else {
        CacheInvalid::Unreadable(e.to_string())
    }
}

/// Fills `out` from `file` at `at`.
fn read_at(file: &File, out: &mut [u8], at: u64) -> Result<(), CacheInvalid> {
    file.read_exact_at(out, at).map_err(read_error)
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(w)
}

/// Reads and checks the header of an image `len` bytes long (magic, version, build,
/// checksum, key) and gives its section table.
fn read_header(file: &File, len: u64, key: &PoolKey) -> Result<Vec<Section>, CacheInvalid> {
    let mut head = [0u8; KEY_AT];
    if len < HASHED_FROM as u64 {
        return Err(CacheInvalid::BadMagic);
    }
    read_at(file, &mut head[..HASHED_FROM], 0)?;
    if &head[..8] != MAGIC {
        return Err(CacheInvalid::BadMagic);
    }
    let version = word(&head, 2);
    if version != FORMAT_VERSION {
        return Err(CacheInvalid::Version(version));
    }
    read_at(file, &mut head[HASHED_FROM..], HASHED_FROM as u64)?;
    if u64_at(&head, HASHED_FROM) != POOL_FORMAT_ID {
        return Err(CacheInvalid::OtherBuild);
    }
    let key_len = word(&head, 7);
    if key_len > MAX_KEY {
        return Err(CacheInvalid::Corrupt("key length"));
    }
    let mut rest = vec![0u8; key_len as usize + 4 + ENTRY_BYTES * sec::COUNT];
    if (KEY_AT + rest.len()) as u64 > len {
        return Err(CacheInvalid::Truncated);
    }
    read_at(file, &mut rest, KEY_AT as u64)?;
    let mut hasher = FastHasher::new();
    hasher.update(&head[HASHED_FROM..]);
    hasher.update(&rest);
    if hasher.finish() != u64_at(&head, 12) {
        return Err(CacheInvalid::Checksum);
    }
    let (text, table) = rest.split_at(key_len as usize);
    if text != key.text.as_bytes() {
        return Err(CacheInvalid::StaleKey);
    }
    section_table(table, (KEY_AT + rest.len()) as u64, len)
}

/// The section table (`bytes`: count and entries); the sections start at `at` and must
/// end at the end of the file, `len`.
fn section_table(bytes: &[u8], mut at: u64, len: u64) -> Result<Vec<Section>, CacheInvalid> {
    if word(bytes, 0) as usize != sec::COUNT {
        return Err(CacheInvalid::Corrupt("section table"));
    }
    let mut table = Vec::with_capacity(sec::COUNT);
    for (entry, row) in bytes[4..].chunks_exact(ENTRY_BYTES).zip(ROW_BYTES) {
        let section = Section {
            at,
            len: u64_at(entry, 0),
            checksum: u64_at(entry, 8),
        };
        if !section.len.is_multiple_of(row) {
            return Err(CacheInvalid::Corrupt("section length"));
        }
        at = at.checked_add(section.len).ok_or(CacheInvalid::Truncated)?;
        table.push(section);
    }
    if at != len {
        return Err(CacheInvalid::Truncated);
    }
    Ok(table)
}

/// Reads, checks and decodes every section, the largest first, on this thread and one
/// more (or on this one alone if no thread can be started). Gives the sections in table
/// order, or the refusal of the first refused section.
fn load_all(file: &File, table: &[Section], counts: &Counts) -> Result<Vec<Decoded>, CacheInvalid> {
    let mut order: Vec<usize> = (0..table.len()).collect();
    order.sort_by_key(|&s| Reverse(table[s].len));
    let taken = AtomicUsize::new(0);
    let work = || {
        let mut reader = SectionReader {
            file,
            buf: Vec::new(),
        };
        let mut done = Vec::new();
        while let Some(&s) = order.get(taken.fetch_add(1, Ordering::Relaxed)) {
            done.push((s, reader.load(s, &table[s], counts)));
        }
        done
    };
    let mut done = std::thread::scope(|scope| {
        let helper = std::thread::Builder::new().spawn_scoped(scope, work);
        let mut done = work();
        if let Ok(helper) = helper {
            let theirs = helper
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            done.extend(theirs);
        }
        done
    });
    done.sort_by_key(|(s, _)| *s);
    done.into_iter().map(|(_, section)| section).collect()
}

/// Reads sections of one image by position, each checked against its checksum; one per
/// thread.
struct SectionReader<'a> {
    file: &'a File,
    buf: Vec<u8>,
}

impl SectionReader<'_> {
    /// Reads, checks and decodes section `s`, located by `section`.
    fn load(
        &mut self,
        s: usize,
        section: &Section,
        counts: &Counts,
    ) -> Result<Decoded, CacheInvalid> {
        let decoded = match s {
            sec::ARENA => Decoded::Text(
                String::from_utf8(self.bytes(section)?)
                    .map_err(|_| CacheInvalid::Corrupt("string arena"))?,
            ),
            sec::PKGS => PkgRow::wrap(self.rows(section)?),
            sec::DEPS => DepRow::wrap(self.rows(section)?),
            sec::PROVIDES => Provide::wrap(self.rows(section)?),
            sec::FILES | sec::BY_NAME | sec::BY_SOURCE => PkgId::wrap(self.rows(section)?),
            _ => u32::wrap(self.rows(section)?),
        };
        check(s, &decoded, counts).map_err(CacheInvalid::Corrupt)?;
        Ok(decoded)
    }

    fn bytes(&mut self, section: &Section) -> Result<Vec<u8>, CacheInvalid> {
        let mut out = vec![0u8; section.len as usize];
        let mut hasher = FastHasher::new();
        let mut at = section.at;
        for chunk in out.chunks_mut(CHUNK) {
            read_at(self.file, chunk, at)?;
            hasher.update(chunk);
            at += chunk.len() as u64;
        }
        check_sum(hasher, section)?;
        Ok(out)
    }

    fn rows<T: Words>(&mut self, section: &Section) -> Result<Vec<T>, CacheInvalid> {
        let size = T::WORDS * 4;
        let len = section.len as usize;
        if !len.is_multiple_of(size) {
            return Err(CacheInvalid::Corrupt("section length"));
        }
        let mut out = Vec::with_capacity(len / size);
        let step = (CHUNK / size).max(1) * size;
        let mut hasher = FastHasher::new();
        // Zeroed once per thread, not once per section.
        if self.buf.len() < step.min(len) {
            self.buf.resize(step, 0);
        }
        for start in (0..len).step_by(step) {
            let buf = &mut self.buf[..step.min(len - start)];
            read_at(self.file, buf, section.at + start as u64)?;
            hasher.update(buf);
            out.extend(buf.chunks_exact(size).map(T::take));
        }
        check_sum(hasher, section)?;
        Ok(out)
    }
}

/// Whether what `hasher` absorbed matches the section's checksum.
fn check_sum(hasher: FastHasher, section: &Section) -> Result<(), CacheInvalid> {
    if hasher.finish() != section.checksum {
        return Err(CacheInvalid::Checksum);
    }
    Ok(())
}

/// `Err(what)` unless `ok`.
fn ok_or(ok: bool, what: &'static str) -> Result<(), &'static str> {
    if ok { Ok(()) } else { Err(what) }
}

/// Checks every id and offset of section `s` against the row counts of the others (the
/// repositories are checked with their labels, string offsets against the arena's
/// characters once both are read).
fn check(s: usize, decoded: &Decoded, n: &Counts) -> Result<(), &'static str> {
    let strings = n.strings();
    match decoded {
        Decoded::Text(_) => Ok(()),
        Decoded::Words(words) => check_words(s, words, n),
        Decoded::PkgIds(ids) => ok_or(
            all_below(ids.iter().map(|p| p.0), n.pkgs()),
            "package index entry",
        ),
        Decoded::Provides(entries) => {
            let (pkgs, deps) = (n.pkgs(), n.deps());
            let bad = entries
                .iter()
                .fold(false, |bad, e| bad | (e.pkg >= pkgs) | (e.dep >= deps));
            ok_or(!bad, "provides entry")
        }
        Decoded::Deps(deps) => ok_or(
            all_below(deps.iter().map(|d| d.name.max(d.evr)), strings),
            "dependency",
        ),
        Decoded::Pkgs(pkgs) => {
            let bad = pkgs.iter().fold(false, |bad, p| {
                let max = p.name.max(p.arch).max(p.evr).max(p.sourcerpm);
                bad | (max.max(p.location).max(p.source) >= strings) | (p.flags > 3)
            });
            ok_or(!bad, "package")
        }
    }
}

/// [`check`] for the sections of plain `u32` words.
fn check_words(s: usize, words: &[u32], n: &Counts) -> Result<(), &'static str> {
    let strings = n.strings();
    let pkgs = n.rows(sec::PKGS);
    match s {
        sec::STR_OFFSETS => strings::check_offsets(words, n.rows(sec::ARENA)),
        sec::STR_SLOTS => strings::check_slots(words, strings),
        sec::DEP_START => {
            check_starts(words, pkgs + 1, n.rows(sec::DEP_OCC)).ok_or("dependency starts")
        }
        sec::DEP_OCC => ok_or(
            all_below(words.iter().map(|o| o & DEP_MASK), n.deps()),
            "dependency occurrence",
        ),
        sec::FILE_START => {
            check_starts(words, pkgs + 1, n.rows(sec::FILE_PATHS)).ok_or("file starts")
        }
        sec::FILE_PATHS => ok_or(all_below(words.iter().copied(), strings), "file path"),
        sec::RICH => ok_or(all_below(words.iter().copied(), strings), "rich dependency"),
        sec::PROVIDES_OFFSETS => {
            check_csr(words, strings, n.rows(sec::PROVIDES)).ok_or("provides index")
        }
        sec::FILES_OFFSETS | sec::BY_NAME_OFFSETS | sec::BY_SOURCE_OFFSETS => {
            check_csr(words, strings, n.rows(s + 1)).ok_or("package index")
        }
        // The repositories are checked with their labels (`repo_slots`).
        sec::REPOS => Ok(()),
        _ => Ok(()),
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

/// The offsets of a name index keyed by string ids (`strings` of them) over `entries`
/// entries.
fn check_csr(offsets: &[u32], strings: u32, entries: usize) -> Option<()> {
    let keys = offsets.len().checked_sub(1)?;
    (keys <= strings as usize).then_some(())?;
    check_starts(offsets, keys + 1, entries)
}

/// The repositories of an image (`[first package, count]` pairs), one per label, `pkgs`
/// packages in all.
fn repo_slots(
    pairs: &[u32],
    labels: Vec<String>,
    pkgs: u32,
) -> Result<Vec<RepoSlot>, CacheInvalid> {
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
    if next != pkgs {
        return Err(CacheInvalid::Corrupt("repository package counts"));
    }
    Ok(slots)
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

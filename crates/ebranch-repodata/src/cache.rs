//! A binary cache of [`RepoData`], keyed by the SHA-256 of repomd.xml, and
//! [`load_repo`], which uses it.
//!
//! Layout (all integers little-endian):
//!
//! | offset | content |
//! |---|---|
//! | 0 | magic `EBRCACHE` |
//! | 8 | format version (u32) |
//! | 12 | checksum (u64) of every byte from offset 20 to the end |
//! | 20 | the build's [`FORMAT_ID`] (u64) |
//! | 28 | options fingerprint (u32), flags (u32, bit 0 = has_filelists) |
//! | 36 | key length (u32), key bytes (the repomd.xml SHA-256 hex) |
//! | … | arena length (u64), offsets, packages, deps, files counts (u32 each) |
//! | … | string arena, offsets (u32 each), packages (17 u32 each), deps (name u32, evr u32, flags u8, pre u8), files (path u32, kind u8) |
//!
//! A file that is missing, of another format, for another key or options,
//! truncated or corrupt is reported as a [`CacheInvalid`] reason, never as
//! a panic; the caller re-parses and rewrites it.

use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::checksum::sha256_hex;
use crate::error::RepodataError;
use crate::fasthash::FastHasher;
use crate::read::read_repo_with;
use crate::repo::{DepRecord, FileKind, FileRecord, PackageRecord, ReadOptions, RepoData};
use crate::repomd::Repomd;
use crate::strings::{StrId, StringTable};

const MAGIC: &[u8; 8] = b"EBRCACHE";
/// Bump when the layout or the meaning of the data changes.
const FORMAT_VERSION: u32 = 2;

/// Identifies the code that defines what a cache file holds: the crate
/// version, [`FORMAT_VERSION`] and the text of the modules that read the
/// metadata and lay out the file. A file written by any other build is
/// refused ([`CacheInvalid::OtherBuild`]), so a new build never reads an
/// old layout, even one whose version number was not bumped.
pub const FORMAT_ID: u64 = {
    use crate::fasthash::{FNV_OFFSET, const_fnv1a};
    let mut h = const_fnv1a(FNV_OFFSET, env!("CARGO_PKG_VERSION").as_bytes());
    h = const_fnv1a(h, &FORMAT_VERSION.to_le_bytes());
    h = const_fnv1a(h, include_bytes!("cache.rs"));
    h = const_fnv1a(h, include_bytes!("repo.rs"));
    h = const_fnv1a(h, include_bytes!("strings.rs"));
    h = const_fnv1a(h, include_bytes!("primary.rs"));
    h = const_fnv1a(h, include_bytes!("filelists.rs"));
    h = const_fnv1a(h, include_bytes!("read.rs"));
    const_fnv1a(h, include_bytes!("xml.rs"))
};
/// Offset of the first checksummed byte.
const HASHED_FROM: u64 = 20;
/// Longest accepted key.
const MAX_KEY: u32 = 1024;
/// Size of one serialized package / dependency / file.
const PACKAGE_BYTES: u64 = 17 * 4;
const DEP_BYTES: u64 = 10;
const FILE_BYTES: u64 = 5;
/// Chunk size for streaming sections.
const CHUNK: usize = 256 * 1024;

/// Why a cache file was not used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheInvalid {
    /// There is no cache file.
    Missing,
    /// The file could not be read.
    Unreadable(String),
    /// The file does not start with the cache magic.
    BadMagic,
    /// The file has another format version.
    Version(u32),
    /// The file was written by another build of ebranch (see [`FORMAT_ID`]).
    OtherBuild,
    /// The file was made for another repomd.xml (the repository changed).
    StaleKey,
    /// The file was made with other [`ReadOptions`].
    Options,
    /// The file is shorter or longer than its header says.
    Truncated,
    /// The payload checksum does not match.
    Checksum,
    /// The payload is inconsistent (bad offsets, ids out of range, …).
    Corrupt(&'static str),
}

impl fmt::Display for CacheInvalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CacheInvalid::Missing => f.write_str("no cache file"),
            CacheInvalid::Unreadable(e) => write!(f, "cache file unreadable: {e}"),
            CacheInvalid::BadMagic => f.write_str("not a cache file"),
            CacheInvalid::Version(v) => {
                write!(f, "cache format version {v}, expected {FORMAT_VERSION}")
            }
            CacheInvalid::OtherBuild => f.write_str("cache written by another ebranch build"),
            CacheInvalid::StaleKey => f.write_str("repository metadata changed"),
            CacheInvalid::Options => f.write_str("cache made with other read options"),
            CacheInvalid::Truncated => f.write_str("cache file truncated"),
            CacheInvalid::Checksum => f.write_str("cache checksum mismatch"),
            CacheInvalid::Corrupt(what) => write!(f, "cache file corrupt: {what}"),
        }
    }
}

/// How [`load_repo`] obtained its data.
#[derive(Debug)]
pub enum CacheOutcome {
    /// Loaded from a valid cache file.
    Hit,
    /// No cache file existed: parsed the metadata and wrote the cache.
    Miss,
    /// The cache file was not usable for the given reason: parsed the
    /// metadata and rewrote the cache.
    Rebuilt(CacheInvalid),
    /// Parsed the metadata (because of `reason`), but writing the cache
    /// failed; the returned data is complete.
    WriteFailed {
        /// Why the metadata was parsed.
        reason: CacheInvalid,
        /// The write error.
        error: RepodataError,
    },
    /// No cache directory was given: parsed the metadata.
    Disabled,
}

/// The cache file for the repository at `repo_dir` in `cache_dir`: named
/// by the SHA-256 of the repository's canonical path and the options.
pub fn cache_path(cache_dir: &Path, repo_dir: &Path, options: &ReadOptions) -> PathBuf {
    let canonical = std::fs::canonicalize(repo_dir).unwrap_or_else(|_| repo_dir.to_path_buf());
    let digest = sha256_hex(canonical.as_os_str().as_encoded_bytes());
    cache_dir.join(format!("{}-o{}.idx", digest, options.fingerprint()))
}

/// Loads the repository at `repo_dir`, from the cache in `cache_dir` when
/// it is valid for the current repomd.xml and `options`, otherwise by
/// parsing the metadata and (re)writing the cache. A failure to write the
/// cache is not an error: it is reported in the [`CacheOutcome`].
pub fn load_repo(
    repo_dir: &Path,
    cache_dir: Option<&Path>,
    options: &ReadOptions,
) -> Result<(RepoData, CacheOutcome), RepodataError> {
    let repomd = Repomd::read(repo_dir)?;
    let Some(cache_dir) = cache_dir else {
        return Ok((
            read_repo_with(repo_dir, &repomd, options)?,
            CacheOutcome::Disabled,
        ));
    };
    // Writers of this cache that died (kill -9, a crash) leave their temp files behind.
    ebranch_fs::remove_stale_temps(cache_dir);
    let path = cache_path(cache_dir, repo_dir, options);
    let reason = match try_read_cache(&path, &repomd.sha256, options) {
        Ok(data) => return Ok((data, CacheOutcome::Hit)),
        Err(reason) => reason,
    };
    let data = read_repo_with(repo_dir, &repomd, options)?;
    let written = std::fs::create_dir_all(cache_dir)
        .map_err(|e| RepodataError::CacheWrite {
            path: cache_dir.to_path_buf(),
            source: e,
        })
        .and_then(|()| write_cache(&data, options, &path));
    let outcome = match (written, reason) {
        (Err(error), reason) => CacheOutcome::WriteFailed { reason, error },
        (Ok(()), CacheInvalid::Missing) => CacheOutcome::Miss,
        (Ok(()), reason) => CacheOutcome::Rebuilt(reason),
    };
    Ok((data, outcome))
}

/// Reads the cache file at `path` if it is valid for `expected_key` (the
/// repomd.xml SHA-256) and `options`; `Ok(None)` when it is missing or not
/// usable (the reason is dropped: see [`load_repo`] for it). Never panics
/// on a damaged file.
pub fn read_cache(
    path: &Path,
    expected_key: &str,
    options: &ReadOptions,
) -> Result<Option<RepoData>, RepodataError> {
    Ok(try_read_cache(path, expected_key, options).ok())
}

/// Writes `data` (read with `options`) to `path` atomically (`ebranch_fs::TempFile`: a
/// temporary file in the same directory, renamed over `path` when complete).
pub fn write_cache(
    data: &RepoData,
    options: &ReadOptions,
    path: &Path,
) -> Result<(), RepodataError> {
    write_atomically(path, |file| {
        let checksum = {
            let mut w = HashingWriter {
                out: BufWriter::with_capacity(CHUNK, &mut *file),
                hasher: FastHasher::new(),
                scratch: Vec::with_capacity(CHUNK + 64),
            };
            w.out.write_all(MAGIC)?;
            w.out.write_all(&FORMAT_VERSION.to_le_bytes())?;
            w.out.write_all(&0u64.to_le_bytes())?;
            write_payload(&mut w, data, options)?;
            w.out.flush()?;
            w.hasher.finish()
        };
        file.seek(SeekFrom::Start(12))?;
        file.write_all(&checksum.to_le_bytes())
    })
}

/// Writes a cache file atomically through `ebranch_fs::TempFile`: `write` fills a
/// temporary file in the same directory as `path`, which then replaces `path`. Shared by
/// every cache file of the index cache (this crate's and the pool's).
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> Result<(), RepodataError> {
    let werr = |e: io::Error| RepodataError::CacheWrite {
        path: path.to_path_buf(),
        source: e,
    };
    let mut tmp = ebranch_fs::TempFile::new_for(path).map_err(werr)?;
    write(tmp.file_mut()).map_err(werr)?;
    // Not flushed to disk: every cache file is checked whole when read, so one that a
    // crash left torn is refused and rebuilt, never trusted.
    tmp.commit_unflushed().map_err(werr)?;
    Ok(())
}

/// A writer that checksums what it writes, batching small writes.
struct HashingWriter<W: Write> {
    out: W,
    hasher: FastHasher,
    scratch: Vec<u8>,
}

impl<W: Write> HashingWriter<W> {
    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.scratch.extend_from_slice(bytes);
        if self.scratch.len() >= CHUNK {
            self.flush_scratch()?;
        }
        Ok(())
    }

    fn u32(&mut self, v: u32) -> io::Result<()> {
        self.put(&v.to_le_bytes())
    }

    /// Puts `encode(item)` for each item: a fixed-size copy each, not a call per field.
    fn each<T, const N: usize>(
        &mut self,
        items: &[T],
        encode: impl Fn(&T) -> [u8; N],
    ) -> io::Result<()> {
        for part in items.chunks((CHUNK / N).max(1)) {
            self.scratch.reserve(part.len() * N);
            for item in part {
                self.scratch.extend_from_slice(&encode(item));
            }
            if self.scratch.len() >= CHUNK {
                self.flush_scratch()?;
            }
        }
        Ok(())
    }

    fn flush_scratch(&mut self) -> io::Result<()> {
        self.hasher.update(&self.scratch);
        self.out.write_all(&self.scratch)?;
        self.scratch.clear();
        Ok(())
    }
}

fn write_payload<W: Write>(
    w: &mut HashingWriter<W>,
    data: &RepoData,
    options: &ReadOptions,
) -> io::Result<()> {
    let count = |n: usize| {
        u32::try_from(n).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "too large"))
    };
    w.put(&FORMAT_ID.to_le_bytes())?;
    w.u32(options.fingerprint())?;
    w.u32(u32::from(data.has_filelists))?;
    w.u32(count(data.repomd_checksum.len())?)?;
    w.put(data.repomd_checksum.as_bytes())?;
    w.put(&(data.strings.arena_len() as u64).to_le_bytes())?;
    w.u32(count(data.strings.offsets().len())?)?;
    w.u32(count(data.packages.len())?)?;
    w.u32(count(data.deps.len())?)?;
    w.u32(count(data.files.len())?)?;
    for chunk in data.strings.arena().as_bytes().chunks(CHUNK) {
        w.put(chunk)?;
    }
    w.each(data.strings.offsets(), |o| o.to_le_bytes())?;
    w.each(&data.packages, package_bytes)?;
    w.each(&data.deps, |d| {
        let mut out = [0; 10];
        out[..4].copy_from_slice(&d.name.0.to_le_bytes());
        out[4..8].copy_from_slice(&d.evr.0.to_le_bytes());
        out[8] = d.flags;
        out[9] = u8::from(d.pre);
        out
    })?;
    w.each(&data.files, |f| {
        let mut out = [0; 5];
        out[..4].copy_from_slice(&f.path.0.to_le_bytes());
        out[4] = f.kind as u8;
        out
    })?;
    w.flush_scratch()
}

/// A package's record in the cache: its six string ids, its dependency ranges and its
/// file range, as little-endian `u32`s.
fn package_bytes(p: &PackageRecord) -> [u8; 68] {
    let ids = [p.name, p.arch, p.evr, p.sourcerpm, p.location, p.pkgid].map(|id| id.0);
    let words = ids.iter().chain(&p.deps).chain([&p.files.0, &p.files.1]);
    let mut out = [0; 68];
    for (bytes, word) in out.chunks_exact_mut(4).zip(words) {
        bytes.copy_from_slice(&word.to_le_bytes());
    }
    out
}

/// A reader of the cache file that checksums what it reads.
struct HashingReader {
    file: File,
    hasher: FastHasher,
}

impl HashingReader {
    fn exact(&mut self, buf: &mut [u8]) -> Result<(), CacheInvalid> {
        self.file.read_exact(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                CacheInvalid::Truncated
            } else {
                CacheInvalid::Unreadable(e.to_string())
            }
        })?;
        self.hasher.update(buf);
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

    /// Reads `count` records of `size` bytes, decoding each with `decode`.
    fn records<T>(
        &mut self,
        count: usize,
        size: usize,
        mut decode: impl FnMut(&[u8]) -> T,
    ) -> Result<Vec<T>, CacheInvalid> {
        let mut out = Vec::with_capacity(count);
        let per_chunk = (CHUNK / size).max(1);
        let mut buf = vec![0u8; per_chunk * size];
        let mut left = count;
        while left > 0 {
            let n = left.min(per_chunk);
            let bytes = &mut buf[..n * size];
            self.exact(bytes)?;
            out.extend(bytes.chunks_exact(size).map(&mut decode));
            left -= n;
        }
        Ok(out)
    }
}

#[inline]
fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Opens a cache file (an index cache or a pool image) for reading and gives its length.
/// A FIFO or device in its place is refused, not read (it would hang the run); the file
/// is then rebuilt and replaces it.
pub fn open_cache_file(path: &Path) -> Result<(File, u64), CacheInvalid> {
    let file = match ebranch_fs::open_regular(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(CacheInvalid::Missing),
        Err(e) => return Err(CacheInvalid::Unreadable(e.to_string())),
    };
    let len = file
        .metadata()
        .map_err(|e| CacheInvalid::Unreadable(e.to_string()))?
        .len();
    Ok((file, len))
}
/// Reads and validates a cache file, returning why it is unusable if so.
pub(crate) fn try_read_cache(
    path: &Path,
    expected_key: &str,
    options: &ReadOptions,
) -> Result<RepoData, CacheInvalid> {
    let (mut file, file_len) = open_cache_file(path)?;
    let mut head = [0u8; HASHED_FROM as usize];
    file.read_exact(&mut head).map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            CacheInvalid::BadMagic
        } else {
            CacheInvalid::Unreadable(e.to_string())
        }
    })?;
    if &head[..8] != MAGIC {
        return Err(CacheInvalid::BadMagic);
    }
    let version = le32(&head, 8);
    if version != FORMAT_VERSION {
        return Err(CacheInvalid::Version(version));
    }
    let mut checksum = [0u8; 8];
    checksum.copy_from_slice(&head[12..20]);
    let checksum = u64::from_le_bytes(checksum);

    let mut r = HashingReader {
        file,
        hasher: FastHasher::new(),
    };
    if r.u64()? != FORMAT_ID {
        return Err(CacheInvalid::OtherBuild);
    }
    let fingerprint = r.u32()?;
    let flags = r.u32()?;
    let key_len = r.u32()?;
    if key_len > MAX_KEY {
        return Err(CacheInvalid::Corrupt("key length"));
    }
    let mut key = vec![0u8; key_len as usize];
    r.exact(&mut key)?;
    if key != expected_key.as_bytes() {
        return Err(CacheInvalid::StaleKey);
    }
    if fingerprint != options.fingerprint() {
        return Err(CacheInvalid::Options);
    }
    if flags > 1 {
        return Err(CacheInvalid::Corrupt("flags"));
    }
    let arena_len = r.u64()?;
    let n_offsets = u64::from(r.u32()?);
    let n_packages = u64::from(r.u32()?);
    let n_deps = u64::from(r.u32()?);
    let n_files = u64::from(r.u32()?);
    let header_len = HASHED_FROM + 8 + 4 * 3 + u64::from(key_len) + 8 + 4 * 4;
    let expected_len = arena_len
        .checked_add(n_offsets * 4)
        .and_then(|n| n.checked_add(n_packages * PACKAGE_BYTES))
        .and_then(|n| n.checked_add(n_deps * DEP_BYTES))
        .and_then(|n| n.checked_add(n_files * FILE_BYTES))
        .and_then(|n| n.checked_add(header_len));
    if expected_len != Some(file_len) {
        return Err(CacheInvalid::Truncated);
    }
    // From here on every count is bounded by the file's real size.
    let mut arena = vec![0u8; arena_len as usize];
    r.exact(&mut arena)?;
    let offsets = r.records(n_offsets as usize, 4, |b| le32(b, 0))?;
    // Every id an accessor could index with is checked while decoding, so
    // that a file that passes the checksum by accident cannot cause a panic.
    let n_strings = offsets.len().saturating_sub(1) as u64;
    let mut bad: Option<&'static str> = None;
    let packages = r.records(n_packages as usize, PACKAGE_BYTES as usize, |b| {
        let id = |i: usize| StrId(le32(b, 4 * i));
        let mut deps = [0u32; 9];
        for (k, d) in deps.iter_mut().enumerate() {
            *d = le32(b, 4 * (6 + k));
        }
        let p = PackageRecord {
            name: id(0),
            arch: id(1),
            evr: id(2),
            sourcerpm: id(3),
            location: id(4),
            pkgid: id(5),
            deps,
            files: (le32(b, 60), le32(b, 64)),
        };
        if (0..6).any(|i| u64::from(le32(b, 4 * i)) >= n_strings) {
            bad = Some("package string id");
        }
        if p.deps.windows(2).any(|w| w[0] > w[1]) || u64::from(p.deps[8]) > n_deps {
            bad = Some("package dependency range");
        }
        if p.files.0 > p.files.1 || u64::from(p.files.1) > n_files {
            bad = Some("package file range");
        }
        p
    })?;
    let deps = r.records(n_deps as usize, DEP_BYTES as usize, |b| {
        let d = DepRecord {
            name: StrId(le32(b, 0)),
            evr: StrId(le32(b, 4)),
            flags: b[8],
            pre: b[9] != 0,
        };
        if b[9] > 1 || u64::from(d.name.0) >= n_strings || u64::from(d.evr.0) >= n_strings {
            bad = Some("dependency");
        }
        d
    })?;
    let files = r.records(n_files as usize, FILE_BYTES as usize, |b| {
        let path = StrId(le32(b, 0));
        let kind = FileKind::from_u8(b[4]).unwrap_or_else(|| {
            bad = Some("file kind");
            FileKind::File
        });
        if u64::from(path.0) >= n_strings {
            bad = Some("file path id");
        }
        FileRecord { path, kind }
    })?;
    if r.hasher.finish() != checksum {
        return Err(CacheInvalid::Checksum);
    }
    if let Some(what) = bad {
        return Err(CacheInvalid::Corrupt(what));
    }
    let arena = String::from_utf8(arena).map_err(|_| CacheInvalid::Corrupt("string arena"))?;
    let strings = StringTable::from_parts(arena, offsets)
        .map_err(|_| CacheInvalid::Corrupt("string offsets"))?;
    Ok(RepoData {
        strings,
        packages,
        deps,
        files,
        repomd_checksum: expected_key.to_string(),
        has_filelists: flags & 1 == 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::DepKind;

    fn sample() -> RepoData {
        let mut r = RepoData {
            repomd_checksum: "k".repeat(64),
            has_filelists: true,
            ..RepoData::default()
        };
        let s = |r: &mut RepoData, t: &str| r.strings.intern(t);
        for (i, name) in ["foo", "bär"].into_iter().enumerate() {
            let mut p = PackageRecord {
                name: s(&mut r, name),
                arch: s(&mut r, "x86_64"),
                evr: s(&mut r, "1:2-3"),
                sourcerpm: s(&mut r, "foo-2-3.src.rpm"),
                location: s(&mut r, &format!("{name}.rpm")),
                pkgid: s(&mut r, &format!("id{i}")),
                ..PackageRecord::default()
            };
            for k in 0..8 {
                p.deps[k] = r.deps.len() as u32;
                if k == DepKind::Requires.index() {
                    let d = DepRecord {
                        name: s(&mut r, "(a or b)"),
                        evr: StrId::EMPTY,
                        flags: 0,
                        pre: i == 1,
                    };
                    r.deps.push(d);
                }
            }
            p.deps[8] = r.deps.len() as u32;
            let start = r.files.len() as u32;
            let path = s(&mut r, "/usr/bin/x");
            r.files.push(FileRecord {
                path,
                kind: FileKind::Ghost,
            });
            p.files = (start, r.files.len() as u32);
            r.packages.push(p);
        }
        r
    }

    fn reseal(bytes: &mut [u8]) {
        let mut h = FastHasher::new();
        h.update(&bytes[HASHED_FROM as usize..]);
        bytes[12..20].copy_from_slice(&h.finish().to_le_bytes());
    }

    #[test]
    fn round_trip() {
        let r = sample();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.idx");
        write_cache(&r, &ReadOptions::default(), &path).unwrap();
        let back = try_read_cache(&path, &r.repomd_checksum, &ReadOptions::default()).unwrap();
        assert_eq!(back, r);
        assert_eq!(
            back.str(back.deps(1, DepKind::Requires)[0].name),
            "(a or b)"
        );
        assert!(back.deps(1, DepKind::Requires)[0].pre);
        assert_eq!(back.files(0)[0].kind, FileKind::Ghost);
    }

    /// A file written by another build (another crate version or other
    /// format-defining code) is refused even with a valid checksum.
    #[test]
    fn a_file_of_another_build_is_refused() {
        let r = sample();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.idx");
        write_cache(&r, &ReadOptions::default(), &path).unwrap();
        let mut b = std::fs::read(&path).unwrap();
        assert_eq!(b[20..28], FORMAT_ID.to_le_bytes());
        b[20] ^= 1;
        reseal(&mut b);
        std::fs::write(&path, &b).unwrap();
        assert_eq!(
            try_read_cache(&path, &r.repomd_checksum, &ReadOptions::default()),
            Err(CacheInvalid::OtherBuild)
        );
    }

    /// Damage that keeps a valid checksum must still be caught by the
    /// structural checks, never reach a panic.
    #[test]
    fn resealed_damage_is_validated() {
        let r = sample();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.idx");
        write_cache(&r, &ReadOptions::default(), &path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let key = r.repomd_checksum.clone();
        let mut refused = 0;
        for at in HASHED_FROM as usize..bytes.len() {
            for mask in [0x01u8, 0x80, 0xFF] {
                let mut b = bytes.clone();
                b[at] ^= mask;
                reseal(&mut b);
                std::fs::write(&path, &b).unwrap();
                match try_read_cache(&path, &key, &ReadOptions::default()) {
                    Ok(data) => {
                        // Accepted damage (e.g. inside a string) must still
                        // be fully usable.
                        for p in 0..data.len() {
                            let _ = data.nevra(p);
                            for d in data.all_deps(p) {
                                let _ = (data.str(d.name), data.str(d.evr));
                            }
                            for f in data.files(p) {
                                let _ = data.str(f.path);
                            }
                        }
                    }
                    Err(_) => refused += 1,
                }
            }
        }
        assert!(refused > (bytes.len() - 20), "{refused}");
        // A targeted out-of-range id.
        let mut b = bytes.clone();
        let n = b.len();
        let last_file = n - FILE_BYTES as usize;
        b[last_file..last_file + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        reseal(&mut b);
        std::fs::write(&path, &b).unwrap();
        assert_eq!(
            try_read_cache(&path, &key, &ReadOptions::default()),
            Err(CacheInvalid::Corrupt("file path id"))
        );
    }
}

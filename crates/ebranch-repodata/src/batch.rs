//! Parsing and interning on two threads: the primary.xml parser fills [`Batch`]es of
//! packages whose strings are only collected, and a second thread interns each batch's
//! strings into the repository's [`StringTable`] and appends its records
//! ([`Batch::absorb`]). The largest repository of a run is the critical path of a cold
//! run, and interning (hash probes that miss the cache) is about a fifth of its parse.
//!
//! Strings are interned in the order the parser met them, so the string ids, and so the
//! parsed data and its cache file, are the same as when one thread does both.

use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use crate::error::RepodataError;
use crate::repo::{DepRecord, FileRecord, PackageRecord, RepoData};
use crate::strings::StrId;

/// A batch is handed over once it holds this many packages...
const PACKAGES: usize = 64;
/// ... or this many bytes of strings.
const TEXT: usize = 64 << 10;
/// Batches in flight between the parser and the interning thread.
const DEPTH: usize = 4;

/// Packages as parsed, their string ids local to the batch: `StrId(k)` is the `k`-th
/// string collected (from 1; `StrId::EMPTY` is the empty string, never collected).
#[derive(Default)]
pub(crate) struct Batch {
    text: String,
    /// Where each string ends in `text`.
    ends: Vec<usize>,
    /// Their dependency and file ranges index this batch's `deps` and `files`.
    pub packages: Vec<PackageRecord>,
    pub deps: Vec<DepRecord>,
    pub files: Vec<FileRecord>,
    /// The root's `packages="N"`, for the first batch to reserve room.
    pub declared: Option<u64>,
}

impl Batch {
    /// Collects `s`; returns its batch-local id.
    #[inline]
    pub fn intern(&mut self, s: &str) -> StrId {
        if s.is_empty() {
            return StrId::EMPTY;
        }
        self.text.push_str(s);
        self.ends.push(self.text.len());
        // A batch holds at most one package more than [`PACKAGES`] and each string is
        // bounded, but a package may have any number of strings.
        StrId(u32::try_from(self.ends.len()).unwrap_or(u32::MAX))
    }

    /// Whether the batch is full enough to hand over.
    pub fn is_full(&self) -> bool {
        self.packages.len() >= PACKAGES || self.text.len() >= TEXT
    }

    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
        self.packages.clear();
        self.deps.clear();
        self.files.clear();
        self.declared = None;
    }

    /// Interns this batch's strings into `out`'s table, in the order they were
    /// collected, and appends its packages with their ids and ranges made `out`'s.
    /// `ids` is scratch space.
    pub fn absorb(
        &self,
        out: &mut RepoData,
        ids: &mut Vec<StrId>,
        path: &Path,
    ) -> Result<(), RepodataError> {
        let too_large = |what| RepodataError::TooLarge {
            path: path.to_path_buf(),
            what,
        };
        if u32::try_from(self.ends.len()).is_err() {
            return Err(too_large("string table size"));
        }
        if let Some(n) = self.declared {
            out.packages.reserve(n.min(1 << 22) as usize);
        }
        ids.clear();
        ids.push(StrId::EMPTY);
        let mut start = 0;
        for &end in &self.ends {
            let id = out.strings.try_intern(&self.text[start..end]);
            ids.push(id.ok_or_else(|| too_large("string table size"))?);
            start = end;
        }
        let (dep_base, file_base) = (out.deps.len(), out.files.len());
        if dep_base + self.deps.len() > u32::MAX as usize {
            return Err(too_large("dependency count"));
        }
        if file_base + self.files.len() > u32::MAX as usize {
            return Err(too_large("file count"));
        }
        let id = |s: StrId| ids[s.index()];
        out.deps.extend(self.deps.iter().map(|d| DepRecord {
            name: id(d.name),
            evr: id(d.evr),
            ..*d
        }));
        (out.files).extend(self.files.iter().map(|f| FileRecord {
            path: id(f.path),
            kind: f.kind,
        }));
        out.packages
            .extend(self.packages.iter().map(|p| PackageRecord {
                name: id(p.name),
                arch: id(p.arch),
                evr: id(p.evr),
                sourcerpm: id(p.sourcerpm),
                location: id(p.location),
                pkgid: id(p.pkgid),
                deps: p.deps.map(|d| d + dep_base as u32),
                files: (p.files.0 + file_base as u32, p.files.1 + file_base as u32),
            }));
        Ok(())
    }
}

/// Where a parser hands its full batches: it gets an empty one back.
pub(crate) trait Sink {
    /// Takes `batch`'s content, leaving it empty. An error stops the parse.
    fn flush(&mut self, batch: &mut Batch) -> Result<(), RepodataError>;
}

/// Absorbs batches on the parser's own thread.
struct Inline<'a> {
    out: &'a mut RepoData,
    ids: Vec<StrId>,
    path: &'a Path,
}

impl Sink for Inline<'_> {
    fn flush(&mut self, batch: &mut Batch) -> Result<(), RepodataError> {
        batch.absorb(self.out, &mut self.ids, self.path)?;
        batch.clear();
        Ok(())
    }
}

/// Sends batches to the interning thread and takes emptied ones back.
struct Piped {
    send: SyncSender<Batch>,
    emptied: Receiver<Batch>,
}

impl Sink for Piped {
    fn flush(&mut self, batch: &mut Batch) -> Result<(), RepodataError> {
        let full = std::mem::replace(batch, self.emptied.try_recv().unwrap_or_default());
        // A closed channel means the interning thread failed: `pipelined` reports its
        // error (about an earlier part of the document), not this placeholder.
        self.send.send(full).map_err(|_| RepodataError::TooLarge {
            path: Default::default(),
            what: "string table size",
        })
    }
}

/// Runs `parse`, which hands its batches to the sink it is given, and absorbs them into
/// `out`: on a second thread when `threaded`, else as they come.
pub(crate) fn pipelined<T>(
    out: &mut RepoData,
    path: &Path,
    threaded: bool,
    parse: impl FnOnce(&mut dyn Sink) -> Result<T, RepodataError>,
) -> Result<T, RepodataError> {
    if !threaded {
        let mut inline = Inline {
            out,
            ids: Vec::new(),
            path,
        };
        return parse(&mut inline);
    }
    let (send, full) = sync_channel::<Batch>(DEPTH);
    let (give_back, emptied) = sync_channel::<Batch>(DEPTH + 2);
    std::thread::scope(|scope| {
        let interning = std::thread::Builder::new()
            .name("ebranch-intern".to_string())
            .spawn_scoped(scope, move || absorb_all(out, &full, &give_back, path));
        let interning = interning.map_err(|e| RepodataError::io(path, e))?;
        let parsed = parse(&mut Piped { send, emptied });
        let absorbed = interning
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        absorbed.and(parsed)
    })
}

/// The interning thread: absorbs every batch until the parser hangs up, or the first
/// error.
fn absorb_all(
    out: &mut RepoData,
    full: &Receiver<Batch>,
    give_back: &SyncSender<Batch>,
    path: &Path,
) -> Result<(), RepodataError> {
    let mut ids = Vec::new();
    for mut batch in full {
        batch.absorb(out, &mut ids, path)?;
        batch.clear();
        let _ = give_back.try_send(batch);
    }
    Ok(())
}

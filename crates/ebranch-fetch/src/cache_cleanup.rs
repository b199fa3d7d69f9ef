//! Removing leftovers from a repo's cache folder (only while its lock is held).

use std::collections::HashSet;
use std::fs;

use ebranch_repodata::Repomd;

use crate::cache_layout::{RepoCache, cached_record};

/// Deletes temp files left by writers that died (see `ebranch_fs::remove_stale_temps`).
pub(crate) fn remove_temp_files(cache: &RepoCache) {
    for dir in [cache.dir.clone(), cache.repodata_dir()] {
        ebranch_fs::remove_stale_temps(&dir);
    }
}

/// Deletes files in `repodata/` that the cache stored for neither the new nor the
/// previous upstream repomd.xml. Keeping one generation back lets a run that read the
/// previous repomd.xml a moment ago still open its files.
pub(crate) fn remove_unreferenced(cache: &RepoCache, current: &Repomd, previous: Option<&Repomd>) {
    let keep: HashSet<String> = current
        .records
        .iter()
        .chain(previous.into_iter().flat_map(|p| p.records.iter()))
        .filter_map(|r| Some(cached_record(r, &r.checksum.as_ref()?.digest()?).href))
        .collect();
    let Ok(entries) = fs::read_dir(cache.repodata_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "repomd.xml" || name.starts_with('.') {
            continue;
        }
        let is_file = entry.file_type().map(|t| t.is_file()).unwrap_or(false);
        if is_file && !keep.contains(&format!("repodata/{name}")) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

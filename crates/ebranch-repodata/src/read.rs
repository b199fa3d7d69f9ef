//! Reading a whole repository directory: repomd.xml, primary, filelists.

use std::path::{Path, PathBuf};

use crate::checksum::verify_file;
use crate::error::RepodataError;
use crate::filelists::parse_filelists;
use crate::primary::parse_primary;
use crate::repo::{ReadOptions, RepoData};
use crate::repomd::{Repomd, RepomdRecord};
use crate::strings::StringTable;
use crate::xml::XmlInput;

/// Record types holding file lists, in order of preference.
const FILELISTS_TYPES: [&str; 2] = ["filelists", "filelists-ext"];

/// Reads the repository rooted at `dir` (which holds `repodata/repomd.xml`):
/// primary always, filelists (or filelists-ext) when `options.filelists`
/// and repomd.xml lists it. Every file's checksum is verified first.
pub fn read_repo(dir: &Path, options: &ReadOptions) -> Result<RepoData, RepodataError> {
    let repomd = Repomd::read(dir)?;
    read_repo_with(dir, &repomd, options)
}

/// Like [`read_repo`], with an already parsed repomd.xml.
pub fn read_repo_with(
    dir: &Path,
    repomd: &Repomd,
    options: &ReadOptions,
) -> Result<RepoData, RepodataError> {
    let primary = repomd
        .record("primary")
        .ok_or_else(|| RepodataError::MissingRecord {
            repomd: repomd.path.clone(),
            record: "primary".to_string(),
        })?;
    let primary_path = checked_file(dir, repomd, primary)?;
    let filelists = if options.filelists {
        FILELISTS_TYPES
            .iter()
            .find_map(|kind| repomd.record(kind))
            .map(|record| Ok((checked_file(dir, repomd, record)?, record.open_size)))
            .transpose()?
    } else {
        None
    };

    let mut out = RepoData {
        strings: table_for(primary.open_size),
        repomd_checksum: repomd.sha256.clone(),
        ..RepoData::default()
    };
    let mut input = XmlInput::open(&primary_path, primary.open_size)?;
    parse_primary(&mut input, &mut out, filelists.is_some())?;
    if let Some((path, open_size)) = filelists {
        let mut input = XmlInput::open(&path, open_size)?;
        parse_filelists(&mut input, &mut out)?;
    }
    // Parsing is over. The hash index is kept: a pool built from these repositories
    // interns the others' strings into the largest one's table, found by this index.
    out.strings.shrink_to_fit();
    out.packages.shrink_to_fit();
    out.deps.shrink_to_fit();
    out.files.shrink_to_fit();
    Ok(out)
}

/// An empty string table with room for what a primary.xml of `open_size` bytes usually
/// holds (about one string per 256 bytes, one byte in 7), so that it is not regrown
/// and rehashed several times over; capped, since repomd.xml can claim any size.
fn table_for(open_size: Option<u64>) -> StringTable {
    let size = open_size.unwrap_or(0).min(1 << 28) as usize;
    StringTable::with_capacity((size / 256).max(1 << 16), (size / 7).max(1 << 20))
}

/// The local path of `record`'s file, checked to exist and to match the
/// checksum in repomd.xml.
pub(crate) fn checked_file(
    dir: &Path,
    repomd: &Repomd,
    record: &RepomdRecord,
) -> Result<PathBuf, RepodataError> {
    let path = repomd.file_path(dir, record)?;
    match std::fs::metadata(&path) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(RepodataError::MissingRecordFile {
                record: record.kind.clone(),
                path,
                repomd: repomd.path.clone(),
            });
        }
        Err(e) => return Err(RepodataError::io(path, e)),
    }
    if let Some(sum) = &record.checksum {
        verify_file(&path, &sum.kind, &sum.hex)?;
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::table_for;

    #[test]
    fn a_claimed_open_size_reserves_a_bounded_table() {
        let most = table_for(Some(u64::MAX)).heap_bytes();
        assert!(most < 64 << 20, "{most} bytes reserved");
        assert_eq!(table_for(Some(1 << 40)).heap_bytes(), most);
        assert!(table_for(None).heap_bytes() < table_for(Some(79 << 20)).heap_bytes());
    }
}

//! Downloading one metadata file to a temp file next to its destination,
//! verified, with mirror failover; the caller renames it into place.

use ebranch_fs::TempFile;

use crate::error::FetchError;
use crate::meta_file::MetaFile;
use crate::session::{Cap, Expected, Session};
use crate::url::join;

/// Downloads one file to a temp file next to its destination, failing over
/// across `mirrors` (or its own `xml:base`). Dropping the temp file removes it.
pub(crate) fn download(
    session: &Session<'_>,
    file: &MetaFile,
    mirrors: &[String],
) -> Result<TempFile, FetchError> {
    let own;
    let bases = match &file.base {
        Some(base) if ebranch_http::policy::is_allowed(base) => {
            own = [base.clone()];
            &own[..]
        }
        _ => mirrors,
    };
    let tmp = prepare_temp(file)?;
    let expected = Expected {
        checksum: &file.checksum,
        size: file.size,
    };
    session.with_failover(&file.href, bases, |base, cap| {
        session.get_to_file(
            &join(base, &file.href),
            &file.href,
            tmp.path(),
            &expected,
            cap,
        )
    })?;
    Ok(tmp)
}

/// One attempt at one mirror, no retries.
pub(crate) fn download_once(
    session: &Session<'_>,
    file: &MetaFile,
    mirror: &str,
) -> Result<TempFile, FetchError> {
    let tmp = prepare_temp(file)?;
    let expected = Expected {
        checksum: &file.checksum,
        size: file.size,
    };
    let url = join(mirror, &file.href);
    session.get_to_file(&url, &file.href, tmp.path(), &expected, Cap::NONE)?;
    Ok(tmp)
}

fn prepare_temp(file: &MetaFile) -> Result<TempFile, FetchError> {
    if let Some(parent) = file.path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| FetchError::io(parent, e))?;
    }
    TempFile::new_for(&file.path).map_err(|e| FetchError::io(&file.path, e))
}

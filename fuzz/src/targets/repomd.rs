//! repomd.xml through `Repomd::parse` (repomd.xml is read as it is, never decompressed).

use std::path::Path;

use ebranch_repodata::Repomd;

use super::Scratch;

pub fn run(_: &Scratch, data: &[u8]) {
    let Ok(repomd) = Repomd::parse(Path::new("repodata/repomd.xml"), data.to_vec()) else {
        return;
    };
    for record in &repomd.records {
        let _ = record.checksum.as_ref().map(|c| c.digest());
        let _ = record.open_checksum.as_ref().map(|c| c.digest());
    }
    for kind in ["primary", "filelists", "filelists-ext"] {
        let _ = repomd.record(kind);
    }
}

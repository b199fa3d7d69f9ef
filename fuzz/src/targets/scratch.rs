//! The harness's scratch directory: small repositories whose metadata files the
//! targets overwrite with each input. Made once per process, before AFL++ forks.

use std::fs;
use std::path::{Path, PathBuf};

/// A repomd.xml naming a primary and a filelists file by fixed paths, without
/// checksums, so that any content reaches the parsers.
const REPOMD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">
  <revision>1</revision>
  <data type="primary"><location href="repodata/primary.xml"/></data>
  <data type="filelists"><location href="repodata/filelists.xml"/></data>
</repomd>
"#;

/// The fixed primary of the filelists target: three packages, joined by these pkgids.
pub const FILELISTS_PKGIDS: [&str; 3] = ["p1", "p2", "p3"];

fn fixed_primary() -> String {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="3">
"#,
    );
    for (i, id) in FILELISTS_PKGIDS.iter().enumerate() {
        xml.push_str(&format!(
            r#"<package type="rpm"><name>pkg{i}</name><arch>noarch</arch><version epoch="0" ver="1.{i}" rel="1"/><checksum type="sha256" pkgid="YES">{id}</checksum><location href="pkg{i}.rpm"/><format><rpm:sourcerpm>pkg{i}-1.{i}-1.src.rpm</rpm:sourcerpm><file>/usr/bin/pkg{i}</file></format></package>
"#
        ));
    }
    xml.push_str("</metadata>\n");
    xml
}

/// Where the targets write their files.
pub struct Scratch {
    root: PathBuf,
    /// The process that made it: processes forked from it (AFL++'s forkserver children)
    /// share it and must leave it in place.
    owner: u32,
}

impl Scratch {
    /// Makes a fresh directory under `base` (a tmpfs is best: `/dev/shm`).
    pub fn create(base: &Path) -> std::io::Result<Scratch> {
        let root = base.join(format!("ebranch-fuzz-{}", std::process::id()));
        for repo in ["primary", "filelists"] {
            let repodata = root.join(repo).join("repodata");
            fs::create_dir_all(&repodata)?;
            fs::write(repodata.join("repomd.xml"), REPOMD)?;
        }
        fs::write(root.join("filelists/repodata/primary.xml"), fixed_primary())?;
        fs::create_dir_all(root.join("cache"))?;
        Ok(Scratch {
            root,
            owner: std::process::id(),
        })
    }

    /// The repository of the primary target (its filelists file is never written).
    pub fn primary_repo(&self) -> PathBuf {
        self.root.join("primary")
    }

    /// The repository of the filelists target (a fixed primary).
    pub fn filelists_repo(&self) -> PathBuf {
        self.root.join("filelists")
    }

    /// A file for index cache contents.
    pub fn cache_file(&self, name: &str) -> PathBuf {
        self.root.join("cache").join(name)
    }

    /// Removes the directory, when called in the process that made it.
    pub fn remove(self) {
        if std::process::id() == self.owner {
            let _ = fs::remove_dir_all(&self.root);
        }
    }
}

/// Writes `bytes` to `path`, which must work (the scratch directory is ours).
pub(super) fn put(path: &Path, bytes: &[u8]) {
    fs::write(path, bytes).unwrap_or_else(|e| panic!("harness: cannot write {path:?}: {e}"));
}

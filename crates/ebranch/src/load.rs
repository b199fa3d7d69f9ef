//! Loading repositories into a pool: in parallel, through the index cache.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use ebranch_index::{ArchSet, Pool, RepoId, RepoInput};
use ebranch_repodata::{ReadOptions, RepoData, load_repo};

use crate::cli::GlobalArgs;

/// A loaded pool and, for each requested repository argument, its id in the pool.
pub struct Loaded {
    /// The pool of all repositories.
    pub pool: Pool,
    /// `ids[i]` is the repository of the i-th argument (duplicates share an id).
    pub ids: Vec<RepoId>,
}

/// The arch set chosen by `--arch` (default: this machine's basearch).
pub fn arch_set(global: &GlobalArgs) -> ArchSet {
    if global.arches.is_empty() {
        ArchSet::default()
    } else {
        ArchSet::for_basearches(global.arches.iter().map(String::as_str))
    }
}

/// The cache directory for parsed indexes, or `None` when caching is off.
pub fn index_cache_dir(global: &GlobalArgs) -> Option<PathBuf> {
    if global.no_cache {
        return None;
    }
    global
        .cache_dir
        .clone()
        .or_else(|| dirs::cache_dir().map(|d| d.join("ebranch")))
        .map(|d| d.join("index"))
}

/// Loads the repositories named by `args` (directories holding `repodata/`).
pub fn load(args: &[String], global: &GlobalArgs) -> Result<Loaded> {
    let mut unique: Vec<PathBuf> = Vec::new();
    let mut ids = Vec::with_capacity(args.len());
    for arg in args {
        let path = repo_dir(arg)?;
        let index = match unique.iter().position(|p| *p == path) {
            Some(i) => i,
            None => {
                unique.push(path);
                unique.len() - 1
            }
        };
        ids.push(RepoId(index as u32));
    }
    let cache = index_cache_dir(global);
    let options = ReadOptions::default();
    let datas: Vec<Result<RepoData>> = std::thread::scope(|scope| {
        let handles: Vec<_> = unique
            .iter()
            .map(|dir| {
                let cache = cache.as_deref();
                let options = &options;
                scope.spawn(move || read_one(dir, cache, options))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("repository loader thread panicked"))
            .collect()
    });
    let mut inputs = Vec::with_capacity(datas.len());
    for (dir, data) in unique.iter().zip(datas) {
        inputs.push(RepoInput {
            label: dir.display().to_string(),
            data: data?,
        });
    }
    let pool = Pool::new(inputs, arch_set(global))?;
    Ok(Loaded { pool, ids })
}

fn read_one(dir: &Path, cache: Option<&Path>, options: &ReadOptions) -> Result<RepoData> {
    let (data, _outcome) = load_repo(dir, cache, options)?;
    Ok(data)
}

/// The local directory of a `--repo` argument (a path or a `file://` URL).
fn repo_dir(arg: &str) -> Result<PathBuf> {
    let path = arg.strip_prefix("file://").unwrap_or(arg);
    if arg.starts_with("http://") || arg.starts_with("https://") {
        anyhow::bail!("remote repository `{arg}` needs network fetching, not available here");
    }
    let path = Path::new(path);
    path.canonicalize()
        .with_context(|| format!("repository `{}` does not exist", path.display()))
}

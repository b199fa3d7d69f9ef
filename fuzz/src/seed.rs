//! Seed corpora, made at run time from real repositories (`../shared/data`, `demo/`)
//! and rpm's test vectors: small slices only, never whole files. The hand-written seeds
//! in `fuzz/seeds/` (metalinks, mirrorlists, reports, rich dependencies) are added by
//! `fuzz.sh`.

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, BufRead, Read};
use std::path::{Path, PathBuf};

use ebranch_repodata::compression::open_decompressed;
use ebranch_repodata::{ReadOptions, Repomd, read_repo, write_cache};

use crate::targets::{Codec, encode};

/// Packages per primary slice, and per filelists slice (the filelists target's fixed
/// primary has three).
const PRIMARY_PACKAGES: usize = 2;
const FILELISTS_PACKAGES: usize = 3;
/// Decompressed bytes scanned per primary for dependency texts.
const SCAN_BYTES: usize = 4 << 20;
/// Most dependency-text seeds.
const MAX_DEPS: usize = 60;
/// Repositories whose slices also get every compression (the rest: plain XML).
const COMPRESSED_REPOS: usize = 3;
/// Largest metadata slice kept as a seed: AFL++ mutates small inputs far better.
const MAX_SLICE: usize = 32 << 10;
/// Largest repository read whole for an index cache seed (its primary file's size).
const CACHE_SOURCE_MAX: u64 = 64 << 10;

/// Writes `out/TARGET/*` for the targets seeded from repositories and test vectors.
pub fn write_all(out: &Path, sources: &[PathBuf]) -> io::Result<()> {
    let mut repos = Vec::new();
    let mut vectors = Vec::new();
    for source in sources {
        find(source, &mut repos, &mut vectors)?;
    }
    repos.sort();
    vectors.sort();
    let mut seeds = Seeds::new(out)?;
    let mut deps = BTreeSet::new();
    for (i, repo) in repos.iter().enumerate() {
        seeds.repo(repo, i < COMPRESSED_REPOS, &mut deps)?;
    }
    for (i, dep) in deps.iter().take(MAX_DEPS).enumerate() {
        seeds.put("rich", &format!("repo-dep-{i:03}"), dep.as_bytes())?;
    }
    for file in &vectors {
        seeds.vectors(file)?;
    }
    for (target, n) in &seeds.counts {
        println!("seeded {target}: {n} inputs");
    }
    Ok(())
}

/// Repository roots (holding `repodata/repomd.xml`) and rpm test vector files under `dir`.
fn find(dir: &Path, repos: &mut Vec<PathBuf>, vectors: &mut Vec<PathBuf>) -> io::Result<()> {
    if dir.join("repodata/repomd.xml").is_file() {
        repos.push(dir.to_path_buf());
        return Ok(());
    }
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        if entry.file_type()?.is_dir() {
            find(&path, repos, vectors)?;
        } else if name == "rpmvercmp.tsv" || name == "rpmdepmatch.tsv" {
            vectors.push(path);
        }
    }
    Ok(())
}

struct Seeds {
    out: PathBuf,
    counts: Vec<(&'static str, usize)>,
}

impl Seeds {
    fn new(out: &Path) -> io::Result<Seeds> {
        fs::create_dir_all(out)?;
        Ok(Seeds {
            out: out.to_path_buf(),
            counts: Vec::new(),
        })
    }

    fn put(&mut self, target: &'static str, name: &str, bytes: &[u8]) -> io::Result<()> {
        let dir = self.out.join(target);
        fs::create_dir_all(&dir)?;
        fs::write(dir.join(name), bytes)?;
        self.count(target);
        Ok(())
    }

    fn count(&mut self, target: &'static str) {
        match self.counts.iter_mut().find(|(t, _)| *t == target) {
            Some((_, n)) => *n += 1,
            None => self.counts.push((target, 1)),
        }
    }

    /// repomd.xml, primary and filelists slices (plain, and compressed both ways for
    /// the first repositories), dependency texts, and an index cache for small ones.
    fn repo(
        &mut self,
        repo: &Path,
        compressed: bool,
        deps: &mut BTreeSet<String>,
    ) -> io::Result<()> {
        let id = repo_id(repo);
        let repomd_bytes = fs::read(Repomd::path_in(repo))?;
        self.put("repomd", &id, &repomd_bytes)?;
        let Ok(repomd) = Repomd::parse(&Repomd::path_in(repo), repomd_bytes) else {
            return Ok(());
        };
        let file = |kind: &str| {
            repomd
                .record(kind)
                .map(|r| repo.join(&r.href))
                .filter(|p| p.is_file())
        };
        if let Some(path) = file("primary") {
            let xml = head_of(&path, SCAN_BYTES)?;
            collect_deps(&xml, deps);
            if let Some(slice) = slice(&xml, PRIMARY_PACKAGES, None) {
                self.metadata("primary", &id, slice.as_bytes(), compressed)?;
            }
            if fs::metadata(&path)?.len() <= CACHE_SOURCE_MAX {
                self.cache(repo, &id)?;
            }
        }
        if let Some(path) = file("filelists") {
            let xml = head_of(&path, 1 << 20)?;
            let ids = crate::targets::FILELISTS_PKGIDS;
            if let Some(slice) = slice(&xml, FILELISTS_PACKAGES, Some(&ids)) {
                self.metadata("filelists", &id, slice.as_bytes(), compressed)?;
            }
        }
        Ok(())
    }

    /// A metadata file seed: plain XML (codec byte 0), and when `compressed` also each
    /// compression done by the harness (codec bytes 1–4) and done here (byte 0).
    fn metadata(
        &mut self,
        target: &'static str,
        id: &str,
        xml: &[u8],
        compressed: bool,
    ) -> io::Result<()> {
        if xml.len() > MAX_SLICE {
            return Ok(());
        }
        let codecs: &[Codec] = if compressed {
            &Codec::ALL
        } else {
            &[Codec::AsIs]
        };
        for &codec in codecs {
            let mut input = vec![codec as u8];
            input.extend_from_slice(xml);
            self.put(target, &format!("{id}-{codec:?}"), &input)?;
            if codec != Codec::AsIs {
                let mut input = vec![Codec::AsIs as u8];
                input.extend(encode(codec, xml));
                self.put(target, &format!("{id}-{codec:?}-file"), &input)?;
            }
        }
        Ok(())
    }

    /// An index cache file of the whole (small) repository, for the cache target's key.
    fn cache(&mut self, repo: &Path, id: &str) -> io::Result<()> {
        let options = ReadOptions::default();
        let Ok(mut data) = read_repo(repo, &options) else {
            return Ok(());
        };
        data.repomd_checksum = crate::targets::CACHE_KEY.to_string();
        let path = self.out.join("cache").join(id);
        fs::create_dir_all(self.out.join("cache"))?;
        write_cache(&data, &options, &path).map_err(io::Error::other)?;
        self.count("cache");
        Ok(())
    }

    /// rpm's test vectors as evr inputs: a flags byte, then the two versions.
    fn vectors(&mut self, file: &Path) -> io::Result<()> {
        let text = fs::read_to_string(file)?;
        let depmatch = file.file_name().is_some_and(|n| n == "rpmdepmatch.tsv");
        for (i, line) in text.lines().skip(1).enumerate() {
            let cols: Vec<&str> = line.split('\t').collect();
            let (flags, a, b) = if depmatch && cols.len() >= 6 {
                let bits = |op: &str| ebranch_rpm::Flags::from_operator(op).map_or(0, |f| f.bits());
                (
                    (bits(cols[1]) >> 1) | (bits(cols[4]) << 2),
                    cols[2],
                    cols[5],
                )
            } else if cols.len() >= 2 {
                (0, cols[0], cols[1])
            } else {
                continue;
            };
            let stem = file.file_stem().unwrap_or_default().to_string_lossy();
            let mut input = vec![flags];
            input.extend_from_slice(format!("{a}\n{b}").as_bytes());
            self.put("evr", &format!("{stem}-{i:03}"), &input)?;
        }
        Ok(())
    }
}

/// A short file name for a repository: its path components after `data`/`demo`.
fn repo_id(repo: &Path) -> String {
    let parts: Vec<String> = repo
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let start = parts
        .iter()
        .rposition(|p| p == "data" || p == "demo")
        .map_or(0, |i| i + 1);
    parts[start..].join("_")
}

/// The first `limit` decompressed bytes of a metadata file, as text.
fn head_of(path: &Path, limit: usize) -> io::Result<String> {
    let file = open_decompressed(path).map_err(io::Error::other)?;
    let mut bytes = Vec::new();
    file.reader.take(limit as u64).read_to_end(&mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The document's head and its first `count` packages, closed, with the root's
/// `packages="N"` set to what is kept. With `pkgids`, each kept package's `pkgid`
/// attribute is replaced by the next one (for joining to the fixed primary).
fn slice(xml: &str, count: usize, pkgids: Option<&[&str]>) -> Option<String> {
    let first = xml.find("<package")?;
    let mut end = first;
    for _ in 0..count {
        end += xml[end..].find("</package>")? + "</package>".len();
    }
    let root_end = xml[..first]
        .rfind("<metadata")
        .or_else(|| xml[..first].rfind("<filelists"))?;
    let root_name = if xml[root_end..].starts_with("<metadata") {
        "metadata"
    } else {
        "filelists"
    };
    let mut head = xml[..first].to_string();
    if let Some(at) = head.find("packages=\"") {
        let value_start = at + "packages=\"".len();
        if let Some(len) = head[value_start..].find('"') {
            head.replace_range(value_start..value_start + len, &count.to_string());
        }
    }
    let mut body = xml[first..end].to_string();
    if let Some(ids) = pkgids {
        let mut rewritten = String::new();
        let mut rest = body.as_str();
        for id in ids {
            let Some(at) = rest.find("pkgid=\"") else {
                break;
            };
            let value_start = at + "pkgid=\"".len();
            let len = rest[value_start..].find('"')?;
            rewritten.push_str(&rest[..value_start]);
            rewritten.push_str(id);
            rest = &rest[value_start + len..];
        }
        rewritten.push_str(rest);
        body = rewritten;
    }
    Some(format!("{head}{body}\n</{root_name}>\n"))
}

/// Collects dependency texts from `name`/`flags`/`ver` attributes of `rpm:entry`
/// elements: rich ones whole, plain ones as `name op evr`.
fn collect_deps(xml: &str, deps: &mut BTreeSet<String>) {
    let mut plain = 0;
    for line in io::Cursor::new(xml).lines().map_while(Result::ok) {
        let Some(at) = line.find("<rpm:entry ") else {
            continue;
        };
        let entry = &line[at..];
        let Some(name) = attr(entry, "name") else {
            continue;
        };
        if name.starts_with('(') {
            deps.insert(name);
        } else if let (Some(flags), Some(ver)) = (attr(entry, "flags"), attr(entry, "ver"))
            && plain < MAX_DEPS / 4
        {
            let op = ebranch_rpm::Flags::from_xml(&flags).map_or("=", |f| f.operator());
            let epoch = attr(entry, "epoch")
                .filter(|e| e != "0")
                .map(|e| format!("{e}:"));
            let rel = attr(entry, "rel").map(|r| format!("-{r}"));
            deps.insert(format!(
                "{name} {op} {}{ver}{}",
                epoch.unwrap_or_default(),
                rel.unwrap_or_default()
            ));
            plain += 1;
        }
    }
}

/// An attribute's value, with XML's predefined entities decoded.
fn attr(element: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = element.find(&key)? + key.len();
    let len = element[start..].find('"')?;
    Some(
        element[start..start + len]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

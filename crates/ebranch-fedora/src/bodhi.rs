//! Bodhi: releases (branch → release name) and a package's updates with their status.

use std::sync::Arc;

use serde::Deserialize;

use crate::http::{HttpError, Request, Response, Transport, decode, exchange, unexpected_status};
use crate::stats::{UpdateQuery, UpdateRecord};
use crate::time::Timestamp;
use crate::url::{ServiceUrl, query};

/// The production Bodhi.
pub const DEFAULT_BODHI_URL: &str = "https://bodhi.fedoraproject.org";

/// Page size asked of Bodhi (its maximum is 1000).
const ROWS_PER_PAGE: &str = "100";
/// Never follow more pages than this.
const MAX_PAGES: u32 = 50;
/// A statistics query may page through this many pages (100,000 updates) and no more.
const MAX_QUERY_PAGES: u32 = 1000;

/// A Bodhi failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodhiError {
    /// Transport or decoding failure.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// A query matches more updates than ebranch will page through.
    #[error(
        "{url} matches {total} updates in {pages} pages; narrow the query (at most {max} pages)"
    )]
    TooLarge {
        /// URL of the first page.
        url: String,
        /// Updates matched.
        total: u64,
        /// Pages of 100.
        pages: u32,
        /// The limit.
        max: u32,
    },
    /// Bodhi answered with its error shape.
    #[error("{url} answered HTTP {status}: {message}")]
    Api {
        /// URL.
        url: String,
        /// HTTP status.
        status: u16,
        /// The joined error descriptions.
        message: String,
    },
}

/// A Bodhi release, e.g. `EPEL-10.1` with branch `epel10`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Release {
    /// Release name used in queries, e.g. `EPEL-9`.
    pub name: String,
    /// dist-git branch, e.g. `epel9`; the leading EPEL 10 minor has `epel10`.
    pub branch: String,
    /// Version, e.g. `9` or `10.0`.
    #[serde(default)]
    pub version: String,
    /// Dist tag, e.g. `epel10.1`.
    #[serde(default)]
    pub dist_tag: String,
    /// `pending`, `frozen`, `current`, `archived`, `disabled`.
    #[serde(default)]
    pub state: String,
}

/// Where an update stands.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UpdateStatus {
    /// Submitted, not yet pushed.
    Pending,
    /// In the testing repository.
    Testing,
    /// In the stable repository.
    Stable,
    /// Withdrawn, replaced, or another status.
    Other(String),
}

impl UpdateStatus {
    /// Parse Bodhi's status string.
    pub fn parse(text: &str) -> Self {
        match text {
            "pending" => Self::Pending,
            "testing" => Self::Testing,
            "stable" => Self::Stable,
            other => Self::Other(other.to_string()),
        }
    }

    /// The status string.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Pending => "pending",
            Self::Testing => "testing",
            Self::Stable => "stable",
            Self::Other(s) => s,
        }
    }

    /// Rank for "how far along": stable > testing > pending > other.
    pub fn rank(&self) -> u8 {
        match self {
            Self::Stable => 3,
            Self::Testing => 2,
            Self::Pending => 1,
            Self::Other(_) => 0,
        }
    }
}

/// One update of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// E.g. `FEDORA-EPEL-2025-1a2b3c4d5e`.
    pub alias: String,
    /// Its status.
    pub status: UpdateStatus,
    /// NVRs of its builds.
    pub builds: Vec<String>,
}

/// Read-only questions about Bodhi.
pub trait Bodhi {
    /// All releases that are not archived.
    fn releases(&self) -> Result<Vec<Release>, BodhiError>;
    /// Updates of source package `package` in release `release` (e.g. `EPEL-9`).
    fn updates(&self, package: &str, release: &str) -> Result<Vec<Update>, BodhiError>;
}

/// The release whose dist-git branch is `branch` (skipping archived ones).
pub fn release_for_branch<'a>(releases: &'a [Release], branch: &str) -> Option<&'a Release> {
    releases
        .iter()
        .find(|r| r.branch == branch && r.state != "archived" && r.state != "disabled")
}

/// Active EPEL 10 branches (`epel10` and each `epel10.N`), to name the minors wanted.
pub fn epel10_branches(releases: &[Release]) -> Vec<String> {
    let mut branches: Vec<String> = releases
        .iter()
        .filter(|r| r.state == "current" || r.state == "pending" || r.state == "frozen")
        .map(|r| r.branch.clone())
        .filter(|b| b == "epel10" || b.starts_with("epel10."))
        .collect();
    branches.sort();
    branches.dedup();
    branches
}

/// The furthest-along update among `updates` (stable > testing > pending), if any.
pub fn best_update(updates: &[Update]) -> Option<&Update> {
    updates
        .iter()
        .filter(|u| u.status.rank() > 0)
        .max_by_key(|u| u.status.rank())
}

/// The Bodhi REST client.
pub struct BodhiClient {
    base: ServiceUrl,
    transport: Arc<dyn Transport>,
}

#[derive(Deserialize)]
struct ReleasesPage {
    releases: Vec<Release>,
    #[serde(default = "one")]
    pages: u32,
}

#[derive(Deserialize)]
struct RawBuild {
    nvr: String,
}

#[derive(Deserialize)]
struct RawUpdate {
    alias: String,
    status: String,
    #[serde(default)]
    builds: Vec<RawBuild>,
}

#[derive(Deserialize)]
struct UpdatesPage {
    updates: Vec<RawUpdate>,
    #[serde(default = "one")]
    pages: u32,
}

fn one() -> u32 {
    1
}

#[derive(Deserialize)]
struct QueryUpdate {
    alias: String,
    status: String,
    #[serde(default)]
    builds: Vec<RawBuild>,
    #[serde(default)]
    date_submitted: Option<String>,
    #[serde(default)]
    date_stable: Option<String>,
}

#[derive(Deserialize)]
struct QueryPage {
    updates: Vec<QueryUpdate>,
    #[serde(default)]
    pages: u32,
    #[serde(default)]
    total: u64,
}

/// A Bodhi date (`YYYY-MM-DD HH:MM:SS`, or null); anything else is a decoding error.
fn bodhi_date(
    url: &str,
    alias: &str,
    field: &str,
    text: Option<String>,
) -> Result<Option<Timestamp>, HttpError> {
    match text.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => Timestamp::parse(t)
            .map(Some)
            .ok_or_else(|| HttpError::Decode {
                url: url.to_string(),
                message: format!("update {alias} has {field} {t:?}, not a date"),
            }),
    }
}

#[derive(Deserialize)]
struct CorniceError {
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
struct CorniceBody {
    errors: Vec<CorniceError>,
}

impl BodhiClient {
    /// A client for the Bodhi at `base`.
    pub fn new(base: ServiceUrl, transport: Arc<dyn Transport>) -> Self {
        Self { base, transport }
    }

    fn get(&self, path: &str, params: &[(&str, &str)]) -> Result<(String, Response), BodhiError> {
        let url = format!("{}{}", self.base.join(path), query(params));
        let response = exchange(&*self.transport, &Request::get(&url))?;
        if response.is_success() {
            return Ok((url, response));
        }
        Err(match serde_json::from_str::<CorniceBody>(&response.body) {
            Ok(body) => BodhiError::Api {
                url,
                status: response.status,
                message: body
                    .errors
                    .into_iter()
                    .map(|e| e.description)
                    .collect::<Vec<_>>()
                    .join("; "),
            },
            Err(_) => unexpected_status(&url, &response).into(),
        })
    }
}

impl BodhiClient {
    /// Every update `query` matches, asked for in pages of 100 (Bodhi is slow on large
    /// pages), in Bodhi's order (newest submission first).
    pub fn query_updates(&self, query: &UpdateQuery) -> Result<Vec<UpdateRecord>, BodhiError> {
        let params = query.params();
        let mut all = Vec::new();
        let mut page = 1;
        loop {
            let page_text = page.to_string();
            let mut pairs: Vec<(&str, &str)> =
                params.iter().map(|(k, v)| (*k, v.as_str())).collect();
            pairs.push(("rows_per_page", ROWS_PER_PAGE));
            pairs.push(("page", &page_text));
            let (url, response) = self.get("/updates/", &pairs)?;
            let body: QueryPage = decode(&url, &response)?;
            if body.pages > MAX_QUERY_PAGES {
                return Err(BodhiError::TooLarge {
                    url,
                    total: body.total,
                    pages: body.pages,
                    max: MAX_QUERY_PAGES,
                });
            }
            for u in body.updates {
                all.push(UpdateRecord {
                    date_submitted: bodhi_date(&url, &u.alias, "date_submitted", u.date_submitted)?,
                    date_stable: bodhi_date(&url, &u.alias, "date_stable", u.date_stable)?,
                    builds: u.builds.into_iter().map(|b| b.nvr).collect(),
                    status: u.status,
                    alias: u.alias,
                });
            }
            if page >= body.pages {
                return Ok(all);
            }
            page += 1;
        }
    }
}

impl Bodhi for BodhiClient {
    fn releases(&self) -> Result<Vec<Release>, BodhiError> {
        let mut all = Vec::new();
        let mut page = 1;
        loop {
            let page_text = page.to_string();
            let params = [
                ("exclude_archived", "1"),
                ("rows_per_page", ROWS_PER_PAGE),
                ("page", page_text.as_str()),
            ];
            let (url, response) = self.get("/releases/", &params)?;
            let body: ReleasesPage = decode(&url, &response)?;
            all.extend(body.releases);
            if page >= body.pages || page >= MAX_PAGES {
                return Ok(all);
            }
            page += 1;
        }
    }

    fn updates(&self, package: &str, release: &str) -> Result<Vec<Update>, BodhiError> {
        let mut all = Vec::new();
        let mut page = 1;
        loop {
            let page_text = page.to_string();
            let params = [
                ("packages", package),
                ("releases", release),
                ("rows_per_page", ROWS_PER_PAGE),
                ("page", page_text.as_str()),
            ];
            let (url, response) = self.get("/updates/", &params)?;
            let body: UpdatesPage = decode(&url, &response)?;
            all.extend(body.updates.into_iter().map(|u| Update {
                alias: u.alias,
                status: UpdateStatus::parse(&u.status),
                builds: u.builds.into_iter().map(|b| b.nvr).collect(),
            }));
            if page >= body.pages || page >= MAX_PAGES {
                return Ok(all);
            }
            page += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(name: &str, branch: &str, state: &str) -> Release {
        Release {
            name: name.into(),
            branch: branch.into(),
            version: String::new(),
            dist_tag: String::new(),
            state: state.into(),
        }
    }

    #[test]
    fn branch_maps_to_leading_release() {
        let rs = vec![
            release("EPEL-10.0", "epel10.0", "current"),
            release("EPEL-10.1", "epel10", "current"),
            release("EPEL-9", "epel9", "archived"),
        ];
        assert_eq!(release_for_branch(&rs, "epel10").unwrap().name, "EPEL-10.1");
        assert!(release_for_branch(&rs, "epel9").is_none());
        assert_eq!(epel10_branches(&rs), vec!["epel10", "epel10.0"]);
    }

    #[test]
    fn best_update_prefers_stable() {
        let u = |alias: &str, s: &str| Update {
            alias: alias.into(),
            status: UpdateStatus::parse(s),
            builds: vec![],
        };
        let ups = vec![u("a", "obsolete"), u("b", "testing"), u("c", "stable")];
        assert_eq!(best_update(&ups).unwrap().alias, "c");
        assert!(best_update(&[u("x", "unpushed")]).is_none());
    }
}

//! The Bugzilla REST client (`/rest/bug…`), authenticating with `Authorization: Bearer`.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;

use super::Bugzilla;
use super::error::BugzillaError;
use super::model::{Bug, BugSearch, BugUpdate, Comment, NewBug};
use crate::http::{Method, Request, Response, Transport, decode, exchange, unexpected_status};
use crate::secret::ApiKey;
use crate::url::{ServiceUrl, encode, query};

/// Red Hat's Bugzilla.
pub const DEFAULT_BUGZILLA_URL: &str = "https://bugzilla.redhat.com";

/// Fields asked for on every bug read.
const INCLUDE_FIELDS: &str = "id,summary,status,resolution,product,component,version,assigned_to,creator,creation_time,last_change_time,depends_on,blocks,flags";
/// Rows per search page (Red Hat's default is 20, its maximum 1000).
const PAGE: usize = 100;
/// Never follow more search pages than this.
const MAX_PAGES: usize = 20;
/// Bugs per `GET /rest/bug?id=…`.
const IDS_PER_GET: usize = 100;

/// Blocking client for a Bugzilla REST API.
pub struct BugzillaClient {
    base: ServiceUrl,
    transport: Arc<dyn Transport>,
    key: Option<ApiKey>,
    writes_need_key: bool,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    error: bool,
    #[serde(default)]
    code: i64,
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
struct BugsBody {
    #[serde(default)]
    bugs: Vec<Bug>,
}

#[derive(Deserialize)]
struct SearchBody {
    #[serde(default)]
    bugs: Vec<Bug>,
    #[serde(default)]
    total_matches: Option<u64>,
}

#[derive(Deserialize)]
struct IdBody {
    id: u64,
}

#[derive(Deserialize)]
struct CommentList {
    comments: Vec<Comment>,
}

#[derive(Deserialize)]
struct CommentsBody {
    bugs: HashMap<String, CommentList>,
}

impl BugzillaClient {
    /// A client for the Bugzilla at `base` (without `/rest`).
    pub fn new(base: ServiceUrl, transport: Arc<dyn Transport>, key: Option<ApiKey>) -> Self {
        Self {
            base,
            transport,
            key,
            writes_need_key: true,
        }
    }

    /// Let writes go out without a key (for dry runs, where nothing is sent).
    pub fn allow_writes_without_key(mut self) -> Self {
        self.writes_need_key = false;
        self
    }

    fn send(&self, request: Request) -> Result<Response, BugzillaError> {
        if request.method.is_write() && self.writes_need_key && self.key.is_none() {
            return Err(BugzillaError::NoApiKey {
                method: request.method,
                url: request.url,
            });
        }
        let request = request.bearer(self.key.as_ref());
        let response = exchange(&*self.transport, &request)?;
        if response.is_success() {
            return Ok(response);
        }
        Err(match serde_json::from_str::<ErrorBody>(&response.body) {
            Ok(body) if body.error || body.code != 0 => BugzillaError::Api {
                method: request.method,
                url: request.url.clone(),
                status: response.status,
                code: body.code,
                message: body.message,
            },
            _ => unexpected_status(&request.url, &response).into(),
        })
    }

    fn get_bugs(&self, url: &str) -> Result<Vec<Bug>, BugzillaError> {
        let response = self.send(Request::get(url))?;
        Ok(decode::<BugsBody>(url, &response)?.bugs)
    }
}

impl Bugzilla for BugzillaClient {
    fn search(&self, search: &BugSearch) -> Result<Vec<Bug>, BugzillaError> {
        let mut found = Vec::new();
        for _ in 0..MAX_PAGES {
            let offset = found.len().to_string();
            let limit = PAGE.to_string();
            let mut params: Vec<(&str, &str)> = Vec::new();
            params.extend(search.products.iter().map(|p| ("product", p.as_str())));
            if let Some(c) = &search.component {
                params.push(("component", c));
            }
            if let Some(s) = &search.summary {
                params.push(("summary", s));
            }
            params.extend(search.statuses.iter().map(|s| ("status", s.as_str())));
            params.extend([
                ("include_fields", INCLUDE_FIELDS),
                ("order", "bug_id"),
                ("limit", limit.as_str()),
                ("offset", offset.as_str()),
            ]);
            let url = format!("{}{}", self.base.join("/rest/bug"), query(&params));
            let response = self.send(Request::get(&url))?;
            let page: SearchBody = decode(&url, &response)?;
            let got = page.bugs.len();
            found.extend(page.bugs);
            // Red Hat caps pages (20 for anonymous users) and reports `total_matches`.
            let more = match page.total_matches {
                Some(total) => (found.len() as u64) < total,
                None => got >= PAGE,
            };
            if got == 0 || !more {
                break;
            }
        }
        Ok(found)
    }

    fn get(&self, ids: &[u64]) -> Result<Vec<Bug>, BugzillaError> {
        let mut found = Vec::new();
        for chunk in ids.chunks(IDS_PER_GET) {
            let list: Vec<String> = chunk.iter().map(u64::to_string).collect();
            let list = list.join(",");
            let params = [("id", list.as_str()), ("include_fields", INCLUDE_FIELDS)];
            let url = format!("{}{}", self.base.join("/rest/bug"), query(&params));
            found.extend(self.get_bugs(&url)?);
        }
        Ok(found)
    }

    fn resolve(&self, id_or_alias: &str) -> Result<u64, BugzillaError> {
        let path = format!("/rest/bug/{}", encode(id_or_alias.trim()));
        let url = format!(
            "{}{}",
            self.base.join(&path),
            query(&[("include_fields", "id")])
        );
        match self.get_bugs(&url) {
            Ok(bugs) => bugs.first().map(|b| b.id).ok_or(BugzillaError::NotFound {
                url,
                what: id_or_alias.to_string(),
            }),
            Err(e) if matches!(e.code(), Some(100 | 101)) => Err(BugzillaError::NotFound {
                url,
                what: id_or_alias.to_string(),
            }),
            Err(e) => Err(e),
        }
    }

    fn create(&self, bug: &NewBug) -> Result<u64, BugzillaError> {
        let url = self.base.join("/rest/bug");
        let response = self.send(Request::with_body(Method::Post, &url, bug.to_json()))?;
        Ok(decode::<IdBody>(&url, &response)?.id)
    }

    fn update(&self, id: u64, update: &BugUpdate) -> Result<(), BugzillaError> {
        let url = self.base.join(&format!("/rest/bug/{id}"));
        self.send(Request::with_body(Method::Put, &url, update.to_json()))?;
        Ok(())
    }

    fn comments(&self, id: u64) -> Result<Vec<Comment>, BugzillaError> {
        let url = self.base.join(&format!("/rest/bug/{id}/comment"));
        let response = self.send(Request::get(&url))?;
        let mut body: CommentsBody = decode(&url, &response)?;
        let mut comments = body
            .bugs
            .remove(&id.to_string())
            .map(|c| c.comments)
            .unwrap_or_default();
        comments.sort_by_key(|c| c.count);
        Ok(comments)
    }
}

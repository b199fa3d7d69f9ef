//! The Bugzilla REST client (`/rest/bug…`), authenticating with `Authorization: Bearer`.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde::Deserialize;

use super::Bugzilla;
use super::error::BugzillaError;
use super::model::{Bug, BugSearch, BugUpdate, Comment, NewBug};
use ebranch_http::retry::{Attempt, is_retryable_status};

use crate::http::{
    HttpError, Method, Request, Response, Transport, decode, exchange, unexpected_status,
};
use crate::secret::ApiKey;
use crate::url::{ServiceUrl, encode, query};

/// Red Hat's Bugzilla.
pub const DEFAULT_BUGZILLA_URL: &str = "https://bugzilla.redhat.com";

/// Fields asked for on every bug read.
const INCLUDE_FIELDS: &str = "id,summary,status,resolution,product,component,version,assigned_to,creator,creation_time,last_change_time,depends_on,blocks,flags,dupe_of";
/// Rows per search page asked for (Red Hat's default is 20, its maximum 1000; anonymous
/// searches get 20 whatever is asked).
const PAGE: usize = 100;
/// A search reads at most this many bugs. One that matches more fails (it is never cut
/// short silently): no branch-request search of one component comes near it.
pub const MAX_SEARCH_RESULTS: u64 = 5_000;
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
    /// Red Hat's count of all matches (upstream Bugzilla sends none).
    #[serde(default, deserialize_with = "count")]
    total_matches: Option<u64>,
}

/// A count sent as a number or as a string of digits.
fn count<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
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

    /// Send `request` once (a read is retried by the transport) and turn an error answer
    /// into a [`BugzillaError`].
    fn send(&self, request: Request) -> Result<Response, BugzillaError> {
        let request = self.authorised(request)?;
        let response = exchange(&*self.transport, &request)?;
        Self::answer(&request, response)
    }

    /// The key attached; a write without one is refused (unless allowed, in dry runs).
    fn authorised(&self, request: Request) -> Result<Request, BugzillaError> {
        if request.method.is_write() && self.writes_need_key && self.key.is_none() {
            return Err(BugzillaError::NoApiKey {
                method: request.method,
                url: request.url,
            });
        }
        Ok(request.bearer(self.key.as_ref()))
    }

    /// Send a write. When its answer is lost (429, 502, 503, 504, or a failed
    /// connection) it may or may not have been done: wait as the retry policy says, look
    /// for its effect with `effect`, and send it again only when the effect is not there.
    /// After the last attempt the effect is looked for once more. When it cannot be
    /// looked for, nothing more is sent: the error says so.
    fn write<T>(
        &self,
        request: Request,
        done: impl Fn(&Response) -> Result<T, BugzillaError>,
        effect: impl Fn() -> Result<Option<T>, BugzillaError>,
    ) -> Result<T, BugzillaError> {
        let request = self.authorised(request)?;
        let retries = self.transport.retries();
        // The error of the last attempt, when its answer was lost.
        let mut unanswered: Option<BugzillaError> = None;
        let result = retries.policy.run(
            |d| retries.sleep(d),
            |_| {
                if let Some(write) = unanswered.take() {
                    match look(write, &effect) {
                        Ok(Some(found)) => return Attempt::Done(Ok(found)),
                        Ok(None) => {}
                        Err(e) => return Attempt::Done(Err(e)),
                    }
                }
                let (error, after) = match exchange(&*self.transport, &request) {
                    Ok(r) if is_retryable_status(r.status) => {
                        let after = r.retry_after;
                        (unexpected_status(&request.url, &r).into(), after)
                    }
                    Err(e @ HttpError::Transport { .. }) => (e.into(), None),
                    other => {
                        let answer = other
                            .map_err(BugzillaError::from)
                            .and_then(|r| Self::answer(&request, r));
                        return Attempt::Done(answer.and_then(|r| done(&r)));
                    }
                };
                unanswered = Some(BugzillaError::clone(&error));
                Attempt::Retry {
                    last: Err(error),
                    after,
                }
            },
        );
        match (result, unanswered) {
            (Err(_), Some(write)) => match look(BugzillaError::clone(&write), &effect)? {
                Some(found) => Ok(found),
                None => Err(write),
            },
            (result, _) => result,
        }
    }

    /// `response` when it is a success, else the error it says.
    fn answer(request: &Request, response: Response) -> Result<Response, BugzillaError> {
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

    fn search_url(&self, search: &BugSearch, offset: usize) -> String {
        let offset = offset.to_string();
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
        format!("{}{}", self.base.join("/rest/bug"), query(&params))
    }

    /// The bug `bug` would be, if it was filed: open, same product, component, version
    /// and summary; the newest such.
    fn find_created(&self, bug: &NewBug) -> Result<Option<u64>, BugzillaError> {
        let search = BugSearch {
            products: vec![bug.product.clone()],
            component: Some(bug.component.clone()),
            summary: Some(bug.summary.clone()),
            statuses: Vec::new(),
        };
        let found = self.search(&search)?;
        Ok(found
            .iter()
            .filter(|b| b.is_open() && b.summary == bug.summary && b.version == bug.version)
            .map(|b| b.id)
            .max())
    }

    /// Whether bug `id` shows `update` done (`Some(())`).
    fn find_updated(
        &self,
        id: u64,
        update: &BugUpdate,
        comments_before: Option<usize>,
    ) -> Result<Option<()>, BugzillaError> {
        let Some(bug) = self.get(&[id])?.into_iter().find(|b| b.id == id) else {
            return Ok(None);
        };
        let linked = update
            .add_depends_on
            .iter()
            .all(|d| bug.depends_on.contains(d))
            && update.add_blocks.iter().all(|b| bug.blocks.contains(b));
        let said = match (&update.comment, comments_before) {
            (Some(text), Some(before)) => self
                .comments(id)?
                .iter()
                .skip(before)
                .any(|c| c.text.trim() == text.trim()),
            _ => update.needinfo.as_ref().is_none_or(|who| {
                bug.flags.iter().any(|f| {
                    f.name == "needinfo" && f.status == "?" && f.requestee.as_ref() == Some(who)
                })
            }),
        };
        Ok((linked && said).then_some(()))
    }

    fn get_bugs(&self, url: &str) -> Result<Vec<Bug>, BugzillaError> {
        let response = self.send(Request::get(url))?;
        Ok(decode::<BugsBody>(url, &response)?.bugs)
    }
}

/// After the answer to `write` was lost: its effect if it is there, `None` if not, an
/// error if it could not be looked for.
fn look<T>(
    write: BugzillaError,
    effect: &impl Fn() -> Result<Option<T>, BugzillaError>,
) -> Result<Option<T>, BugzillaError> {
    effect().map_err(|check| BugzillaError::Unconfirmed {
        write: Box::new(write),
        check: Box::new(check),
    })
}

impl Bugzilla for BugzillaClient {
    /// Every match, page by page (ordered by bug number, so pages do not shift), until
    /// Red Hat's `total_matches` are all read, or, from a server that does not count, until
    /// an empty page. Fails rather than return part of the matches.
    fn search(&self, search: &BugSearch) -> Result<Vec<Bug>, BugzillaError> {
        let mut found: Vec<Bug> = Vec::new();
        let mut seen = HashSet::new();
        let mut offset = 0;
        loop {
            let url = self.search_url(search, offset);
            let response = self.send(Request::get(&url))?;
            let page: SearchBody = decode(&url, &response)?;
            let got = page.bugs.len();
            offset += got;
            found.extend(page.bugs.into_iter().filter(|b| seen.insert(b.id)));
            let read = found.len() as u64;
            let total = page.total_matches;
            if total.unwrap_or(read) > MAX_SEARCH_RESULTS {
                return Err(BugzillaError::TooManyMatches {
                    url,
                    total,
                    cap: MAX_SEARCH_RESULTS,
                });
            }
            match total {
                Some(total) if read >= total => return Ok(found),
                Some(total) if got == 0 => {
                    return Err(BugzillaError::Incomplete { url, read, total });
                }
                None if got == 0 => return Ok(found),
                _ => {}
            }
        }
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

    /// A create whose answer was lost is looked for as an open bug of the same product,
    /// component, version and summary (the newest such); only if there is none is it
    /// sent again.
    fn create(&self, bug: &NewBug) -> Result<u64, BugzillaError> {
        let url = self.base.join("/rest/bug");
        self.write(
            Request::with_body(Method::Post, &url, bug.to_json()),
            |response| Ok(decode::<IdBody>(&url, response)?.id),
            || self.find_created(bug),
        )
    }

    /// An update whose answer was lost is looked for in the bug: the links added, and
    /// the comment (a comment with its text after those there before the update; they
    /// are counted first) or else the `needinfo?` asked. Only if it is not there is it
    /// sent again.
    fn update(&self, id: u64, update: &BugUpdate) -> Result<(), BugzillaError> {
        let url = self.base.join(&format!("/rest/bug/{id}"));
        let comments_before = match &update.comment {
            Some(_) => Some(self.comments(id)?.len()),
            None => None,
        };
        self.write(
            Request::with_body(Method::Put, &url, update.to_json()),
            |_| Ok(()),
            || self.find_updated(id, update, comments_before),
        )
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

//! Bugzilla: bug model, the `Bugzilla` trait, errors, and the REST client.

mod error;
mod model;
mod rest;
mod title;

pub use error::BugzillaError;
pub use model::{Bug, BugSearch, BugUpdate, Comment, Flag, NewBug, is_branch_request_for};
pub use rest::{BugzillaClient, DEFAULT_BUGZILLA_URL, MAX_SEARCH_RESULTS};
pub use title::is_request_title;

/// What ebranch asks of Bugzilla.
pub trait Bugzilla {
    /// Bugs matching `search` (all pages).
    fn search(&self, search: &BugSearch) -> Result<Vec<Bug>, BugzillaError>;
    /// The bugs with these numbers (missing ones are left out).
    fn get(&self, ids: &[u64]) -> Result<Vec<Bug>, BugzillaError>;
    /// The number of the bug called `id_or_alias` (e.g. a tracker alias).
    fn resolve(&self, id_or_alias: &str) -> Result<u64, BugzillaError>;
    /// File a bug; returns its number.
    fn create(&self, bug: &NewBug) -> Result<u64, BugzillaError>;
    /// Change a bug (links are added, never replaced).
    fn update(&self, id: u64, update: &BugUpdate) -> Result<(), BugzillaError>;
    /// The bug's comments, the description (count 0) first.
    fn comments(&self, id: u64) -> Result<Vec<Comment>, BugzillaError>;
}

//! dist-git (the Pagure API of src.fedoraproject.org): branches, retirement, access.

use std::sync::Arc;

use serde::Deserialize;

use crate::http::{HttpError, Request, Response, Transport, decode, exchange, unexpected_status};
use crate::url::{ServiceUrl, encode};

/// The production dist-git.
pub const DEFAULT_DIST_GIT_URL: &str = "https://src.fedoraproject.org";

/// A dist-git failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DistGitError {
    /// Transport or decoding failure.
    #[error(transparent)]
    Http(#[from] HttpError),
    /// Pagure answered with its error shape.
    #[error("{url} answered HTTP {status} {code}: {message}")]
    Api {
        /// URL.
        url: String,
        /// HTTP status.
        status: u16,
        /// Pagure's `error_code`, e.g. `ENOPROJECT`.
        code: String,
        /// Pagure's `error` text.
        message: String,
    },
}

/// Who may commit to a package.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    /// The main admin(s) (`orphan` for orphaned packages).
    pub owners: Vec<String>,
    /// Users with owner, admin or commit access.
    pub users: Vec<String>,
    /// Users with collaborator access (limited to some branches).
    pub collaborators: Vec<String>,
    /// Groups with admin or commit access.
    pub groups: Vec<String>,
    /// Groups with collaborator access.
    pub collaborator_groups: Vec<String>,
}

impl Access {
    /// Whether `user` has full commit access directly (groups are not expanded).
    pub fn can_commit(&self, user: &str) -> bool {
        self.users.iter().any(|u| u == user)
    }
}

/// Read-only questions about dist-git.
pub trait DistGit {
    /// The package's branches; `None` when dist-git has no such package.
    fn branches(&self, package: &str) -> Result<Option<Vec<String>>, DistGitError>;
    /// Whether `branch` of the package is retired (holds `dead.package`).
    fn is_retired(&self, package: &str, branch: &str) -> Result<bool, DistGitError>;
    /// People and groups with commit access; `None` when there is no such package.
    fn access(&self, package: &str) -> Result<Option<Access>, DistGitError>;
}

/// The Pagure REST client for dist-git (`/api/0/rpms/...`).
pub struct PagureClient {
    base: ServiceUrl,
    transport: Arc<dyn Transport>,
}

impl PagureClient {
    /// A client for the dist-git at `base`.
    pub fn new(base: ServiceUrl, transport: Arc<dyn Transport>) -> Self {
        Self { base, transport }
    }

    fn get(&self, path: &str) -> Result<(String, Response), DistGitError> {
        let url = self.base.join(path);
        let response = exchange(&*self.transport, &Request::get(&url))?;
        Ok((url, response))
    }
}

#[derive(Deserialize)]
struct PagureErrorBody {
    error: String,
    #[serde(default)]
    error_code: String,
}

/// Map a non-2xx response: Pagure's error shape if present, else a status error.
fn api_error(url: &str, response: &Response) -> DistGitError {
    match serde_json::from_str::<PagureErrorBody>(&response.body) {
        Ok(body) => DistGitError::Api {
            url: url.to_string(),
            status: response.status,
            code: body.error_code,
            message: body.error,
        },
        Err(_) => unexpected_status(url, response).into(),
    }
}

#[derive(Deserialize)]
struct BranchesBody {
    branches: Vec<String>,
}

#[derive(Deserialize, Default)]
struct AccessLists {
    #[serde(default)]
    owner: Vec<String>,
    #[serde(default)]
    admin: Vec<String>,
    #[serde(default)]
    commit: Vec<String>,
    #[serde(default)]
    collaborator: Vec<String>,
}

#[derive(Deserialize)]
struct ProjectBody {
    #[serde(default)]
    access_users: AccessLists,
    #[serde(default)]
    access_groups: AccessLists,
}

impl DistGit for PagureClient {
    fn branches(&self, package: &str) -> Result<Option<Vec<String>>, DistGitError> {
        let (url, response) = self.get(&format!("/api/0/rpms/{}/git/branches", encode(package)))?;
        match response.status {
            200 => Ok(Some(decode::<BranchesBody>(&url, &response)?.branches)),
            404 => Ok(None),
            _ => Err(api_error(&url, &response)),
        }
    }

    fn is_retired(&self, package: &str, branch: &str) -> Result<bool, DistGitError> {
        let path = format!(
            "/rpms/{}/raw/{}/f/dead.package",
            encode(package),
            encode(branch)
        );
        let (url, response) = self.get(&path)?;
        match response.status {
            200 => Ok(true),
            404 => Ok(false),
            _ => Err(api_error(&url, &response)),
        }
    }

    fn access(&self, package: &str) -> Result<Option<Access>, DistGitError> {
        let (url, response) = self.get(&format!("/api/0/rpms/{}", encode(package)))?;
        match response.status {
            200 => {
                let body: ProjectBody = decode(&url, &response)?;
                let u = body.access_users;
                let g = body.access_groups;
                let owners = u.owner.clone();
                let mut users: Vec<String> = [u.owner, u.admin, u.commit].concat();
                users.sort();
                users.dedup();
                let mut groups: Vec<String> = [g.owner, g.admin, g.commit].concat();
                groups.sort();
                groups.dedup();
                Ok(Some(Access {
                    owners,
                    users,
                    collaborators: u.collaborator,
                    groups,
                    collaborator_groups: g.collaborator,
                }))
            }
            404 => Ok(None),
            _ => Err(api_error(&url, &response)),
        }
    }
}

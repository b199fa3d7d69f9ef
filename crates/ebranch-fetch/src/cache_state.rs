//! The small JSON file that records when a cached repo was last checked
//! against the network and which mirror answered.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::error::FetchError;

/// Contents of `ebranch-fetch.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CacheState {
    /// Seconds since the epoch of the last successful check.
    pub checked_at: u64,
    /// Base URL of the mirror that served repomd.xml.
    pub mirror: Option<String>,
}

impl CacheState {
    /// A state stamped now.
    pub fn now(mirror: Option<String>) -> CacheState {
        CacheState {
            checked_at: unix_now(),
            mirror,
        }
    }

    /// Reads the file; `None` when missing, unreadable or not a regular file (it is
    /// replaced on the next save).
    pub fn load(path: &Path) -> Option<CacheState> {
        let text = ebranch_fs::read_regular(path).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// Writes the file atomically.
    pub fn save(&self, path: &Path) -> Result<(), FetchError> {
        let text = serde_json::to_vec_pretty(self).expect("state serializes");
        ebranch_fs::replace_file(path, &text).map_err(|e| FetchError::io(path, e))
    }

    /// True when checked less than `expire` ago (a time in the future is not fresh).
    pub fn is_fresh(&self, expire: Duration) -> bool {
        let now = unix_now();
        now >= self.checked_at && now - self.checked_at < expire.as_secs()
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freshness() {
        let state = CacheState::now(None);
        assert!(state.is_fresh(Duration::from_secs(60)));
        assert!(!state.is_fresh(Duration::ZERO));
        let future = CacheState {
            checked_at: unix_now() + 1000,
            mirror: None,
        };
        assert!(!future.is_fresh(Duration::from_secs(60)));
    }
}

//! Finding the Bugzilla API key: environment, our config, python-bugzilla's bugzillarc.

use std::path::{Path, PathBuf};

use crate::secret::ApiKey;

/// The environment variable that holds the API key.
pub const API_KEY_ENV: &str = "BUGZILLA_API_KEY";

/// A config file that could not be read or parsed.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The file exists but could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Our TOML config does not parse (the parser's message is not shown: it may quote the key).
    #[error("cannot parse {path} as TOML")]
    Toml {
        /// The file.
        path: PathBuf,
    },
}

/// Where the key was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOrigin {
    /// The `BUGZILLA_API_KEY` environment variable.
    Environment,
    /// A config file (ours or a bugzillarc).
    File(PathBuf),
}

/// The places to look, in order. Build it with [`KeySources::from_environment`] or by hand in tests.
#[derive(Debug, Clone, Default)]
pub struct KeySources {
    /// Value of `BUGZILLA_API_KEY`, if set.
    pub env_value: Option<String>,
    /// Our TOML config (`[bugzilla] api_key = "..."`).
    pub config: Option<PathBuf>,
    /// python-bugzilla rc files (INI, section named by host, `api_key=`), in order.
    pub bugzillarc: Vec<PathBuf>,
    /// The Bugzilla host whose bugzillarc section counts, e.g. `bugzilla.redhat.com`.
    pub host: String,
}

/// A key and where it came from, plus warnings to show the user.
#[derive(Debug, Clone)]
pub struct FoundKey {
    /// The key, or `None` when no source had one.
    pub key: Option<ApiKey>,
    /// Its origin.
    pub origin: Option<KeyOrigin>,
    /// E.g. "file X holding the key is readable by others".
    pub warnings: Vec<String>,
}

impl KeySources {
    /// The usual places: the env var, `~/.config/ebranch/config.toml`,
    /// `~/.config/python-bugzilla/bugzillarc`, `~/.bugzillarc`.
    pub fn from_environment(host: &str) -> Self {
        let env_value = std::env::var(API_KEY_ENV).ok();
        let config = dirs::config_dir().map(|d| d.join("ebranch").join("config.toml"));
        let mut bugzillarc = Vec::new();
        if let Some(d) = dirs::config_dir() {
            bugzillarc.push(d.join("python-bugzilla").join("bugzillarc"));
        }
        if let Some(h) = dirs::home_dir() {
            bugzillarc.push(h.join(".bugzillarc"));
        }
        Self {
            env_value,
            config,
            bugzillarc,
            host: host.to_string(),
        }
    }

    /// Look through the sources in order; the first key found wins.
    pub fn find(&self) -> Result<FoundKey, KeyError> {
        if let Some(key) = self.env_value.as_deref().and_then(ApiKey::new) {
            return Ok(FoundKey {
                key: Some(key),
                origin: Some(KeyOrigin::Environment),
                warnings: Vec::new(),
            });
        }
        if let Some(path) = &self.config {
            let text = read_optional(path)?;
            if let Some(key) = text.map(|t| key_from_toml(path, &t)).transpose()?.flatten() {
                return Ok(found_in_file(key, path));
            }
        }
        for path in &self.bugzillarc {
            let text = read_optional(path)?;
            if let Some(key) = text.and_then(|t| key_from_bugzillarc(&t, &self.host)) {
                return Ok(found_in_file(key, path));
            }
        }
        Ok(FoundKey {
            key: None,
            origin: None,
            warnings: Vec::new(),
        })
    }
}

fn found_in_file(key: ApiKey, path: &Path) -> FoundKey {
    FoundKey {
        key: Some(key),
        origin: Some(KeyOrigin::File(path.to_path_buf())),
        warnings: readable_by_others(path).into_iter().collect(),
    }
}

fn read_optional(path: &Path) -> Result<Option<String>, KeyError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(KeyError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// `[bugzilla] api_key = "..."` from our TOML config.
fn key_from_toml(path: &Path, text: &str) -> Result<Option<ApiKey>, KeyError> {
    let table: toml::Table = text.parse().map_err(|_| KeyError::Toml {
        path: path.to_path_buf(),
    })?;
    Ok(table
        .get("bugzilla")
        .and_then(|b| b.get("api_key"))
        .and_then(|k| k.as_str())
        .and_then(ApiKey::new))
}

/// `api_key` from the bugzillarc section named after `host` (or its URL), else `[DEFAULT]`.
pub(crate) fn key_from_bugzillarc(text: &str, host: &str) -> Option<ApiKey> {
    let mut section = String::new();
    let mut default_key = None;
    let mut host_key = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.trim().to_string();
            continue;
        }
        let Some((name, value)) = line.split_once(['=', ':']) else {
            continue;
        };
        if name.trim() != "api_key" {
            continue;
        }
        if section == "DEFAULT" {
            default_key = ApiKey::new(value);
        } else if section_matches(&section, host) {
            host_key = ApiKey::new(value);
        }
    }
    host_key.or(default_key)
}

/// A section matches `host` when it is the host or a URL on that host.
fn section_matches(section: &str, host: &str) -> bool {
    let bare = section
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    let bare_host = bare.split(['/', ':']).next().unwrap_or("");
    bare_host.eq_ignore_ascii_case(host)
}

/// A warning when `path` can be read by its group or by others (Unix only).
pub fn readable_by_others(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode();
        (mode & 0o077 != 0).then(|| {
            format!(
                "{} holds the Bugzilla API key but others can read it (mode {:o}); run chmod 600 on it",
                path.display(),
                mode & 0o777
            )
        })
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str, mode: u32) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        let _ = mode;
        path
    }

    fn sources(dir: &Path) -> KeySources {
        KeySources {
            env_value: None,
            config: Some(dir.join("config.toml")),
            bugzillarc: vec![dir.join("bugzillarc"), dir.join(".bugzillarc")],
            host: "bugzilla.redhat.com".into(),
        }
    }

    #[test]
    fn environment_wins() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "config.toml",
            "[bugzilla]\napi_key = \"file\"\n",
            0o600,
        );
        let mut s = sources(dir.path());
        s.env_value = Some("from-env".into());
        let found = s.find().unwrap();
        assert_eq!(found.key.unwrap().expose(), "from-env");
        assert_eq!(found.origin, Some(KeyOrigin::Environment));
    }

    #[test]
    fn our_config_then_bugzillarc() {
        let dir = tempfile::tempdir().unwrap();
        let rc = write(
            dir.path(),
            "bugzillarc",
            "[DEFAULT]\napi_key=default\n[bugzilla.stage.redhat.com]\napi_key=stage\n[bugzilla.redhat.com]\napi_key = prod\n",
            0o600,
        );
        let found = sources(dir.path()).find().unwrap();
        assert_eq!(found.key.unwrap().expose(), "prod");
        assert_eq!(found.origin, Some(KeyOrigin::File(rc)));
        assert!(found.warnings.is_empty());

        write(
            dir.path(),
            "config.toml",
            "[bugzilla]\napi_key = \"ours\"\n",
            0o600,
        );
        assert_eq!(
            sources(dir.path()).find().unwrap().key.unwrap().expose(),
            "ours"
        );
    }

    #[test]
    fn bugzillarc_default_section_and_url_sections() {
        assert_eq!(
            key_from_bugzillarc("[DEFAULT]\napi_key=d\n", "bugzilla.redhat.com")
                .unwrap()
                .expose(),
            "d"
        );
        assert_eq!(
            key_from_bugzillarc(
                "[https://bugzilla.redhat.com/rest]\napi_key: u\n",
                "bugzilla.redhat.com"
            )
            .unwrap()
            .expose(),
            "u"
        );
        assert!(
            key_from_bugzillarc("[other.example]\napi_key=x\n", "bugzilla.redhat.com").is_none()
        );
    }

    #[cfg(unix)]
    #[test]
    fn readable_file_gives_a_warning_without_the_key() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "config.toml",
            "[bugzilla]\napi_key = \"topsecret\"\n",
            0o644,
        );
        let found = sources(dir.path()).find().unwrap();
        assert_eq!(found.warnings.len(), 1);
        assert!(found.warnings[0].contains("chmod 600"));
        assert!(!found.warnings[0].contains("topsecret"));
    }

    #[test]
    fn broken_toml_error_does_not_quote_the_key() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "config.toml",
            "[bugzilla]\napi_key = \"topsecret\n",
            0o600,
        );
        let err = sources(dir.path()).find().unwrap_err().to_string();
        assert!(!err.contains("topsecret"), "{err}");
    }

    #[test]
    fn nothing_found() {
        let dir = tempfile::tempdir().unwrap();
        let found = sources(dir.path()).find().unwrap();
        assert!(found.key.is_none() && found.origin.is_none());
    }
}

//! The report file (ebranch 0.0.3 compatible JSON): model, loading, atomic saving.
//!
//! Each entry is kept as its JSON object, so keys this crate does not know, and the
//! order of all keys, survive a rewrite.

use std::io::Write;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Provider key for dependencies whose provider is unknown.
pub const UNKNOWN: &str = "UNKNOWN";

/// A report could not be read, parsed or written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Reading failed.
    #[error("cannot read report {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Not valid JSON, or not an object of objects.
    #[error("report {path} is not an ebranch report: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Writing or renaming failed.
    #[error("cannot write report {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// How the analysis classified a package (the `class` key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Not in the target: needs a branch.
    New,
    /// In the target at an older version.
    Update,
    /// The base distribution ships it too old; EPEL may not replace it.
    BlockedByBase,
    /// Its dependencies cannot be resolved.
    Unresolvable,
    /// The target already has it.
    Available,
}

impl Class {
    /// Parse the report's spelling.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "new" => Self::New,
            "update" => Self::Update,
            "blocked-by-base" => Self::BlockedByBase,
            "unresolvable" => Self::Unresolvable,
            "available" => Self::Available,
            _ => return None,
        })
    }
}

/// One package's entry: its JSON object, with typed accessors.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Entry(pub Map<String, Value>);

impl Entry {
    /// Providers this package needs to build, in file order (including `UNKNOWN`).
    pub fn build_providers(&self) -> Vec<String> {
        self.providers("build")
    }

    /// Providers this package needs at install time.
    pub fn install_providers(&self) -> Vec<String> {
        self.providers("install")
    }

    fn providers(&self, key: &str) -> Vec<String> {
        self.0
            .get(key)
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// `"skip": true`.
    pub fn skip(&self) -> bool {
        self.0.get("skip").and_then(Value::as_bool).unwrap_or(false)
    }

    /// The `class` key, if it holds a known class.
    pub fn class(&self) -> Option<Class> {
        self.0
            .get("class")
            .and_then(Value::as_str)
            .and_then(Class::parse)
    }

    /// The branch request's bug number.
    pub fn bug(&self) -> Option<u64> {
        match self.0.get("bug")? {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// Record the branch request's bug number.
    pub fn set_bug(&mut self, bug: u64) {
        self.0.insert("bug".into(), Value::from(bug));
    }

    /// The `status` object written by `status`.
    pub fn status(&self) -> Option<&Value> {
        self.0.get("status")
    }

    /// Replace the `status` object.
    pub fn set_status(&mut self, status: Value) {
        self.0.insert("status".into(), status);
    }
}

/// A whole report: source package → entry, in file order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Report {
    /// The entries.
    pub packages: IndexMap<String, Entry>,
}

impl Report {
    /// Parse report JSON; `path` is only used in errors.
    pub fn from_json(text: &str, path: &Path) -> Result<Self, ReportError> {
        let parse_error = |message: String| ReportError::Parse {
            path: path.to_path_buf(),
            message,
        };
        let value: Value = serde_json::from_str(text).map_err(|e| parse_error(e.to_string()))?;
        let Value::Object(top) = value else {
            return Err(parse_error("the top level is not an object".into()));
        };
        let mut packages = IndexMap::with_capacity(top.len());
        for (name, entry) in top {
            match entry {
                Value::Object(map) => {
                    packages.insert(name, Entry(map));
                }
                _ => return Err(parse_error(format!("entry {name:?} is not an object"))),
            }
        }
        Ok(Self { packages })
    }

    /// Read a report file.
    pub fn load(path: &Path) -> Result<Self, ReportError> {
        let text = std::fs::read_to_string(path).map_err(|source| ReportError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_json(&text, path)
    }

    /// The report as indented JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into());
        text.push('\n');
        text
    }

    /// Write the report atomically: a temporary file in the same directory, then rename.
    pub fn save(&self, path: &Path) -> Result<(), ReportError> {
        let write_error = |source| ReportError::Write {
            path: path.to_path_buf(),
            source,
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(write_error)?;
        tmp.write_all(self.to_json().as_bytes())
            .map_err(write_error)?;
        tmp.as_file().sync_all().map_err(write_error)?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(tmp.path(), meta.permissions()).map_err(write_error)?;
        }
        tmp.persist(path).map_err(|e| write_error(e.error))?;
        Ok(())
    }

    /// Package names that are entries (never `UNKNOWN`).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.packages
            .keys()
            .map(String::as_str)
            .filter(|n| *n != UNKNOWN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{
  "python-b4": {
    "zeta": 1,
    "build": {
      "python-dkimpy": ["(python3dist(dkimpy) >= 1 with python3dist(dkimpy) < 2)"],
      "UNKNOWN": ["python3dist(unobtanium)"]
    },
    "class": "new"
  },
  "python-dkimpy": {"skip": true, "bug": "123"},
  "python-patatt": {}
}"#;

    #[test]
    fn reads_0_0_3_reports() {
        let r = Report::from_json(SAMPLE, Path::new("r.json")).unwrap();
        let b4 = &r.packages["python-b4"];
        assert_eq!(b4.build_providers(), vec!["python-dkimpy", "UNKNOWN"]);
        assert_eq!(b4.class(), Some(Class::New));
        assert!(r.packages["python-dkimpy"].skip());
        assert_eq!(r.packages["python-dkimpy"].bug(), Some(123));
        assert_eq!(r.packages["python-patatt"].bug(), None);
    }

    #[test]
    fn rewrite_keeps_unknown_keys_and_order() {
        let mut r = Report::from_json(SAMPLE, Path::new("r.json")).unwrap();
        r.packages["python-b4"].set_bug(42);
        let text = r.to_json();
        let zeta = text.find("\"zeta\"").unwrap();
        let build = text.find("\"build\"").unwrap();
        let class = text.find("\"class\"").unwrap();
        assert!(zeta < build && build < class && class < text.find("\"bug\": 42").unwrap());
        let again = Report::from_json(&text, Path::new("r.json")).unwrap();
        assert_eq!(
            again.packages.keys().collect::<Vec<_>>(),
            r.packages.keys().collect::<Vec<_>>()
        );
    }

    #[test]
    fn save_is_atomic_and_keeps_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        std::fs::write(&path, SAMPLE).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        let mut r = Report::load(&path).unwrap();
        r.packages["python-patatt"].set_bug(7);
        r.save(&path).unwrap();
        assert_eq!(
            Report::load(&path).unwrap().packages["python-patatt"].bug(),
            Some(7)
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o644);
        }
    }

    #[test]
    fn rejects_non_reports() {
        assert!(Report::from_json("[]", Path::new("x")).is_err());
        assert!(Report::from_json("{\"a\": 1}", Path::new("x")).is_err());
        assert!(Report::load(Path::new("/nonexistent/r.json")).is_err());
    }
}
